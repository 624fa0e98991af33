# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Refresh the reminder templates nobody customised (shared by the migrations).

Mail templates are loaded once (noupdate): an upgrade never changes them, so a
database installed earlier keeps texts that are no longer right. A template whose
subject and body are exactly one of the versions we shipped, in every language, is
reloaded from the module's data file; a template someone edited is left alone and
logged. Not a migration itself (the migration manager runs the scripts of version
folders only): each version's post-migrate script loads it with ``load()``.
"""

import hashlib
import importlib.util
import logging
import re
from io import BytesIO
from pathlib import Path

from lxml import etree, html

from odoo import SUPERUSER_ID, api
from odoo.tools.convert import convert_xml_import

_logger = logging.getLogger(__name__)

DATA_FOLDER = Path(__file__).parents[1] / "data"
# The reminders' templates, and those of the customer's other messages (call
# confirmation, copies of invoices, SMS).
DATA_FILE = DATA_FOLDER / "mail_template_data.xml"
DATA_FILES = (DATA_FILE, DATA_FOLDER / "mail_template_customer_data.xml")


def load(version):
    """The post-migrate module of ``version`` (its SHIPPED fingerprints)."""
    path = Path(__file__).parent / version / "post-migrate.py"
    spec = importlib.util.spec_from_file_location(f"relance_post_migrate_{version}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def refresh(cr, shipped, translations):
    """Reload the templates still holding one of the ``shipped`` texts (and, in other
    languages, one of the shipped ``translations``) with the data file's texts."""
    env = api.Environment(cr, SUPERUSER_ID, {})
    reload_templates(env, untouched_templates(env, shipped, translations))


def fingerprint(subject, body):
    """A digest of what a template says, blind to how Odoo re-serialises HTML
    (whitespace, attribute order, spacing inside style attributes)."""
    parts = [" ".join((subject or "").split())]
    if body:
        root = html.fragment_fromstring(body, create_parent="div")
        for element in root.iter():
            if not isinstance(element.tag, str):
                continue
            attributes = sorted(
                (name, re.sub(r"\s+", "", value) if name == "style" else " ".join(value.split()))
                for name, value in element.attrib.items()
            )
            parts.append(f"<{element.tag} {attributes}>")
            for text in (element.text, element.tail):
                if text and text.strip():
                    parts.append(" ".join(text.split()))
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def shipped_records(xml_bytes):
    """{xmlid name: (subject, body)} of the mail templates in a data file."""
    records = {}
    for record in etree.fromstring(xml_bytes).iter("record"):
        if record.get("model") != "mail.template":
            continue
        subject = record.find("field[@name='subject']")
        body = record.find("field[@name='body_html']")
        body_html = (body.text or "") + "".join(
            etree.tostring(child, encoding="unicode") for child in body
        )
        records[record.get("id")] = (subject.text if subject is not None else "", body_html)
    return records


def current_records():
    """{xmlid name: (subject, body)} of every template the module ships today."""
    records = {}
    for data_file in DATA_FILES:
        records.update(shipped_records(data_file.read_bytes()))
    return records


def untouched_templates(env, shipped, translations):
    """xmlid names of our templates whose every language holds a text we shipped:
    the source one of the shipped versions, each translation one of the shipped
    translations (or a copy of the source). An edit in any language keeps it."""
    current = {name: fingerprint(*text) for name, text in current_records().items()}
    names = []
    for name, known in shipped.items():
        template = env.ref(f"relance_avancee.{name}", raise_if_not_found=False)
        if not template:
            continue
        texts = stored_texts(env, template)
        source = texts.pop("en_US", None)
        if source is None or fingerprint(*source) == current.get(name):
            continue  # already the new text
        accepted = {fingerprint(*source)} | translations.get(name, set())
        if fingerprint(*source) in known and all(
            fingerprint(*text) in accepted for text in texts.values()
        ):
            names.append(name)
        else:
            _logger.info("Template %s was customised: kept as it is.", name)
    return names


def stored_texts(env, template):
    """{lang: (subject, body)} as stored, one per language (subject and body are
    translated as a whole)."""
    env.flush_all()
    env.cr.execute("SELECT subject, body_html FROM mail_template WHERE id = %s", [template.id])
    subjects, bodies = env.cr.fetchone()
    subjects, bodies = subjects or {}, bodies or {}
    source_subject = subjects.get("en_US", "")
    return {lang: (subjects.get(lang, source_subject), body) for lang, body in bodies.items()}


def reload_templates(env, names):
    """Load these records of the data file again, as on a first install."""
    if not names:
        return
    xmlids = env["ir.model.data"].search(
        [("module", "=", "relance_avancee"), ("name", "in", list(names))]
    )
    xmlids.noupdate = False  # else the loader keeps the record as it is
    xmlids.flush_recordset()  # the loader reads the flag in SQL
    for data_file in DATA_FILES:
        tree = etree.fromstring(data_file.read_bytes())
        records = list(tree.iter("record"))
        for record in records:
            if record.get("id") not in names:
                record.getparent().remove(record)
        if not any(record.get("id") in names for record in records):
            continue
        tree.set("noupdate", "0")
        stream = BytesIO(etree.tostring(tree))
        stream.name = str(data_file)  # Odoo's loader names the file in its messages
        convert_xml_import(env, "relance_avancee", stream, {}, mode="update", noupdate=False)
    xmlids.noupdate = True
    forget_old_translations(env, xmlids.mapped("res_id"))
    _logger.info("Templates refreshed to the new texts: %s", ", ".join(sorted(names)))


def forget_old_translations(env, template_ids):
    """Other languages still hold the old text: keep the source only, so that the
    module's catalogs, loaded right after this script, translate the new one."""
    env.flush_all()
    env.cr.execute(
        """
        UPDATE mail_template
           SET subject = jsonb_build_object('en_US', subject->'en_US'),
               body_html = jsonb_build_object('en_US', body_html->'en_US')
         WHERE id = ANY(%s)
        """,
        [template_ids],
    )
    env.invalidate_all()
