from datetime import date

from freezegun import freeze_time

from odoo import Command, fields

from .common import RelanceCase

TODAY = date(2026, 4, 15)


@freeze_time(TODAY)
class TestUnbookedAllocationAgreement(RelanceCase):
    """The aged balance (SQL, as of a date) and the amount still due (ORM, today) spread
    the payments registered but not booked the same way, invoice by invoice, to the cent.

    Dupont's ledger on 15 April 2026, every payment below registered on a bank journal
    that books nothing (the receivables stay open) unless said:
    - A 1,000.00 due 1 Feb; B 2,000.00 in two instalments of 1,000.00 due 15 Feb and
      15 Apr (Odoo's due date of B: 15 Apr, its last one); C 800.00 due 1 Mar; D 500.00
      due 20 Mar, 200.00 of it paid on 25 Mar and booked (300.00 open); E 400.00 due
      10 Apr;
    - P1 1,200.00 on 1 Apr for A and C (Odoo links it to B and D as well once P2 is
      registered for C with them): by Odoo's due date of each invoice, A (1 Feb) takes
      1,000.00, C (1 Mar) 200.00; B comes last (15 Apr), although its first instalment
      is older than C;
    - P2 1,500.00 on 5 Apr for B, C and D, oldest due date first, each invoice taking
      at most what is left of it: C (1 Mar) 800 - 200 = 600.00, D (20 Mar) 300.00,
      B (15 Apr) 1,500 - 600 - 300 = 600.00 (on its first instalment);
    - P3 150.00 on 10 Apr for E alone.
    Still due: A 1,000 - 1,000 = 0; B 2,000 - 600 = 1,400.00; C 800 - 200 - 600 = 0;
    D 300 - 300 = 0; E 400 - 150 = 250.00. In the ledger 1,000 + 2,000 + 800 + 300 +
    400 = 4,500.00 open, of which 1,200 + 1,500 + 150 = 2,850.00 registered: 1,650.00
    still due.
    """

    test_module = "relance_avancee_reports"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.unbooked_bank = cls.company_data["default_journal_bank"].copy({"name": "Unbooked"})
        cls.unbooked_bank.inbound_payment_method_line_ids.payment_account_id = False
        two_instalments = cls.env["account.payment.term"].create(
            {
                "name": "Half now, half at 59 days",
                "line_ids": [
                    Command.create({"value": "percent", "value_amount": 50.0, "nb_days": 0}),
                    Command.create({"value": "percent", "value_amount": 50.0, "nb_days": 59}),
                ],
            }
        )
        cls.a = cls.make_invoice(cls.customer, "2026-02-01", 1000.0)
        cls.b = cls.init_invoice(
            "out_invoice",
            partner=cls.customer,
            invoice_date=date(2026, 2, 15),
            amounts=[2000.0],
            taxes=[],
        )
        cls.b.invoice_payment_term_id = two_instalments
        cls.b.action_post()
        cls.c = cls.make_invoice(cls.customer, "2026-03-01", 800.0)
        cls.d = cls.make_invoice(cls.customer, "2026-03-20", 500.0)
        cls.e = cls.make_invoice(cls.customer, "2026-04-10", 400.0)
        cls.pay(cls, cls.d, 200.0, "2026-03-25")  # booked and reconciled
        cls.register(cls.a | cls.c, 1200.0, "2026-04-01")
        cls.register(cls.b | cls.c | cls.d, 1500.0, "2026-04-05")
        cls.register(cls.e, 150.0, "2026-04-10")
        cls.invoices = cls.a | cls.b | cls.c | cls.d | cls.e

    @classmethod
    def register(cls, invoices, amount, day):
        """One payment for ``invoices``, registered on the bank that books nothing."""
        return (
            cls.env["account.payment.register"]
            .with_context(active_model="account.move", active_ids=invoices.ids)
            .create(
                {
                    "group_payment": True,
                    "amount": amount,
                    "payment_date": fields.Date.to_date(day),
                    "journal_id": cls.unbooked_bank.id,
                }
            )
            ._create_payments()
        )

    def aged_still_due(self, day=TODAY):
        """{invoice id: residual on ``day`` minus the part registered, not booked}, for
        the invoices of the ledger on ``day``."""
        rows = self.env["relance.aged.balance"].compute(day, partner_ids=self.customer.ids)
        due = {}
        for row in rows:
            for line in row["lines"]:
                due.setdefault(line["move_id"], 0.0)
                due[line["move_id"]] += line["residual"] - line["in_process"]
        return {move_id: round(amount, 2) for move_id, amount in due.items()}

    def test_the_ledger(self):
        self.assertEqual(self.b.invoice_date_due, date(2026, 4, 15), "its last instalment")
        instalments = self.b.line_ids.filtered(lambda line: line.display_type == "payment_term")
        self.assertEqual(
            sorted((line.date_maturity, line.balance) for line in instalments),
            [(date(2026, 2, 15), 1000.0), (date(2026, 4, 15), 1000.0)],
        )
        self.assertEqual(
            self.invoices.mapped("amount_residual"), [1000.0, 2000.0, 800.0, 300.0, 400.0]
        )

    def test_aged_balance_and_amount_due_agree_invoice_by_invoice(self):
        expected = {
            self.a.id: 0.0,
            self.b.id: 1400.0,
            self.c.id: 0.0,
            self.d.id: 0.0,
            self.e.id: 250.0,
        }
        orm = {k: round(v, 2) for k, v in self.invoices._relance_amount_due_map().items()}
        self.assertEqual(orm, expected)
        self.assertEqual(self.aged_still_due(), expected)
        # Each invoice alone, as the engine and the worklist look at them: the same.
        for invoice in self.invoices:
            with self.subTest(invoice=invoice.name):
                self.assertAlmostEqual(invoice.relance_amount_due, expected[invoice.id], places=2)
        [row] = self.env["relance.aged.balance"].compute(TODAY, partner_ids=self.customer.ids)
        self.assertAlmostEqual(row["total"], 4500.0, places=2)
        self.assertAlmostEqual(row["in_process"], 2850.0, places=2)
        self.assertAlmostEqual(row["total"] - row["in_process"], 1650.0, places=2)

    def test_b_is_covered_on_its_first_instalment(self):
        [row] = self.env["relance.aged.balance"].compute(TODAY, partner_ids=self.customer.ids)
        b_lines = sorted(
            (line["date_due"], line["residual"], line["in_process"])
            for line in row["lines"]
            if line["move_id"] == self.b.id
        )
        self.assertEqual(
            b_lines, [(date(2026, 2, 15), 1000.0, 600.0), (date(2026, 4, 15), 1000.0, 0.0)]
        )

    def test_before_the_last_payments_the_aged_balance_counts_only_the_earlier_ones(self):
        """On 2 April only P1 was registered: A 1,000 - 1,000 = 0, C 800 - 200 = 600.00,
        B and D open (2,000.00 and 300.00); E is not issued yet."""
        self.assertEqual(
            self.aged_still_due(date(2026, 4, 2)),
            {self.a.id: 0.0, self.b.id: 2000.0, self.c.id: 600.0, self.d.id: 300.0},
        )
