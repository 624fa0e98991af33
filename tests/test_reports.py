import io
from datetime import date

import openpyxl

from odoo.exceptions import ValidationError

from .common import RelanceCase, RelanceHttpCase

AS_OF = date(2026, 3, 31)


class AgedBalanceCase(RelanceCase):
    """A small ledger, every figure computed by hand for 31 March 2026.

    - A: 1,000 issued 2026-03-25 due 2026-04-10 (not due), 2,000 due 2026-03-16 (15 days: 1-30),
      500 due 2025-11-01 (150 days: over 120), partly paid 200 on 2026-02-01;
    - B: 3,000 due 2026-01-15 (75 days: 61-90), paid in full on 2026-04-05
      (after the as-of date: still open on 31 March, closed on 10 April).
    """

    test_module = "relance_avancee_reports"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.partner_a = cls.customer
        cls.partner_b = cls.env["res.partner"].create(
            {"name": "Bernard SA", "is_company": True, "email": "b@example.com"}
        )
        cls.a_not_due = cls.make_invoice(
            cls.partner_a, "2026-04-10", 1000.0, invoice_date="2026-03-25"
        )
        cls.a_15 = cls.make_invoice(cls.partner_a, "2026-03-16", 2000.0)
        cls.a_150 = cls.make_invoice(cls.partner_a, "2025-11-01", 500.0)
        cls.b_75 = cls.make_invoice(cls.partner_b, "2026-01-15", 3000.0)
        cls.pay(cls, cls.a_150, 200.0, "2026-02-01")
        cls.pay(cls, cls.b_75, 3000.0, "2026-04-05")
        cls.partners = (cls.partner_a | cls.partner_b).ids

    def aged(self, day=AS_OF):
        rows = self.env["relance.aged.balance"].compute(day, partner_ids=self.partners)
        return {row["partner_id"]: row for row in rows}


class TestAgedBalance(AgedBalanceCase):
    def test_buckets_per_partner_by_hand(self):
        rows = self.aged()
        a, b = rows[self.partner_a.id], rows[self.partner_b.id]
        self.assertEqual(a["buckets"], [1000.0, 2000.0, 0.0, 0.0, 0.0, 300.0])
        self.assertEqual(a["total"], 3300.0)
        self.assertEqual(b["buckets"], [0.0, 0.0, 0.0, 3000.0, 0.0, 0.0])
        lines = {line["move_id"]: line for line in a["lines"]}
        self.assertEqual(lines[self.a_150.id]["days_overdue"], 150)
        self.assertEqual(lines[self.a_150.id]["residual"], 300.0)
        self.assertEqual(lines[self.a_not_due.id]["bucket"], 0)

    def test_payment_after_the_date_does_not_count(self):
        self.assertEqual(self.aged(date(2026, 4, 4))[self.partner_b.id]["total"], 3000.0)
        self.assertNotIn(self.partner_b.id, self.aged(date(2026, 4, 10)))

    def test_before_the_partial_payment_the_full_amount_is_open(self):
        a = self.aged(date(2026, 1, 31))[self.partner_a.id]
        lines = {line["move_id"]: line["residual"] for line in a["lines"]}
        self.assertEqual(lines[self.a_150.id], 500.0)
        self.assertNotIn(self.a_15.id, lines, "not invoiced yet on 31 January")

    def test_totals_equal_the_receivable_balance_at_that_date(self):
        for day in (date(2026, 1, 31), AS_OF, date(2026, 4, 10)):
            rows = self.aged(day)
            groups = self.env["account.move.line"]._read_group(
                [
                    ("partner_id", "in", self.partners),
                    ("account_id.account_type", "=", "asset_receivable"),
                    ("parent_state", "=", "posted"),
                    ("date", "<=", day),
                ],
                [],
                ["balance:sum"],
            )
            self.assertAlmostEqual(sum(r["total"] for r in rows.values()), groups[0][0] or 0.0)

    def test_credit_note_reduces_the_balance(self):
        refund = self.init_invoice(
            "out_refund", self.partner_a, "2026-03-20", amounts=[400.0], taxes=[], post=True
        )
        (refund.line_ids | self.a_15.line_ids).filtered(
            lambda line: line.account_id.account_type == "asset_receivable"
        ).reconcile()
        a = self.aged()[self.partner_a.id]
        self.assertEqual(a["buckets"][1], 1600.0)
        self.assertEqual(self.aged(date(2026, 3, 19))[self.partner_a.id]["buckets"][1], 2000.0)

    def test_subtotals_by_typology_and_collector(self):
        self.partner_b.relance_typology_id = self.env.ref("relance_avancee.relance_typology_risk")
        rows = self.env["relance.aged.balance"].compute(AS_OF, partner_ids=self.partners)
        by_typology = self.env["relance.aged.balance"].summarize(rows, "typology_id")
        risk = self.env.ref("relance_avancee.relance_typology_risk").id
        self.assertEqual(by_typology[risk]["total"], 3000.0)
        by_collector = self.env["relance.aged.balance"].summarize(rows, "collector_id")
        self.assertEqual(by_collector[self.collector.id]["total"], 3300.0)

    def test_disputed_amount_when_the_disputes_addon_is_installed(self):
        self.env["relance.dispute"].create(
            {
                "partner_id": self.partner_a.id,
                "move_ids": [(6, 0, self.a_15.ids)],
                "reason_id": self.env.ref("relance_avancee_disputes.reason_price").id,
                "date_open": date(2026, 3, 20),
            }
        )
        self.assertEqual(self.aged()[self.partner_a.id]["in_dispute"], 2000.0)
        self.assertEqual(self.aged(date(2026, 3, 19))[self.partner_a.id]["in_dispute"], 0.0)

    def test_custom_buckets_and_bad_setting(self):
        self.company.relance_aged_buckets = "45,90"
        a = self.aged()[self.partner_a.id]
        self.assertEqual(a["buckets"], [1000.0, 2000.0, 0.0, 300.0])
        self.assertEqual(
            self.env["relance.aged.balance"].bucket_labels(),
            ["Not due", "1-45", "46-90", "Over 90"],
        )
        with self.assertRaisesRegex(ValidationError, "increasing positive"):
            self.company.relance_aged_buckets = "60,30"

    def test_screen_lines_and_filters(self):
        report = self.env["relance.aged.balance.report"].create(
            {"date": AS_OF, "partner_ids": [(6, 0, self.partners)], "overdue_only": True}
        )
        action = report.action_open()
        lines = self.env["relance.aged.balance.line"].search(action["domain"])
        self.assertEqual(sum(lines.mapped("residual")), 6300.0)
        self.assertEqual(lines.filtered(lambda line: line.move_id == self.b_75).bucket, "3. 61-90")
        report.collector_ids = self.collector
        self.assertEqual(len(report._rows()), 1)

    def test_xlsx_carries_the_same_numbers(self):
        report = self.env["relance.aged.balance.report"].create(
            {"date": AS_OF, "partner_ids": [(6, 0, self.partners)]}
        )
        book = openpyxl.load_workbook(io.BytesIO(report._xlsx_content()))
        sheet = book.active
        rows = [[c.value for c in row] for row in sheet.iter_rows()]
        grand = next(r for r in rows if r[0] == "Grand total")
        self.assertEqual(grand[4:11], [1000.0, 2000.0, 0.0, 3000.0, 0.0, 300.0, 6300.0])
        self.assertIn(self.a_150.name, [r[1] for r in rows])
        action = report.action_xlsx()
        self.assertIn("/web/content/", action["url"])


