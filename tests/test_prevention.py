from datetime import date

from odoo.exceptions import UserError

from .common import RelanceCase, requires_addons


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

    @requires_addons("relance_avancee_disputes")
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

    def test_penalty_invoice_is_not_checked_in_block_mode(self):
        """A penalty invoice carries no purchase order: block mode must not stop it."""
        self.customer.relance_po_required = True
        invoice = self._draft("PO-9")
        invoice.invoice_payment_term_id = False
        invoice.invoice_date_due = date(2026, 3, 1)
        invoice.action_post()
        levels = self.standard_plan.level_ids.sorted("sequence")
        invoice.write({"relance_level_id": levels[2].id, "relance_last_date": date(2026, 3, 20)})
        self.company.write({"relance_invoice_check_mode": "block", "relance_penalty_post": True})
        with self.mock_mail_gateway():
            entry = self.run_on(date(2026, 4, 15)).history_ids
        self.assertEqual(entry.level_id, levels[3])
        self.assertEqual(entry.state, "done")
        penalty_move = entry.penalty_ids.penalty_move_id
        self.assertEqual(penalty_move.state, "posted", "posted although it has no PO reference")
        self.assertFalse(penalty_move.ref)
        self.assertFalse(penalty_move.relance_check_warnings)
        # An ordinary invoice of the same customer is still refused.
        with self.assertRaisesRegex(UserError, "cannot be posted"):
            self._draft().action_post()

    def test_checks_can_be_skipped_by_context(self):
        self.customer.relance_po_required = True
        self.company.relance_invoice_check_mode = "block"
        invoice = self._draft()
        invoice.with_context(relance_skip_invoice_checks=True).action_post()
        self.assertEqual(invoice.state, "posted")

    def _send_wizard(self, invoice):
        return (
            self.env["account.move.send.wizard"]
            .with_context(active_model="account.move", active_ids=invoice.ids)
            .create({})
        )

    def test_sending_warns_again(self):
        invoice = self._draft()
        invoice.action_post()
        self.assertNotIn("relance_invoice_checks", self._send_wizard(invoice).alerts or {})
        # The customer now requires its PO reference: the invoice leaves with a warning.
        self.customer.relance_po_required = True
        alert = self._send_wizard(invoice).alerts["relance_invoice_checks"]
        self.assertEqual(alert["level"], "warning", "a warning, not a refusal")
        self.assertIn("purchase order reference", alert["message"])
        self.company.relance_invoice_check_mode = "block"
        alert = self._send_wizard(invoice).alerts["relance_invoice_checks"]
        self.assertEqual(alert["level"], "warning")

    def test_preferred_letter_channel(self):
        self.customer.relance_channel_preference = "letter"
        self.make_invoice(self.customer, "2026-01-31", 100.0)
        entry = self.run_on(date(2026, 2, 1)).history_ids
        self.assertEqual(entry.channel, "letter")
        self.assertIn("prefers letters", entry.fallback_reason)
