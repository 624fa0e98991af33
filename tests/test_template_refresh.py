"""18.0.1.2.0 and 18.0.1.3.0 migrations: reminder templates nobody customised get the
new texts; a template someone edited is kept."""

import importlib.util
from pathlib import Path

from .common import RelanceCase

MIGRATIONS = Path(__file__).parent.parent / "relance_avancee/migrations"
MIGRATION = MIGRATIONS / "18.0.1.2.0/post-migrate.py"


def load_migration(path=MIGRATION):
    spec = importlib.util.spec_from_file_location(f"relance_migration_{path.parent.name}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


OLD_BODY = (
    "<div><p>Despite our reminders, the invoices below remain unpaid. We hereby give you "
    "formal notice to pay them within 8 days.</p></div>"
)


class TestTemplateRefresh(RelanceCase):
    def setUp(self):
        super().setUp()
        self.migration = load_migration()
        self.refresh = self.migration.template_refresh  # the code both versions share
        self.notice = self.env.ref("relance_avancee.mail_template_relance_formal_notice")
        self.firm = self.env.ref("relance_avancee.mail_template_relance_firm")
        self.shipped_text = (self.notice.subject, self.notice.body_html)

    def test_every_shipped_template_has_its_old_versions(self):
        names = set(self.refresh.shipped_records(self.refresh.DATA_FILE.read_bytes()))
        self.assertEqual(set(self.migration.SHIPPED), names)
        self.assertTrue(all(self.migration.SHIPPED.values()))

    def test_current_text_is_recognised_whatever_odoo_reserialised(self):
        """The fingerprint of the data file's text equals the stored record's."""
        records = self.refresh.shipped_records(self.refresh.DATA_FILE.read_bytes())
        subject, body = records["mail_template_relance_formal_notice"]
        self.assertEqual(
            self.refresh.fingerprint(subject, body),
            self.refresh.fingerprint(*self.shipped_text),
        )

    def test_an_old_untouched_text_is_refreshed_a_customised_one_kept(self):
        self.notice.write({"body_html": OLD_BODY})
        custom = "<div><p>Our own words, signed by the CFO.</p></div>"
        self.firm.write({"body_html": custom})
        old = {
            "mail_template_relance_formal_notice": {
                self.refresh.fingerprint(self.notice.subject, OLD_BODY)
            },
            "mail_template_relance_firm": {"another shipped version"},
        }
        names = self.refresh.untouched_templates(self.env, shipped=old, translations={})
        self.assertEqual(names, ["mail_template_relance_formal_notice"])
        self.refresh.reload_templates(self.env, names)
        self.notice.invalidate_recordset()
        self.assertNotIn("within 8 days", self.notice.body_html)
        self.assertEqual(
            self.refresh.fingerprint(self.notice.subject, self.notice.body_html),
            self.refresh.fingerprint(*self.shipped_text),
        )
        self.assertIn("Our own words", self.firm.body_html, "customised: kept")

    def test_a_text_customised_in_french_only_is_kept(self):
        """The French user edits the French formal notice only: its English source is
        still a shipped version, yet the template is the company's own and is kept."""
        self.env["res.lang"]._activate_lang("fr_FR")
        self.notice.write({"body_html": OLD_BODY})
        french = "<div><p>Notre propre mise en demeure, signée du directeur financier.</p></div>"
        self.notice.with_context(lang="fr_FR").write({"body_html": french})
        old = {
            "mail_template_relance_formal_notice": {
                self.refresh.fingerprint(self.notice.subject, OLD_BODY)
            }
        }
        self.assertEqual(
            self.refresh.untouched_templates(self.env, shipped=old, translations={}), []
        )
        # Positive control: the same French text, had it been shipped, is refreshed.
        subject_fr = self.notice.with_context(lang="fr_FR").subject
        shipped_fr = {
            "mail_template_relance_formal_notice": {self.refresh.fingerprint(subject_fr, french)}
        }
        self.assertEqual(
            self.refresh.untouched_templates(self.env, shipped=old, translations=shipped_fr),
            ["mail_template_relance_formal_notice"],
        )


class TestOneMessageMigration(RelanceCase):
    """18.0.1.3.0: the texts of 18.0.1.2.0 are refreshed too; earlier actions get their
    invoices' lines."""

    def setUp(self):
        super().setUp()
        self.migration = load_migration(MIGRATIONS / "18.0.1.3.0/post-migrate.py")
        self.refresh = self.migration.template_refresh

    def test_every_text_shipped_before_is_refreshed_never_the_new_one(self):
        texts, translations = self.migration.shipped()
        previous = load_migration()
        records = self.refresh.current_records()
        reminders = self.refresh.shipped_records(self.refresh.DATA_FILE.read_bytes())
        self.assertEqual(set(texts), set(reminders) | {"mail_template_relance_duplicates"})
        for name in reminders:
            self.assertLessEqual(previous.SHIPPED[name], texts[name], "1.1 texts still known")
        for name, known in self.migration.SHIPPED_1_2.items():
            self.assertLessEqual(known, texts[name], "and 1.2's")
            self.assertNotIn(self.refresh.fingerprint(*records[name]), known, "a new text")
        for name, known in previous.SHIPPED_TRANSLATIONS.items():
            self.assertLessEqual(known, translations[name], "French texts of 1.1 known")
        self.assertTrue(translations["mail_template_relance_duplicates"], "the copy's French")
        # Already the new texts: nothing to refresh.
        self.assertEqual(self.refresh.untouched_templates(self.env, texts, translations), [])

    def test_the_copy_of_invoices_not_received_gets_the_receipt_link(self):
        """The copy's template lives in the customers' data file: an untouched old text
        is reloaded from there, with the link asking to confirm receipt."""
        copy = self.env.ref("relance_avancee.mail_template_relance_duplicates")
        old_body = (
            "<div><p>Please find attached a copy of the invoices you told us you did not "
            "receive.</p></div>"
        )
        copy.write({"body_html": old_body})
        shipped = {
            "mail_template_relance_duplicates": {self.refresh.fingerprint(copy.subject, old_body)}
        }
        names = self.refresh.untouched_templates(self.env, shipped, translations={})
        self.assertEqual(names, ["mail_template_relance_duplicates"])
        self.refresh.reload_templates(self.env, names)
        copy.invalidate_recordset()
        self.assertIn("o_relance_confirm_receipt", copy.body_html)

    def test_earlier_actions_get_a_line_per_invoice_at_their_level(self):
        level = self.standard_plan.level_ids.sorted("sequence")[0]
        invoices = self.make_invoice(self.customer, "2026-01-31") | self.make_invoice(
            self.customer, "2026-02-10"
        )
        entry = self.env["relance.history"].create(
            {
                "partner_id": self.customer.id,
                "move_ids": [(6, 0, invoices.ids)],
                "level_id": level.id,
                "channel": "email",
                "date": "2026-02-20",
            }
        )
        self.env.flush_all()
        self.env.cr.execute("DELETE FROM relance_history_line WHERE history_id = %s", [entry.id])
        self.env.invalidate_all()
        self.assertFalse(entry.line_ids, "as written before 18.0.1.3.0")
        self.migration.add_history_lines(self.env.cr)
        self.env.invalidate_all()
        self.assertEqual(entry.line_ids.move_id, invoices)
        self.assertEqual(entry.line_ids.level_id, level)
        self.migration.add_history_lines(self.env.cr)  # run twice: nothing doubled
        self.env.invalidate_all()
        self.assertEqual(len(entry.line_ids), 2)


class TestRateKindRemoved(RelanceCase):
    def test_rates_of_a_private_creditor_leave(self):
        """18.0.1.2.0 pre-migration: the rows of the removed rate kind are deleted, the
        others stay."""
        spec = importlib.util.spec_from_file_location(
            "relance_pre_migrate", MIGRATION.with_name("pre-migrate.py")
        )
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        self.env["relance.rate"].flush_model()
        self.env.cr.execute(
            "INSERT INTO relance_rate (kind, date_from, rate) VALUES "
            "('legal_individual', '2030-01-01', 9.99) RETURNING id"
        )
        removed = self.env.cr.fetchone()[0]
        kept = self.env["relance.rate"].search_count([])
        module.migrate(self.env.cr, "18.0.1.1.0")
        self.env.cr.execute("SELECT id FROM relance_rate WHERE id = %s", [removed])
        self.assertFalse(self.env.cr.fetchall())
        self.env.invalidate_all()
        self.assertEqual(self.env["relance.rate"].search_count([]), kept - 1, "the others stay")
