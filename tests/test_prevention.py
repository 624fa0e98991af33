from datetime import date

from odoo.exceptions import UserError

from .common import RelanceCase


class TestInvoiceChecks(RelanceCase):
    def _draft(self, ref=None):
        invoice = self.init_invoice("out_invoice", self.customer, "2026-03-01", amounts=[100.0])
        if ref:
            invoice.ref = ref
        return invoice

    def test_missing_po_reference_warns_by_default(self):
        self.customer.relance_po_required = True
        invoice = self._draft()
        invoice.action_post()
        self.assertEqual(invoice.state, "posted")
        self.assertIn("purchase order reference", invoice.relance_check_warnings)
        self.assertIn("purchase order reference", invoice.message_ids[0].body)

    def test_missing_po_reference_refused_in_block_mode(self):
        self.customer.relance_po_required = True
        self.company.relance_invoice_check_mode = "block"
        invoice = self._draft()
        with self.assertRaisesRegex(UserError, "cannot be posted"):
            invoice.action_post()
        self.assertEqual(invoice.state, "draft")
        invoice.ref = "PO-4711"
        invoice.action_post()
        self.assertEqual(invoice.state, "posted")
        self.assertFalse(invoice.relance_check_warnings)

    def test_no_invoicing_email_warns(self):
        self.customer.email = False
        invoice = self._draft()
        invoice.action_post()
        self.assertIn("no invoicing email", invoice.relance_check_warnings)

    def test_wrong_address_reported_by_a_dispute_warns(self):
        self.env["relance.dispute"].create(
            {
                "partner_id": self.customer.id,
                "reason_id": self.env.ref("relance_avancee_disputes.reason_wrong_recipient").id,
            }
        )
        self.assertTrue(self.customer.relance_invoice_address_wrong)
        invoice = self._draft("PO-1")
        invoice.action_post()
        self.assertIn("reported wrong", invoice.relance_check_warnings)
        self.assertIn("open dispute for the same cause", invoice.relance_check_warnings)

    def test_clean_invoice_has_no_warning(self):
        invoice = self._draft("PO-2")
        invoice.action_post()
        self.assertFalse(invoice.relance_check_warnings)

    def test_preferred_letter_channel(self):
        self.customer.relance_channel_preference = "letter"
        self.make_invoice(self.customer, "2026-01-31", 100.0)
        entry = self.run_on(date(2026, 2, 1)).history_ids
        self.assertEqual(entry.channel, "letter")
        self.assertIn("prefers letters", entry.fallback_reason)
