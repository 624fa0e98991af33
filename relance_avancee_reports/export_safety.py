# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""What the exports write into files opened elsewhere (spreadsheets, archives):
text cells never read as formulas, archive member names never leaving their folder.
"""

import csv
import re

# A cell starting with one of these is a formula (or starts one) in spreadsheets.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
# Figures the exports format themselves (e.g. "-12.50"): data, not formulas.
PLAIN_NUMBER = re.compile(r"[-+]?\d+(\.\d+)?")
UNSAFE_NAME_CHARACTERS = re.compile(r"[^A-Za-z0-9._-]")


def neutralise_cell(value):
    """A text cell that cannot run as a formula: prefixed with a quote (OWASP)."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        if not PLAIN_NUMBER.fullmatch(value):
            return f"'{value}"
    return value


def neutralise_row(cells):
    return [neutralise_cell(cell) for cell in cells]


def safe_member_name(name, used, default="file"):
    """A file name of [A-Za-z0-9._-] only, not hidden, unique among ``used`` (updated).

    '/' becomes '-' (invoice numbers), any other character '_'.
    """
    stem = UNSAFE_NAME_CHARACTERS.sub("_", (name or "").replace("/", "-")).lstrip(".")
    stem = stem or default
    candidate, index = stem, 1
    while candidate.lower() in used:
        index += 1
        candidate = f"{stem}_{index}"
    used.add(candidate.lower())
    return candidate


class SafeCsvWriter:
    """``csv.writer`` whose every text cell is neutralised."""

    def __init__(self, output):
        self._writer = csv.writer(output)

    def writerow(self, cells):
        return self._writer.writerow(neutralise_row(cells))


XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def xlsx_download(record, filename, content):
    """Store ``content`` as an attachment of ``record`` and return the action that
    downloads it: the XLSX exports of the report wizards."""
    attachment = record.env["ir.attachment"].create(
        {
            "name": filename,
            "raw": content,
            "res_model": record._name,
            "res_id": record.id,
            "mimetype": XLSX_MIMETYPE,
        }
    )
    return {
        "type": "ir.actions.act_url",
        "url": f"/web/content/{attachment.id}?download=true",
        "target": "self",
    }
