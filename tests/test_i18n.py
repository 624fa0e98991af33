import os

import polib

from odoo.tests import TransactionCase

from .common import RelanceTagged

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ADDONS = (
    "relance_avancee",
    "relance_avancee_disputes",
    "relance_avancee_reports",
    "relance_avancee_queue_job",
)


class TestFrenchCatalogs(RelanceTagged, TransactionCase):
    def test_every_term_of_the_template_is_translated(self):
        for addon in ADDONS:
            folder = os.path.join(REPO, addon, "i18n")
            template = polib.pofile(os.path.join(folder, f"{addon}.pot"))
            french = polib.pofile(os.path.join(folder, "fr.po"))
            with self.subTest(addon=addon):
                self.assertEqual(
                    {e.msgid for e in template}, {e.msgid for e in french}, "fr.po follows the .pot"
                )
                self.assertEqual(french.percent_translated(), 100)
                self.assertFalse(french.fuzzy_entries())

    def test_every_python_file_gives_its_terms_to_the_catalog(self):
        """Odoo extracts the terms with babel, which evaluates the arguments of ``_()``:
        an f-string among them makes it drop the whole file from the catalog."""
        from babel.messages.extract import extract

        for addon in ADDONS:
            for folder, _dirs, files in os.walk(os.path.join(REPO, addon)):
                for name in files:
                    if not name.endswith(".py"):
                        continue
                    path = os.path.join(folder, name)
                    with self.subTest(path=path), open(path, "rb") as source:
                        list(extract("python", source, keywords={"_": None, "_lt": None}))
