"""What the customer owes is its open invoices minus its open credits (credit notes not
reconciled, payments received but not matched) in the same company and currency."""

from datetime import date

from freezegun import freeze_time

from odoo import fields

from .common import RelanceCase


class TestOpenCredits(RelanceCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.bank = cls.company_data["default_journal_bank"]

    def _credit_note(self, amount, day, reverses=None, currency=None):
        refund = self.env["account.move"].create(
            {
                "move_type": "out_refund",
                "partner_id": self.customer.id,
                "invoice_date": fields.Date.to_date(day),
                "currency_id": (currency or self.company.currency_id).id,
                "reversed_entry_id": reverses.id if reverses else False,
                "invoice_line_ids": [
                    fields.Command.create(
                        {"name": "Credit", "quantity": 1, "price_unit": amount, "tax_ids": []}
                    )
                ],
            }
        )
        refund.action_post()
        return refund

    def _unmatched_payment(self, amount, day, journal=None):
        """Money received and booked, not matched with any invoice."""
        payment = self.env["account.payment"].create(
            {
                "payment_type": "inbound",
                "partner_type": "customer",
                "partner_id": self.customer.id,
                "amount": amount,
                "date": fields.Date.to_date(day),
                "journal_id": (journal or self.bank).id,
            }
        )
        payment.action_post()
        return payment

    def _reconcile_activities(self):
        kind = self.env.ref("relance_avancee.mail_activity_type_relance_reconcile")
        return self.customer.activity_ids.filtered(lambda a: a.activity_type_id == kind)

    def test_credit_note_covering_the_debt_stops_everything(self):
        """1,000.00 overdue, an unreconciled credit note of 1,000.00: net 0, nothing to
        remind, nothing overdue, the collector is asked to reconcile."""
        invoice = self.make_invoice(self.customer, "2026-01-31", 1000.0)
        self._credit_note(1000.0, "2026-02-03")
        self.assertEqual(invoice.amount_residual, 1000.0, "not reconciled in the books")
        with self.mock_mail_gateway():
            run = self.run_on(date(2026, 2, 10))
        self.assertFalse(run.history_ids, "net overdue amount is 0: no reminder")
        self.assertEqual(invoice.relance_amount_due, 0.0)
        self.customer.invalidate_recordset()
        self.assertEqual(self.customer.relance_overdue_amount, 0.0)
        activity = self._reconcile_activities()
        self.assertEqual(len(activity), 1)
        self.assertEqual(activity.user_id, self.collector)
        self.assertIn("RINV", str(activity.note))
        with self.mock_mail_gateway():
            self.run_on(date(2026, 2, 11))
        self.assertEqual(len(self._reconcile_activities()), 1, "one to-do at a time")

    def test_unmatched_payment_covering_the_debt_stops_everything(self):
        invoice = self.make_invoice(self.customer, "2026-01-31", 1000.0)
        payment = self._unmatched_payment(1000.0, "2026-02-02")
        self.assertTrue(payment.move_id, "booked on the receivable, not matched")
        self.assertEqual(invoice.amount_residual, 1000.0)
        with self.mock_mail_gateway():
            self.assertFalse(self.run_on(date(2026, 2, 10)).history_ids)
        self.assertEqual(invoice.relance_amount_due, 0.0)
        self.assertEqual(len(self._reconcile_activities()), 1)

    def test_unbooked_unmatched_payment_counts_too(self):
        """Registered on a journal without outstanding account, for no invoice."""
        unbooked = self.bank.copy({"name": "Unbooked bank"})
        unbooked.inbound_payment_method_line_ids.payment_account_id = False
        invoice = self.make_invoice(self.customer, "2026-01-31", 1000.0)
        payment = self._unmatched_payment(400.0, "2026-02-02", journal=unbooked)
        self.assertFalse(payment.move_id)
        # 1,000.00 - 400.00 = 600.00
        self.assertEqual(invoice.relance_amount_due, 600.0)

    def test_partial_credit_goes_to_the_oldest_invoice_first(self):
        """A 600.00 (due 10 Jan) and B 900.00 (due 31 Jan), credit note 700.00 not
        reconciled: A is covered (600.00), B keeps 900 - 100 = 800.00 to remind."""
        first = self.make_invoice(self.customer, "2026-01-10", 600.0)
        second = self.make_invoice(self.customer, "2026-01-31", 900.0)
        refund = self._credit_note(700.0, "2026-02-01")
        with self.mock_mail_gateway():
            entry = self.run_on(date(2026, 2, 10)).history_ids
        self.assertEqual(entry.move_ids, second)
        self.assertEqual(entry.amount_due, 800.0)
        self.assertEqual(first.relance_amount_due, 0.0)
        self.assertIn(refund.name, entry.deducted_credits)
        self.assertIn("100.00", entry.deducted_credits, "the part deducted from B")
        mail = self._new_mails.filtered(lambda m: self.customer in m.recipient_ids)
        self.assertIn(refund.name, str(mail.body_html), "the email shows the deduction")
        self.assertIn("800.00", str(mail.body_html))

    def test_credit_note_goes_to_the_invoice_it_reverses_first(self):
        """Same invoices, the 700.00 credit note reverses B: B keeps 900 - 700 = 200.00,
        A its 600.00; 800.00 reminded on both."""
        first = self.make_invoice(self.customer, "2026-01-10", 600.0)
        second = self.make_invoice(self.customer, "2026-01-31", 900.0)
        self._credit_note(700.0, "2026-02-01", reverses=second)
        self.assertEqual(second.relance_amount_due, 200.0)
        self.assertEqual(first.relance_amount_due, 600.0)
        with self.mock_mail_gateway():
            entry = self.run_on(date(2026, 2, 10)).history_ids
        self.assertEqual(entry.amount_due, 800.0)

    def test_credit_in_another_currency_is_not_netted(self):
        other = self.setup_other_currency("EUR")
        self.assertNotEqual(other, self.company.currency_id)
        invoice = self.make_invoice(self.customer, "2026-01-31", 1000.0)
        self._credit_note(1000.0, "2026-02-03", currency=other)
        self.assertEqual(invoice.relance_amount_due, 1000.0)
        with self.mock_mail_gateway():
            self.assertTrue(self.run_on(date(2026, 2, 10)).history_ids)

    def test_interest_stops_on_the_day_of_an_unmatched_payment(self):
        """Worked example of the payment day with a payment not matched yet: 7,300.00
        due 30 April 2026, 3,650.00 received on 30 May, computed on 29 June at 12.15 %:
        7,300 x 12.15 % x 30 / 365 = 72.90, plus 3,650 x 12.15 % x 30 / 365 = 36.45."""
        invoice = self.make_invoice(self.customer, "2026-04-30", 7300.0)
        self._unmatched_payment(3650.0, "2026-05-30")
        penalty = invoice._relance_compute_penalty(date(2026, 6, 29))
        self.assertEqual(penalty["interest"], 109.35)

    @freeze_time("2026-02-10")
    def test_blocked_customer_is_unblocked_when_credits_cover_the_debt(self):
        self.company.relance_auto_unblock = True
        self.make_invoice(self.customer, "2026-01-31", 1000.0)
        self.customer._relance_block("test")
        self.assertTrue(self.customer.relance_blocked)
        self._credit_note(1000.0, "2026-02-05")
        self.customer._relance_refresh_state(date(2026, 2, 10))
        self.assertFalse(self.customer.relance_blocked, "nothing overdue remains, net")

    def test_credit_note_refunded_by_an_unbooked_payment_is_no_credit(self):
        """A 1,000.00 credit note paid back to the customer on a journal that books
        nothing: its line stays open in the books, but the customer got the money; the
        1,000.00 invoice is still owed in full."""
        unbooked = self.bank.copy({"name": "Unbooked bank"})
        unbooked.outbound_payment_method_line_ids.payment_account_id = False
        invoice = self.make_invoice(self.customer, "2026-01-31", 1000.0)
        refund = self._credit_note(1000.0, "2026-02-03")
        (
            self.env["account.payment.register"]
            .with_context(active_model="account.move", active_ids=refund.ids)
            .create({"payment_date": date(2026, 2, 4), "journal_id": unbooked.id})
            ._create_payments()
        )
        self.assertEqual(refund.amount_residual, 1000.0, "open in the books")
        self.assertEqual(invoice.relance_amount_due, 1000.0)

    def test_overpayment_left_by_an_unbooked_payment_covers_other_invoices(self):
        """1,500.00 registered (not booked) for invoice A of 1,000.00: the 500.00 left
        is a credit that reduces invoice B (800.00) to 300.00."""
        unbooked = self.bank.copy({"name": "Unbooked bank"})
        unbooked.inbound_payment_method_line_ids.payment_account_id = False
        first = self.make_invoice(self.customer, "2026-01-10", 1000.0)
        second = self.make_invoice(self.customer, "2026-01-31", 800.0)
        self.pay(first, 1500.0, "2026-02-02", journal=unbooked)
        self.assertEqual(first.relance_amount_due, 0.0)
        # 1,500 - 1,000 = 500 left; 800 - 500 = 300
        self.assertEqual(second.relance_amount_due, 300.0)

    def test_daily_run_shortcuts_give_the_reference_figures(self):
        """The settlement allocation shares one spread of the unbooked payments between
        the payments themselves and what they leave as credits, and skips the rate
        lookup between equal currencies: the same figures as each made on its own."""
        from odoo.addons.relance_avancee.models.account_move_credit import convert_amount

        unbooked = self.bank.copy({"name": "Unbooked bank"})
        unbooked.inbound_payment_method_line_ids.payment_account_id = False
        first = self.make_invoice(self.customer, "2026-01-10", 1000.0)
        second = self.make_invoice(self.customer, "2026-01-31", 800.0)
        third = self.make_invoice(self.customer, "2026-02-15", 250.0)
        self.pay(first, 1500.0, "2026-02-02", journal=unbooked)
        self.pay(third, 100.0, "2026-02-03", journal=unbooked)
        invoices = first | second | third
        shared = invoices._relance_settlement_allocation()
        reference = invoices._relance_pending_allocation()
        reference.update(invoices._relance_credit_allocation())
        self.assertEqual(shared, reference)
        # 1,000 - 1,000 = 0; 800 - (1,500 - 1,000) = 300; 250 - 100 = 150
        self.assertEqual(
            invoices._relance_amount_due_map(in_company_currency=True),
            {first.id: 0.0, second.id: 300.0, third.id: 150.0},
        )
        euro = self.company.currency_id
        for amount in (0.0, -0.0, 0.004, 0.005, -0.005, 1234.565, 1e-12, 99999.994999):
            self.assertEqual(
                convert_amount(euro, amount, euro, self.company, date(2026, 2, 2)),
                euro._convert(amount, euro, self.company, date(2026, 2, 2)),
            )


class TestNothingLeft(RelanceCase):
    """The spread of thousands of payments asks "is anything left?" with one rounding:
    the same answer as Odoo's float_compare, to the last cent and around it."""

    def test_same_answer_as_float_compare(self):
        from odoo.tools import float_compare

        from odoo.addons.relance_avancee.models.account_move import _nothing_left

        amounts = [0.0, -0.0, 0.004, 0.005, 0.0049999, 0.006, -0.004, -0.005, -0.006, 0.01]
        amounts += [0.01 * cents + delta for cents in range(-3, 4) for delta in (-1e-9, 1e-9)]
        amounts += [100.0 - 99.995, 1e-12, -1e-12, 12.345, -12.345]
        for rounding in (0.01, 1.0, 0.001, 0.05):
            for amount in amounts:
                with self.subTest(amount=amount, rounding=rounding):
                    self.assertEqual(
                        _nothing_left(amount, rounding),
                        float_compare(amount, 0, precision_rounding=rounding) <= 0,
                    )
        self.assertTrue(_nothing_left(0.004, 0.01))
        self.assertFalse(_nothing_left(0.005, 0.01), "half a cent rounds up to a cent")
