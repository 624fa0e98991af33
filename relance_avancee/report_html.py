# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Lighter HTML for wkhtmltopdf, rendering the same PDF.

A batch of documents is one wkhtmltopdf call: one HTML file per document, plus a
header file and a footer file holding the headers (footers) of all documents,
which wkhtmltopdf loads again for every page (Odoo's ``subst`` script then keeps
the one of the page's document). Each of these loads parses the report
stylesheet (430 kB), and the header and footer files grow with the batch: that is
most of the time of a call. Here:

- each file gets, inline, only the rules of the stylesheet that may apply to its
  elements (a rule is dropped only when its selectors need a class, id or tag
  the file does not have, so the cascade of the elements is unchanged), without
  the fonts fetched from other hosts (https, which this wkhtmltopdf cannot load);
- the header and footer files keep one copy of each distinct header (footer),
  and the script picks it through an index map;
- the empty ``background-image: url()`` of the layouts (blank background) is
  removed: wkhtmltopdf fetches the server's root for it, and sometimes fails the
  call with ProtocolUnknownError.

Any part that does not look as expected is left as Odoo made it.
"""

import re

from lxml import html as lxml_html

_STYLESHEET_LINK = re.compile(
    r'<link\b[^>]*\brel="stylesheet"[^>]*\bhref="(?P<href>/web/assets/[^"]+\.css)"[^>]*>'
)
_EMPTY_BACKGROUND = re.compile(r"background-image:\s*url\(\s*(?:''|\"\")?\s*\);?")
# Odoo's minimal layout: the index of the page's document in the header/footer box.
_SUBST_INDEX = "vars['webpage'].split('.', 4)[3]"
_BOXES = ("minimal_layout_report_headers", "minimal_layout_report_footers")

# --- stylesheets -------------------------------------------------------------

_NESTED_AT_RULES = ("@media", "@supports", "@document", "@layer", "@container")
_FUNCTIONAL_PSEUDO = re.compile(r":{1,2}[-\w]+\(")
_SIMPLE_NAME = re.compile(r"([.#])(-?[_a-zA-Z][-\w]*)(?![-\w])")
_PSEUDO = re.compile(r"::?[-\w]+")
_TYPE = re.compile(r"(?:^|[\s>+~])([a-zA-Z][a-zA-Z0-9-]*)")
_FOREIGN_URL = re.compile(r"url\(\s*['\"]?(?:https?:)?//", re.IGNORECASE)


def parse_stylesheet(css):
    """The stylesheet as a tree: ("text", text) for what is always kept,
    ("rule", text, needs) for a style rule (needs: one set of required names per
    selector; the rule may apply when one of them is present), ("group", prelude,
    children) for @media and the like, ("font", text) for @font-face."""
    return _parse_items(_top_level_items(_without_comments(css)))


def prune_stylesheet(tree, names):
    """The stylesheet text with the rules that may apply to an element having
    some of ``names`` (".class", "#id", "tag"); fonts from other hosts dropped."""
    out = []
    for node in tree:
        kind = node[0]
        if kind == "text":
            out.append(node[1])
        elif kind == "font":
            if not _FOREIGN_URL.search(node[1]):
                out.append(node[1])
        elif kind == "rule":
            if any(need <= names for need in node[2]):
                out.append(node[1])
        else:
            inner = prune_stylesheet(node[2], names)
            if inner:
                out.append(node[1] + "{" + inner + "}")
    return "".join(out)


def _without_comments(css):
    out, i, n = [], 0, len(css)
    while i < n:
        c = css[i]
        if c in "\"'":
            j = _string_end(css, i)
            out.append(css[i:j])
            i = j
        elif css.startswith("/*", i):
            end = css.find("*/", i + 2)
            i = n if end < 0 else end + 2
            out.append(" ")
        else:
            j = i
            while j < n and css[j] not in "\"'/":
                j += 1
            if j == i:  # a lone slash
                j += 1
            out.append(css[i:j])
            i = j
    return "".join(out)


def _string_end(css, start):
    """Index just after the string starting at ``start``."""
    quote, i, n = css[start], start + 1, len(css)
    while i < n and css[i] != quote:
        i += 2 if css[i] == "\\" else 1
    return i + 1


def _top_level_items(css):
    """[(prelude, body or None)]: statements (None) and blocks at the top level."""
    items, depth, start, body_start, prelude = [], 0, 0, 0, ""
    i, n = 0, len(css)
    while i < n:
        c = css[i]
        if c in "\"'":
            i = _string_end(css, i)
            continue
        if c == "\\":
            i += 2
            continue
        if c == "{":
            if depth == 0:
                prelude, body_start = css[start:i].strip(), i + 1
            depth += 1
        elif c == "}":
            depth -= 1
            if depth == 0:
                items.append((prelude, css[body_start:i]))
                start = i + 1
        elif c == ";" and depth == 0:
            if css[start:i].strip():
                items.append((css[start:i].strip(), None))
            start = i + 1
        i += 1
    return items


def _parse_items(items):
    tree = []
    for prelude, body in items:
        if body is None:
            tree.append(("text", prelude + ";"))
        elif prelude.lower().startswith(_NESTED_AT_RULES):
            tree.append(("group", prelude, _parse_items(_top_level_items(body))))
        elif prelude.lower().startswith("@font-face"):
            tree.append(("font", prelude + "{" + body + "}"))
        elif prelude.startswith("@"):
            tree.append(("text", prelude + "{" + body + "}"))
        else:
            needs = [_selector_needs(s) for s in _split_selectors(prelude)]
            tree.append(("rule", prelude + "{" + body + "}", needs))
    return tree


def _split_selectors(prelude):
    parts, depth, current, quote = [], 0, [], None
    for c in prelude:
        if quote:
            quote = None if c == quote else quote
        elif c in "\"'":
            quote = c
        elif c in "([":
            depth += 1
        elif c in ")]":
            depth -= 1
        elif c == "," and depth == 0:
            parts.append("".join(current))
            current = []
            continue
        current.append(c)
    parts.append("".join(current))
    return parts


def _selector_needs(selector):
    """The names an element set must have for the selector to possibly match: its
    classes, ids and types outside :not(), :is() and the like and attribute tests.
    Nothing is required of a selector this does not read with certainty."""
    if "\\" in selector or "|" in selector:
        return frozenset()
    simple = _PSEUDO.sub("", _without_arguments(selector))
    names = {kind + name for kind, name in _SIMPLE_NAME.findall(simple)}
    bare = _SIMPLE_NAME.sub("", simple)
    names.update(tag.lower() for tag in _TYPE.findall(bare))
    return frozenset(names)


def _without_arguments(selector):
    """The selector without attribute tests and functional pseudo-class arguments."""
    out, depth, i, n = [], 0, 0, len(selector)
    while i < n:
        match = None if depth else _FUNCTIONAL_PSEUDO.match(selector, i)
        if match:
            depth, i = 1, match.end()
            continue
        c = selector[i]
        if depth:
            depth += (c == "(") - (c == ")")
        elif c == "[":
            end = selector.find("]", i)
            i = n if end < 0 else end + 1
            continue
        else:
            out.append(c)
        i += 1
    return "".join(out)


# --- documents -----------------------------------------------------------------


def document_names(document):
    """The class, id and tag names of the elements of an HTML document."""
    names = set()
    for element in lxml_html.document_fromstring(document).iter():
        if not isinstance(element.tag, str):  # comments, processing instructions
            continue
        names.add(element.tag.lower())
        names.update("." + name for name in (element.get("class") or "").split())
        if element.get("id"):
            names.add("#" + element.get("id"))
    return frozenset(names)


def inline_stylesheets(document, stylesheet, pruned):
    """Replace each link to a compiled bundle by the rules that may apply here.
    ``stylesheet(href)`` gives the parsed bundle, or None to keep the link;
    ``pruned`` caches the rules kept per bundle and set of names."""
    names = None

    def inline(match):
        nonlocal names
        tree = stylesheet(match["href"])
        if tree is None:
            return match[0]
        if names is None:
            names = document_names(document)
        key = (match["href"], names)
        if key not in pruned:
            pruned[key] = prune_stylesheet(tree, names)
        if "</" in pruned[key]:
            return match[0]
        return "<style>" + pruned[key] + "</style>"

    return _STYLESHEET_LINK.sub(inline, document)


def without_empty_background(document):
    return _EMPTY_BACKGROUND.sub("", document)


def deduplicate_boxes(document, count):
    """One copy of each distinct header (footer) in Odoo's box, the script picking
    the copy of the page's document (``count`` documents) through an index map."""
    if document.count(_SUBST_INDEX) != 1:
        return document
    root = lxml_html.document_fromstring(document)
    boxes = [box for name in _BOXES for box in root.xpath("//div[@id=$name]", name=name)]
    if len(boxes) != 1 or len(boxes[0]) != count:
        return document
    box, distinct, index_map = boxes[0], {}, []
    for child in list(box):
        key = lxml_html.tostring(child, encoding="unicode", with_tail=False)
        if key in distinct:
            box.remove(child)
        else:
            distinct[key] = len(distinct)
        index_map.append(distinct[key])
    if len(distinct) == count:
        return document
    for child in box:
        child.tail = None
    script = next((s for s in root.iter("script") if s.text and _SUBST_INDEX in s.text), None)
    if script is None:
        return document
    script.text = script.text.replace(_SUBST_INDEX, f"{index_map}[{_SUBST_INDEX}]")
    return lxml_html.tostring(root, encoding="unicode", doctype="<!DOCTYPE html>")


def lighten(bodies, header, footer, stylesheet):
    """(bodies, header, footer) rendering the same pages, faster."""
    pruned = {}
    bodies = [
        inline_stylesheets(without_empty_background(body), stylesheet, pruned) for body in bodies
    ]
    if header:
        header = inline_stylesheets(deduplicate_boxes(header, len(bodies)), stylesheet, pruned)
    if footer:
        footer = inline_stylesheets(deduplicate_boxes(footer, len(bodies)), stylesheet, pruned)
    return bodies, header, footer
