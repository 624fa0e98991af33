"""Instalments: decisions, amounts and interest follow each receivable line's own due
date, not the invoice's (Odoo sets it to the last instalment)."""

from datetime import date

from odoo import Command, fields

from .common import RelanceCase


class TestInstalments(RelanceCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.term = cls.env["account.payment.term"].create(
            {
                "name": "30 % at 30 days, 70 % at 60 days",
                "line_ids": [
                    Command.create({"value": "percent", "value_amount": 30.0, "nb_days": 30}),
                    Command.create({"value": "percent", "value_amount": 70.0, "nb_days": 60}),
                ],
            }
        )

    def setUp(self):
        super().setUp()
        # 10,000.00 issued on 1 January 2026: 3,000.00 due 31 January, 7,000.00 due 2 March.
        self.invoice = self.init_invoice(
            "out_invoice",
            partner=self.customer,
            invoice_date=date(2026, 1, 1),
            amounts=[10000.0],
            taxes=[],
        )
        self.invoice.invoice_payment_term_id = self.term
        self.invoice.action_post()

    def test_the_instalments_have_their_own_due_dates(self):
        self.assertEqual(self.invoice.invoice_date_due, date(2026, 3, 2), "Odoo: the last one")
        lines = self.invoice._relance_receivable_lines().sorted("date_maturity")
        self.assertEqual(
            [(line.date_maturity, line.amount_currency) for line in lines],
            [(date(2026, 1, 31), 3000.0), (date(2026, 3, 2), 7000.0)],
        )
        self.assertEqual(self.invoice.relance_due_date, date(2026, 1, 31))

    def test_first_instalment_is_reminded_for_its_own_amount(self):
        """On 10 February only the first instalment (3,000.00) is overdue."""
        with self.mock_mail_gateway():
            entry = self.run_on(date(2026, 2, 10)).history_ids
        self.assertEqual(entry.move_ids, self.invoice)
        self.assertEqual(entry.amount_due, 3000.0, "the second instalment is not due yet")
        figures = self.customer._relance_open_invoice_figures(date(2026, 2, 10))
        self.assertEqual(figures[self.customer.id], (10000.0, 3000.0, date(2026, 1, 31)))
        # The reminder claims the instalment due on 31 January, not the whole invoice.
        mail = self._new_mails.filtered(lambda m: self.customer in m.recipient_ids)
        body = str(mail.body_html)
        self.assertIn("01/31/2026", body)
        self.assertIn("3,000.00", body)
        self.assertNotIn("10,000.00", body)
        self.assertNotIn("03/02/2026", body)

    def test_interest_runs_on_each_instalment_from_its_own_due_date(self):
        """Computed on 12 March 2026 at ECB 2.15 + 10 = 12.15 %:
        3,000 x 12.15 % x 40 / 365 (1 February - 12 March) = 39.95
        + 7,000 x 12.15 % x 10 / 365 (3 - 12 March) = 23.30: 63.25 (23,085 / 365)."""
        penalty = self.invoice._relance_compute_penalty(date(2026, 3, 12))
        self.assertEqual(penalty["interest"], 63.25)
        self.assertEqual(penalty["date_from"], date(2026, 2, 1))
        self.assertEqual(
            [(p["date_from"], p["days"], p["base"]) for p in penalty["periods"]],
            [(date(2026, 2, 1), 30, 3000.0), (date(2026, 3, 3), 10, 10000.0)],
        )

    def test_first_instalment_paid_late_then_the_second_is_awaited(self):
        """3,000.00 paid on 15 February: interest on it for 1-15 February, then on the
        second instalment from 3 March. On 12 March:
        3,000 x 12.15 % x 15 / 365 = 14.98 + 7,000 x 12.15 % x 10 / 365 = 23.30:
        38.28 (13,972.50 / 365)."""
        self.pay(self.invoice, 3000.0, "2026-02-15")
        self.assertEqual(self.invoice.relance_due_date, date(2026, 3, 2))
        with self.mock_mail_gateway():
            self.assertFalse(self.run_on(date(2026, 2, 20)).history_ids, "nothing overdue")
        penalty = self.invoice._relance_compute_penalty(date(2026, 3, 12))
        self.assertEqual(penalty["interest"], 38.28)
        self.assertEqual(self.invoice._relance_indemnity(fields.Date.to_date("2026-02-01")), 40.0)

    def test_a_payment_settles_the_oldest_instalment_whatever_line_it_is_matched_to(self):
        """3,000.00 received on 15 February and matched by hand to the second
        instalment's line: it still settles the first instalment (oldest first, as the
        interest counts it), so the next due date is 2 March and the interest on 12
        March is the same 38.28 as when Odoo matched it to the first line."""
        payment = self.env["account.payment"].create(
            {
                "payment_type": "inbound",
                "partner_type": "customer",
                "partner_id": self.customer.id,
                "amount": 3000.0,
                "date": date(2026, 2, 15),
                "journal_id": self.company_data["default_journal_bank"].id,
            }
        )
        payment.action_post()
        second = self.invoice._relance_receivable_lines().sorted("date_maturity")[1]
        received = payment.move_id.line_ids.filtered(
            lambda line: line.account_id == second.account_id
        )
        (second | received).reconcile()
        self.assertTrue(
            self.invoice._relance_receivable_lines().sorted("date_maturity")[0].amount_residual,
            "the first line stays open in the books",
        )
        self.assertEqual(self.invoice.relance_due_date, date(2026, 3, 2))
        self.assertEqual(
            self.invoice._relance_compute_penalty(date(2026, 3, 12))["interest"], 38.28
        )
        with self.mock_mail_gateway():
            self.assertFalse(self.run_on(date(2026, 2, 20)).history_ids, "nothing overdue")

    def test_a_consumer_owes_interest_only_on_the_instalments_a_notice_claimed(self):
        """A consumer: interest at the legal rate (2.62 % in the first half of 2026)
        runs from the formal notice, on what it claimed (Code civil 1231-6, 1344). The
        notice of 10 February claimed the first instalment only (3,000.00); the second,
        due 2 March, was never claimed. On 12 March: 3,000 x 2.62 % x 30 / 365 (11
        February - 12 March) = 6.46, nothing on the 7,000.00."""
        consumer = self.env["res.partner"].create(
            {"name": "Jeanne Martin", "is_company": False, "email": "jeanne@example.com"}
        )
        self.assertEqual(consumer._relance_debtor_kind(), "individual")
        invoice = self.init_invoice(
            "out_invoice",
            partner=consumer,
            invoice_date=date(2026, 1, 1),
            amounts=[10000.0],
            taxes=[],
        )
        invoice.invoice_payment_term_id = self.term
        invoice.action_post()
        self.env["relance.history"].create(
            {
                "partner_id": consumer.id,
                "move_ids": [(6, 0, invoice.ids)],
                "channel": "formal_notice",
                "date": date(2026, 2, 10),
                "state": "done",
                "amount_due": 3000.0,
            }
        )
        penalty = invoice._relance_compute_penalty(date(2026, 3, 12))
        self.assertEqual(penalty["interest"], 6.46)
        self.assertEqual(
            [(p["date_from"], p["days"], p["base"]) for p in penalty["periods"]],
            [(date(2026, 2, 11), 30, 3000.0)],
        )
        self.assertEqual(penalty["indemnity"], 0.0, "no indemnity from a consumer")
