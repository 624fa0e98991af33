"""Large receivables go to the phone, small ones to writing: a level switches its
channel on the customer's amount due at that level, and says so on the action."""

from datetime import date

from .common import RelanceCase


class TestChannelByAmount(RelanceCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.levels = cls.standard_plan.level_ids.sorted("sequence")
        cls.other = cls.customer.copy({"name": "Petit Client SARL"})

    def test_a_large_receivable_is_called_instead_of_emailed(self):
        """First reminder (email) set to call from 5,000.00: 6,000.00 owed is called,
        1,000.00 owed is emailed."""
        first = self.levels[0]
        self.assertEqual(first.channel, "email")
        first.call_above_amount = 5000.0
        self.make_invoice(self.customer, "2026-01-31", 4000.0)
        self.make_invoice(self.customer, "2026-01-31", 2000.0)
        self.make_invoice(self.other, "2026-01-31", 1000.0)
        with self.mock_mail_gateway():
            entries = self.run_on(date(2026, 2, 1)).history_ids
        large = entries.filtered(lambda e: e.partner_id == self.customer)
        small = entries.filtered(lambda e: e.partner_id == self.other)
        self.assertEqual((large.channel, large.amount_due), ("phone", 6000.0))
        self.assertIn("Large receivable", large.fallback_reason)
        self.assertTrue(large.activity_id, "a call for the collector")
        self.assertEqual(small.channel, "email")
        self.assertFalse(small.fallback_reason)

    def test_a_small_amount_is_emailed_instead_of_called(self):
        """The call step (+15) emails amounts below 500.00 with its template."""
        call = self.levels.filtered(lambda lvl: lvl.channel == "phone")[:1]
        call.write(
            {
                "email_below_amount": 500.0,
                "mail_template_id": self.levels[1].mail_template_id.id,
            }
        )
        previous = self.levels[self.levels.ids.index(call.id) - 1]
        for partner, amount in ((self.customer, 300.0), (self.other, 800.0)):
            invoice = self.make_invoice(partner, "2026-01-31", amount)
            invoice.write({"relance_level_id": previous.id, "relance_last_date": "2026-02-08"})
        with self.mock_mail_gateway():
            entries = self.run_on(date(2026, 2, 15)).history_ids
        small = entries.filtered(lambda e: e.partner_id == self.customer)
        large = entries.filtered(lambda e: e.partner_id == self.other)
        self.assertEqual((small.level_id, small.channel), (call, "email"))
        self.assertIn("Small amount", small.fallback_reason)
        self.assertTrue(small.message_id, "emailed")
        self.assertEqual(large.channel, "phone")
