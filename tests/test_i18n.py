import os

import polib

from odoo.tests import TransactionCase

from .common import RelanceTagged

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ADDONS = ("relance_avancee", "relance_avancee_disputes", "relance_avancee_reports")


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
