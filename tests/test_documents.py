from datetime import date

from .common import RelanceHttpCase


class TestReminderPdf(RelanceHttpCase):
    """The engine renders real PDFs (patched-Qt wkhtmltopdf, text layer) in one batch."""

    def test_letters_rendered_in_one_batch_carry_their_invoices(self):
        self.customer.email = False
        other = self.env["res.partner"].create(
            {
                "name": "Martin SARL",
                "street": "3 place Bellecour",
                "city": "Lyon",
                "zip": "69002",
                "relance_plan_id": self.standard_plan.id,
            }
        )
        mine = self.make_invoice(self.customer, "2026-01-31", 1234.56)
        theirs = self.make_invoice(other, "2026-01-30", 789.0)
        self.env = self.env(context=dict(self.env.context, force_report_rendering=True))
        run = self.run_on(date(2026, 2, 2))
        self.assertEqual(len(run.history_ids), 2)
        for entry, invoice, amount in (
            (run.history_ids.filtered(lambda h: h.partner_id == self.customer), mine, "1,234.56"),
            (run.history_ids.filtered(lambda h: h.partner_id == other), theirs, "789.00"),
        ):
            self.assertEqual(entry.channel, "letter")
            self.assertEqual(entry.attachment_id.mimetype, "application/pdf")
            text = self.pdf_text(entry.attachment_id.raw)
            self.assertIn(invoice.name, text)
            self.assertIn(amount, text)
            self.assertIn(entry.partner_id.name, text)
            self.assertIn("Payment reminder", text)
            self.assertIn(self.company.name, text, "company identity from the layout header")
            other_invoice = theirs if invoice == mine else mine
            self.assertNotIn(other_invoice.name, text, "each letter only its own invoices")
