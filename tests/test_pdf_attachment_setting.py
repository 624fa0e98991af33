"""Each level says whether its emails carry the reminder as PDF (``attach_pdf``) and
the invoices' own PDFs (``attach_invoice_pdfs``): a plain email reminder lists the
invoices in its body and needs no document of its own; a letter or a formal notice
is its document."""

from datetime import date
from unittest.mock import patch

from odoo.exceptions import ValidationError

from .common import RelanceCase
from .test_template_refresh import MIGRATIONS, load_migration

DOCUMENTS = "odoo.addons.relance_avancee.models.relance_documents.RelanceDocuments"
SENDER = "odoo.addons.account.models.account_move_send.AccountMoveSend"


class TestPdfAttachmentSetting(RelanceCase):
    """Standard plan: email +1, email +8, call +15, formal notice +30, litigation +60."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.level1, cls.level2, cls.level3, cls.level4, cls.level5 = (
            cls.standard_plan.level_ids.sorted("sequence")
        )
        cls.invoice = cls.make_invoice(cls.customer, "2026-01-31", 1000.0)

    def _run(self, day):
        """Run ``day``; the reminder documents rendered meanwhile and the new emails."""
        documents = self.env["relance.documents"]
        with (
            self.mock_mail_gateway(),
            patch.object(
                type(documents), "_render", autospec=True, side_effect=documents._render.__func__
            ) as render,
        ):
            run = self.run_on(day)
        entry = run.history_ids.filtered(lambda e: e.partner_id == self.customer)
        mail = self._new_mails.filtered(lambda m: m.mail_message_id == entry.message_id)
        return run, entry, mail, render

    def test_email_without_pdf_leaves_at_once_without_rendering(self):
        self.level1.attach_pdf = False
        run, entry, mail, render = self._run(date(2026, 2, 1))
        self.assertEqual(entry.channel, "email")
        self.assertEqual(entry.state, "done")
        self.assertEqual(len(mail), 1)
        self.assertEqual(mail.state, "outgoing")
        self.assertFalse(mail.scheduled_date, "not held: no document to wait for")
        self.assertFalse(mail.attachment_ids, "no reminder PDF")
        self.assertFalse(entry.attachment_id)
        self.assertFalse(entry.document_state, "no document to render")
        self.assertIn(self.invoice.name, str(mail.body_html), "the body lists the invoice")
        self.assertEqual(run.state, "done")
        render.assert_not_called()

    def test_email_with_pdf_carries_the_reminder_document(self):
        self.level1.attach_pdf = True
        run, entry, mail, render = self._run(date(2026, 2, 1))
        self.assertEqual(entry.document_state, "done")
        self.assertTrue(entry.attachment_id)
        self.assertEqual(mail.attachment_ids, entry.attachment_id)
        self.assertIn(self.invoice.name, entry.attachment_id.raw.decode())
        self.assertFalse(mail.scheduled_date, "released once its document was attached")
        self.assertEqual(run.state, "done")
        self.assertEqual(render.call_count, 1)

    def test_default_by_channel_and_letters_keep_their_document(self):
        level = self.env["relance.level"].create(
            {
                "plan_id": self.standard_plan.id,
                "sequence": 99,
                "name": "Extra reminder",
                "offset_days": 100,
                "channel": "email",
                "mail_template_id": self.level1.mail_template_id.id,
            }
        )
        self.assertFalse(level.attach_pdf, "a plain email reminder: no PDF by default")
        level.attach_pdf = True
        self.assertTrue(level.attach_pdf, "editable on an email level")
        level.channel = "letter"
        self.assertTrue(level.attach_pdf)
        with self.assertRaises(ValidationError):
            level.attach_pdf = False
        with self.assertRaises(ValidationError):
            self.level4.attach_pdf = False
        self.assertTrue(self.level4.attach_pdf, "the formal notice keeps its document")

    def test_letter_fallback_is_rendered_even_when_the_email_level_has_no_pdf(self):
        self.level1.attach_pdf = False
        self.customer.email = False
        run, entry, mail, render = self._run(date(2026, 2, 1))
        self.assertEqual(entry.channel, "letter")
        self.assertEqual(entry.document_state, "done")
        self.assertTrue(entry.attachment_id)
        self.assertEqual(render.call_count, 1)

    def test_invoice_pdfs_attached_and_rendered_once(self):
        self.level1.write({"attach_pdf": False, "attach_invoice_pdfs": True})
        self.level2.write({"attach_pdf": False, "attach_invoice_pdfs": True})
        other = self.make_invoice(self.customer, "2026-01-30", 250.0)
        sender = self.env["account.move.send"]
        with patch.object(
            type(sender),
            "_prepare_invoice_pdf_report",
            autospec=True,
            side_effect=sender._prepare_invoice_pdf_report.__func__,
        ) as prepare:
            _run, entry, mail, _render = self._run(date(2026, 2, 1))
            self.assertEqual(prepare.call_count, 1, "both invoices rendered in one batch")
            invoices = self.invoice | other
            self.assertEqual(entry.move_ids, invoices)
            pdfs = invoices.invoice_pdf_report_id
            self.assertEqual(len(pdfs), 2, "each invoice keeps its PDF")
            self.assertEqual(mail.attachment_ids, pdfs)
            self.assertEqual(
                sorted(mail.attachment_ids.mapped("name")),
                sorted(f"{inv.name.replace('/', '_')}.pdf" for inv in invoices),
            )
            self.assertEqual(
                self.invoice.invoice_pdf_report_id.name,
                f"{self.invoice.name.replace('/', '_')}.pdf",
            )
            self.assertFalse(mail.scheduled_date)
            self.assertFalse(entry.attachment_id, "no reminder PDF")

            _run, second, mail2, _render = self._run(date(2026, 2, 9))
            self.assertEqual(second.level_id, self.level2)
            self.assertEqual(prepare.call_count, 1, "the invoices' PDFs are not rendered again")
            self.assertEqual(mail2.attachment_ids, pdfs)
        self.assertEqual(invoices.invoice_pdf_report_id, pdfs)

    def test_shipped_levels(self):
        expected = {
            "relance_level_standard_1": False,
            "relance_level_standard_2": False,
            "relance_level_standard_4": True,
            "relance_level_phone_2": False,
            "relance_level_phone_5": True,
            "relance_level_written_1": False,
            "relance_level_written_2": False,
            "relance_level_written_3": False,
            "relance_level_written_4": True,
            "relance_level_written_5": True,
        }
        for xmlid, attach in expected.items():
            level = self.env.ref(f"relance_avancee.{xmlid}")
            self.assertEqual(level.attach_pdf, attach, xmlid)
            self.assertFalse(level.attach_invoice_pdfs, xmlid)

    def test_upgrade_keeps_existing_email_levels_attaching(self):
        migration = load_migration(MIGRATIONS / "18.0.1.3.0/post-migrate.py")
        self.assertFalse(self.level1.attach_pdf)
        self.env.flush_all()
        migration.keep_reminder_documents(self.env.cr)
        self.env.invalidate_all()
        self.assertTrue(self.level1.attach_pdf, "emails kept their PDF before the upgrade")
        self.assertTrue(self.level2.attach_pdf)
        self.assertTrue(self.level3.attach_pdf, "a call's small-amount email too")
        self.assertTrue(self.level4.attach_pdf)
        self.assertFalse(self.level5.attach_pdf, "litigation sends nothing")
        _run, entry, mail, _render = self._run(date(2026, 2, 1))
        self.assertEqual(mail.attachment_ids, entry.attachment_id)
        self.assertTrue(entry.attachment_id)