class TestAgedBalancePdf(RelanceHttpCase, AgedBalanceCase):
    test_module = "relance_avancee_reports"

    def test_pdf_carries_the_same_numbers(self):
        report = self.env["relance.aged.balance.report"].create(
            {"date": AS_OF, "partner_ids": [(6, 0, self.partners)]}
        )
        content, _type = (
            self.env["ir.actions.report"]
            .with_context(force_report_rendering=True)
            ._render_qweb_pdf("relance_avancee_reports.action_report_aged_balance", report.ids)
        )
        text = self.pdf_text(content)
        self.assertIn("Detailed aged balance", text)
        for figure in ("6,300.00", "3,300.00", "3,000.00", "300.00", self.a_150.name):
            self.assertIn(figure, text)


class TestReminderDocuments(RelanceHttpCase):
    test_module = "relance_avancee_reports"

    def test_formal_notice_states_every_legal_mention(self):
        self.company.write({"company_registry": "12345678900011", "city": "Lyon"})
        levels = self.standard_plan.level_ids.sorted("sequence")
        invoice = self.make_invoice(self.customer, "2026-01-31", 10000.0)
        invoice.write({"relance_level_id": levels[2].id, "relance_last_date": "2026-02-20"})
        self.env = self.env(context=dict(self.env.context, force_report_rendering=True))
        with self.mock_mail_gateway():
            entry = self.run_on(date(2026, 3, 17)).history_ids
        self.assertEqual(entry.channel, "formal_notice")
        text = self.pdf_text(entry.attachment_id.raw)
        for mention in (
            "Formal notice to pay",
            "Creditor",
            "Debtor",
            "12345678900011",
            self.customer.name,
            invoice.name,
            "10,000.00",
            "149.79",
            "40.00",
            "L441-10",
            "D441-5",
            "03/25/2026",  # deadline: 8 days after the notice
            "injunction to pay",
            "Registered letter",
            "Signature",
        ):
            self.assertIn(mention, text)

    def test_courteous_reminder_is_not_a_formal_notice(self):
        invoice = self.make_invoice(self.customer, "2026-01-31", 750.0)
        self.customer.email = False
        self.env = self.env(context=dict(self.env.context, force_report_rendering=True))
        entry = self.run_on(date(2026, 2, 1)).history_ids
        text = self.pdf_text(entry.attachment_id.raw)
        self.assertIn("Payment reminder", text)
        self.assertIn(invoice.name, text)
        self.assertIn("probably an", text)
        self.assertNotIn("formal notice", text.lower())
