import io
import re
from datetime import date, timedelta

import openpyxl

from odoo.exceptions import UserError, ValidationError

from .common import RelanceCase, RelanceHttpCase, requires_addons

AS_OF = date(2026, 3, 31)


def row_pattern(*cells):
    """A regex matching these cells side by side in pdftotext output, and no more digits
    on either side (so that "300.00" does not match inside "3,300.00")."""
    return r"(?<![\d.,])" + r"\s+".join(re.escape(str(cell)) for cell in cells) + r"(?![\d.,])"


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

    def _b_risky_and_a_15_in_dispute(self):
        """B becomes a risky customer and A's 2,000 invoice goes into dispute on 20 March."""
        risk = self.env.ref("relance_avancee.relance_typology_risk")
        self.partner_b.relance_typology_id = risk
        self.env["relance.dispute"].create(
            {
                "partner_id": self.partner_a.id,
                "move_ids": [(6, 0, self.a_15.ids)],
                "reason_id": self.env.ref("relance_avancee_disputes.reason_price").id,
                "date_open": date(2026, 3, 20),
            }
        )
        return risk

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
        by_typology = self.env["relance.aged.balance"]._summarize(rows, "typology_id")
        risk = self.env.ref("relance_avancee.relance_typology_risk").id
        self.assertEqual(by_typology[risk]["total"], 3000.0)
        by_collector = self.env["relance.aged.balance"]._summarize(rows, "collector_id")
        self.assertEqual(by_collector[self.collector.id]["total"], 3300.0)

    @requires_addons("relance_avancee_disputes")
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
            self.env["relance.aged.balance"]._bucket_labels(),
            ["Not due", "1-45", "46-90", "Over 90"],
        )
        with self.assertRaisesRegex(ValidationError, "increasing positive"):
            self.company.relance_aged_buckets = "60,30"

    def test_screen_lines_and_filters(self):
        """C owes 800 not due yet: listed with every customer, hidden by "overdue only".
        Shares of the 7,100 grand total: A 3,300 (46.48 %), B 3,000 (42.25 %), C 800
        (11.27 %); of the 6,300 overdue customers: A 52.38 %, B 47.62 %."""
        risk = self.env.ref("relance_avancee.relance_typology_risk")
        self.partner_b.relance_typology_id = risk
        partner_c = self.env["res.partner"].create({"name": "Carnot SARL", "is_company": True})
        self.make_invoice(partner_c, "2026-04-30", 800.0, invoice_date="2026-03-30")
        partners = [*self.partners, partner_c.id]
        report = self.env["relance.aged.balance.report"].create(
            {"date": AS_OF, "partner_ids": [(6, 0, partners)]}
        )
        lines = self.env["relance.aged.balance.line"].search(report.action_open()["domain"])
        self.assertEqual(sum(lines.mapped("residual")), 7100.0)
        self.assertEqual(set(lines.partner_id.ids), set(partners))
        by_partner = {
            p: round(sum(lines.filtered(lambda x, p=p: x.partner_id.id == p).mapped("share")), 2)
            for p in partners
        }
        self.assertEqual(
            by_partner, {self.partner_a.id: 46.48, self.partner_b.id: 42.25, partner_c.id: 11.27}
        )

        report.overdue_only = True
        action = report.action_open()
        self.assertEqual(action["name"], "Aged Balance as of 03/31/2026", "date as users read it")
        lines = self.env["relance.aged.balance.line"].search(action["domain"])
        self.assertNotIn(partner_c, lines.partner_id, "nothing overdue: hidden")
        self.assertEqual(sum(lines.mapped("residual")), 6300.0)
        self.assertEqual(lines.filtered(lambda line: line.move_id == self.b_75).bucket, "3. 61-90")
        self.assertEqual(lines.filtered(lambda line: line.move_id == self.b_75).share, 47.62)
        groups = self.env["relance.aged.balance.line"]._read_group(
            action["domain"], ["typology_id"], ["residual:sum", "share:sum"]
        )
        self.assertEqual(
            {typology.id: (total, round(share, 2)) for typology, total, share in groups},
            {False: (3300.0, 52.38), risk.id: (3000.0, 47.62)},
        )

        report.collector_ids = self.collector
        self.assertEqual([r["partner_id"] for r in report._rows()], [self.partner_a.id])
        report.collector_ids = False
        report.typology_ids = risk
        self.assertEqual([r["partner_id"] for r in report._rows()], [self.partner_b.id])
        values = report._report_values()
        self.assertEqual((values["total"], values["rows"][0]["share"]), (3000.0, 100.0))

    def _xlsx_rows(self, report):
        book = openpyxl.load_workbook(io.BytesIO(report._xlsx_content()))
        return [[cell.value for cell in row][:14] for row in book.active.iter_rows()]

    @requires_addons("relance_avancee_disputes")
    def test_xlsx_carries_the_same_numbers(self):
        """Every row by hand. Grand total 6,300; 2,000 of A in dispute since 20 March;
        B is a risky customer; A has the collector. Columns: customer, invoice, due date,
        days, six buckets, total, share (%), in dispute, in process."""
        risk = self._b_risky_and_a_15_in_dispute()
        report = self.env["relance.aged.balance.report"].create(
            {"date": AS_OF, "partner_ids": [(6, 0, self.partners)]}
        )
        a, b = self.partner_a.display_name, self.partner_b.display_name
        none = None
        expected = [
            ["Aged balance as of 2026-03-31", self.company.currency_id.name] + [none] * 12,
            [none] * 14,
            ["Customer", "Invoice", "Due date", "Days overdue", "Not due", "1-30", "31-60"]
            + ["61-90", "91-120", "Over 120", "Total", "Share (%)", "In dispute", "In process"],
            [a, self.a_150.name, "2025-11-01", 150, 0, 0, 0, 0, 0, 300, 300, 4.76, 0, 0],
            [a, self.a_15.name, "2026-03-16", 15, 0, 2000, 0, 0, 0, 0, 2000, 31.75, 2000, 0],
            [a, self.a_not_due.name, "2026-04-10", 0, 1000, 0, 0, 0, 0, 0, 1000, 15.87, 0, 0],
            [f"Total {a}", none, none, none, 1000, 2000, 0, 0, 0, 300, 3300, 52.38, 2000, 0],
            [none] * 14,
            [b, self.b_75.name, "2026-01-15", 75, 0, 0, 0, 3000, 0, 0, 3000, 47.62, 0, 0],
            [f"Total {b}", none, none, none, 0, 0, 0, 3000, 0, 0, 3000, 47.62, 0, 0],
            [none] * 14,
            ["Grand total", none, none, none, 1000, 2000, 0, 3000, 0, 300, 6300, 100, 2000, 0],
            ["Share of total (%)", none, none, none, 15.87, 31.75, 0, 47.62, 0, 4.76, 100]
            + [none] * 3,
            [none] * 14,
            ["Subtotals by typology"] + [none] * 13,
            ["None", none, none, none, 1000, 2000, 0, 0, 0, 300, 3300, 52.38, 2000, 0],
            [risk.display_name, none, none, none, 0, 0, 0, 3000, 0, 0, 3000, 47.62, 0, 0],
            [none] * 14,
            ["Subtotals by collector"] + [none] * 13,
            [self.collector.name, none, none, none, 1000, 2000, 0, 0, 0, 300, 3300, 52.38]
            + [2000, 0],
            ["None", none, none, none, 0, 0, 0, 3000, 0, 0, 3000, 47.62, 0, 0],
        ]
        rows = self._xlsx_rows(report)
        self.assertEqual(len(rows), len(expected))
        for index, (row, want) in enumerate(zip(rows, expected, strict=True)):
            self.assertEqual(row, want, f"row {index + 1}")
        action = report.action_xlsx()
        self.assertIn("/web/content/", action["url"])


class TestAgedBalanceAsOfDate(RelanceCase):
    """The residual of each item on any date, computed by hand: the balance less the
    partials dated up to that date (dated by the later of their two lines).

    - X: 1,000 due 28 February, paid 300 on 10 March and 200 on 15 April (two partials,
      one after 31 March): 1,000 on 5 March, 700 on 31 March, 500 on 30 April;
    - Y: 800 issued and due 15 March, a credit note of 150 issued on 5 March matched to
      it: on 10 March the credit note alone is open (-150), from 15 March Y owes 650;
    - Z: 400 due 1 March, paid in full on 5 March, then unmatched: on 4 March 400, from
      5 March Z 400 and the payment -400 both open;
    - F: 800 in a foreign currency at 2 for 1 (400), paid 800 on 10 March at 4 for 1
      (200): 400 until 9 March, 200 from 10 March, nothing once the exchange difference
      is booked (by Odoo on the last day of that month, 31 March).
    """

    test_module = "relance_avancee_reports"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.user.groups_id += cls.env.ref("base.group_multi_currency")
        cls.partner = cls.env["res.partner"].create({"name": "Ledru SAS", "is_company": True})
        cls.x = cls.make_invoice(cls.partner, "2026-02-28", 1000.0)
        cls.pay(cls, cls.x, 300.0, "2026-03-10")
        cls.pay(cls, cls.x, 200.0, "2026-04-15")
        cls.y = cls.make_invoice(cls.partner, "2026-03-15", 800.0)
        cls.refund = cls.init_invoice(
            "out_refund", cls.partner, "2026-03-05", amounts=[150.0], taxes=[], post=True
        )
        (cls.refund.line_ids | cls.y.line_ids).filtered(
            lambda line: line.account_id.account_type == "asset_receivable"
        ).reconcile()
        cls.z = cls.make_invoice(cls.partner, "2026-03-01", 400.0)
        cls.z_payment = cls.pay(cls, cls.z, 400.0, "2026-03-05")
        cls.z.line_ids.filtered("account_id.reconcile").remove_move_reconcile()
        code = "EUR" if cls.company.currency_id.name != "EUR" else "USD"
        foreign = cls.setup_other_currency(code, rates=[("2026-01-01", 2.0), ("2026-03-01", 4.0)])
        cls.f = cls.make_invoice(cls.partner, "2026-02-15", 800.0, currency=foreign)
        cls.pay(cls, cls.f, 800.0, "2026-03-10")

    def residuals(self, day):
        """{move: residual} of the open items on ``day`` as compute() gives them."""
        rows = self.env["relance.aged.balance"].compute(day, partner_ids=self.partner.ids)
        return {
            self.env["account.move"].browse(line["move_id"]): line["residual"]
            for row in rows
            for line in row["lines"]
        }

    def reference(self, day):
        """The same from the ORM, partial by partial (the definition, slowly)."""
        lines = self.env["account.move.line"].search(
            [
                ("partner_id", "=", self.partner.id),
                ("account_id.account_type", "=", "asset_receivable"),
                ("parent_state", "=", "posted"),
                ("date", "<=", day),
            ]
        )
        found = {}
        for line in lines:
            residual = (
                line.balance
                - sum(
                    line.matched_credit_ids.filtered(lambda p: p.max_date <= day).mapped("amount")
                )
                + sum(line.matched_debit_ids.filtered(lambda p: p.max_date <= day).mapped("amount"))
            )
            if round(residual, 2):
                found[line.move_id] = found.get(line.move_id, 0.0) + residual
        return found

    def test_residuals_by_hand(self):
        z_pay = self.z_payment.move_id
        self.assertTrue(z_pay, "the payment is booked")
        self.assertEqual(
            self.residuals(date(2026, 3, 4)), {self.x: 1000.0, self.z: 400.0, self.f: 400.0}
        )
        self.assertEqual(
            self.residuals(date(2026, 3, 10)),
            {self.x: 700.0, self.refund: -150.0, self.z: 400.0, z_pay: -400.0, self.f: 200.0},
        )
        self.assertEqual(
            self.residuals(date(2026, 3, 31)),
            {self.x: 700.0, self.y: 650.0, self.z: 400.0, z_pay: -400.0},
        )
        self.assertEqual(
            self.residuals(date(2026, 4, 30)),
            {self.x: 500.0, self.y: 650.0, self.z: 400.0, z_pay: -400.0},
        )

    def test_every_day_matches_the_partials_dated_up_to_it(self):
        day = date(2026, 2, 10)
        while day <= date(2026, 4, 20):
            with self.subTest(day=day):
                expected = self.reference(day)
                self.assertEqual(
                    {move: round(value, 2) for move, value in self.residuals(day).items()},
                    {move: round(value, 2) for move, value in expected.items()},
                )
            day += timedelta(days=1)


class TestAgedBalanceCompanies(AgedBalanceCase):
    """The aged balance reads the ledger in SQL: it must keep to the user's companies."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_2 = cls.setup_other_company()["company"]
        cls.invoice_2 = cls.make_invoice(cls.partner_a, "2026-03-01", 700.0, company=cls.company_2)

    def total(self, env=None, **kwargs):
        rows = (env or self.env)["relance.aged.balance"].compute(
            AS_OF, partner_ids=[self.partner_a.id], **kwargs
        )
        return sum(row["total"] for row in rows)

    def test_company_filter_isolates(self):
        self.assertEqual(self.total(company_ids=self.company.ids), 3300.0)
        self.assertEqual(self.total(company_ids=self.company_2.ids), 700.0)
        self.assertEqual(self.total(), 4000.0, "both companies of the user")
        report = self.env["relance.aged.balance.report"].create(
            {"date": AS_OF, "company_ids": [(6, 0, self.company_2.ids)]}
        )
        self.assertEqual(
            [line["move_id"] for row in report._rows() for line in row["lines"]],
            self.invoice_2.ids,
        )

    def test_user_without_the_company_gets_only_his_own(self):
        env = self.env(user=self.collector)
        both = (self.company | self.company_2).ids
        self.assertEqual(self.total(env, company_ids=both), 3300.0)
        with self.assertRaisesRegex(UserError, "no access to the companies"):
            self.total(env, company_ids=self.company_2.ids)
        report = (
            self.env["relance.aged.balance.report"]
            .with_user(self.collector)
            .create({"date": AS_OF})
        )
        self.assertEqual(report.company_ids, self.company, "his companies by default")
        moves = {line["move_id"] for row in report._rows() for line in row["lines"]}
        self.assertNotIn(self.invoice_2.id, moves)
        self.assertIn(self.a_15.id, moves)

    def test_companies_in_different_currencies_are_refused(self):
        other = self.env.ref("base.EUR" if self.company.currency_id.name != "EUR" else "base.USD")
        other.active = True
        company_3 = self.env["res.company"].create(
            {"name": "Other currency", "currency_id": other.id}
        )
        self.env.user.company_ids |= company_3
        with self.assertRaisesRegex(UserError, "share one currency"):
            self.total(company_ids=(self.company | company_3).ids)


class TestAgedBalancePdf(RelanceHttpCase, AgedBalanceCase):
    test_module = "relance_avancee_reports"

    def render(self, report):
        content, _type = (
            self.env["ir.actions.report"]
            .with_context(force_report_rendering=True)
            ._render_qweb_pdf("relance_avancee_reports.action_report_aged_balance", report.ids)
        )
        return self.pdf_text(content)

    @requires_addons("relance_avancee_disputes")
    def test_pdf_carries_the_same_numbers(self):
        """The rows of the XLSX test, as printed (amounts with two decimals, shares in %)."""
        risk = self._b_risky_and_a_15_in_dispute()
        report = self.env["relance.aged.balance.report"].create(
            {"date": AS_OF, "partner_ids": [(6, 0, self.partners)]}
        )
        text = self.render(report)
        self.assertIn("Detailed aged balance", text)
        z = "0.00"
        rows = {
            "header": ("Not due", "1-30", "31-60", "61-90", "91-120", "Over 120", "Total")
            + ("Share", "In dispute", "In process"),
            "a_150": (self.a_150.name, "11/01/2025", 150, z, z, z, z, z, "300.00", "300.00")
            + ("4.76 %", z, z),
            "a_15": (self.a_15.name, "03/16/2026", 15, z, "2,000.00", z, z, z, z, "2,000.00")
            + ("31.75 %", "2,000.00", z),
            "a_not_due": (self.a_not_due.name, "04/10/2026", 0, "1,000.00", z, z, z, z, z)
            + ("1,000.00", "15.87 %", z, z),
            "total_a": (f"Total {self.partner_a.name}", "1,000.00", "2,000.00", z, z, z)
            + ("300.00", "3,300.00", "52.38 %", "2,000.00", z),
            "b_75": (self.b_75.name, "01/15/2026", 75, z, z, z, "3,000.00", z, z, "3,000.00")
            + ("47.62 %", z, z),
            "total_b": (f"Total {self.partner_b.name}", z, z, z, "3,000.00", z, z, "3,000.00")
            + ("47.62 %", z, z),
            "grand": ("Grand total", "1,000.00", "2,000.00", z, "3,000.00", z, "300.00")
            + ("6,300.00", "100.00 %", "2,000.00", z),
            "shares": ("Share of total", "15.87 %", "31.75 %", "0.00 %", "47.62 %", "0.00 %")
            + ("4.76 %", "100.00 %"),
            "typology_none": ("None", "1,000.00", "2,000.00", z, z, z, "300.00", "3,300.00")
            + ("52.38 %", "2,000.00", z),
            "typology_risk": (risk.display_name, z, z, z, "3,000.00", z, z, "3,000.00")
            + ("47.62 %", z, z),
            "collector": (self.collector.name, "1,000.00", "2,000.00", z, z, z, "300.00")
            + ("3,300.00", "52.38 %", "2,000.00", z),
        }
        for name, cells in rows.items():
            self.assertRegex(text, row_pattern(*cells), name)
        self.assertIn("Subtotals by typology", text)
        self.assertIn("Subtotals by collector", text)


class TestAgedBalanceInProcess(RelanceHttpCase):
    """One 1,500 payment registered for two 1,000 invoices on a bank journal without
    outstanding account: nothing is booked, both receivables stay open. Spread by due
    date: 1,000 on the invoice due 1 March, 500 on the one due 10 March; in total
    1,500, never 1,500 on each."""

    test_module = "relance_avancee_reports"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        bank = cls.company_data["default_journal_bank"].copy({"name": "Unbooked bank"})
        bank.inbound_payment_method_line_ids.payment_account_id = False
        cls.partner = cls.env["res.partner"].create({"name": "Carnot SARL", "is_company": True})
        cls.first = cls.make_invoice(cls.partner, "2026-03-01", 1000.0)
        cls.second = cls.make_invoice(cls.partner, "2026-03-10", 1000.0)
        wizard = (
            cls.env["account.payment.register"]
            .with_context(active_model="account.move", active_ids=(cls.first | cls.second).ids)
            .create(
                {
                    "group_payment": True,
                    "amount": 1500.0,
                    "payment_date": date(2026, 3, 20),
                    "journal_id": bank.id,
                }
            )
        )
        cls.payment = wizard._create_payments()

    def test_payment_spread_over_its_invoices(self):
        self.assertFalse(self.payment.move_id, "registered, not booked")
        self.assertEqual(self.payment.invoice_ids, self.first | self.second)
        rows = self.env["relance.aged.balance"].compute(AS_OF, partner_ids=self.partner.ids)
        self.assertEqual(len(rows), 1)
        lines = {line["move_id"]: line["in_process"] for line in rows[0]["lines"]}
        self.assertEqual(lines, {self.first.id: 1000.0, self.second.id: 500.0})
        self.assertEqual((rows[0]["total"], rows[0]["in_process"]), (2000.0, 1500.0))
        before = self.env["relance.aged.balance"].compute(
            date(2026, 3, 19), partner_ids=self.partner.ids
        )
        self.assertEqual(before[0]["in_process"], 0.0, "registered after that date")

        report = self.env["relance.aged.balance.report"].create(
            {"date": AS_OF, "partner_ids": [(6, 0, self.partner.ids)]}
        )
        book = openpyxl.load_workbook(io.BytesIO(report._xlsx_content()))
        cells = {row[1].value: row[13].value for row in book.active.iter_rows() if row[1].value}
        self.assertEqual(cells[self.first.name], 1000.0)
        self.assertEqual(cells[self.second.name], 500.0)
        grand = next(r for r in book.active.iter_rows() if r[0].value == "Grand total")
        self.assertEqual((grand[10].value, grand[13].value), (2000.0, 1500.0))

        content, _type = (
            self.env["ir.actions.report"]
            .with_context(force_report_rendering=True)
            ._render_qweb_pdf("relance_avancee_reports.action_report_aged_balance", report.ids)
        )
        text = self.pdf_text(content)
        z = "0.00"
        self.assertRegex(
            text,
            row_pattern(self.first.name, "03/01/2026", 30, z, "1,000.00", z, z, z, z, "1,000.00")
            + r"\s+"
            + row_pattern("50.00 %", z, "1,000.00"),
        )
        self.assertRegex(
            text,
            row_pattern(self.second.name, "03/10/2026", 21, z, "1,000.00", z, z, z, z, "1,000.00")
            + r"\s+"
            + row_pattern("50.00 %", z, "500.00"),
        )
        self.assertRegex(
            text,
            row_pattern("Grand total", z, "2,000.00", z, z, z, z, "2,000.00", "100.00 %", z)
            + r"\s+"
            + row_pattern("1,500.00"),
        )


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
        # Grand total: 10,000.00 + 149.79 interest + 40.00 indemnity = 10,189.79
        self.assertIn("Total claimed, penalties included: $ 10,189.79", text)

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

    def _entry(self, invoice, level, last_date, day):
        """The action of ``level`` on ``invoice`` run on ``day``, its document rendered."""
        invoice.write({"relance_level_id": level.id, "relance_last_date": last_date})
        self.env = self.env(context=dict(self.env.context, force_report_rendering=True))
        with self.mock_mail_gateway():
            entry = self.run_on(day).history_ids
        self.assertEqual(len(entry), 1)
        return entry

    def test_formal_notice_keeps_its_legal_basis_without_penalties(self):
        """The level charges nothing: the notice still states the law, the indemnity set
        on the company (50) and the deadline of the company (10 days: 27 March)."""
        self.company.write(
            {"relance_indemnity_amount": 50.0, "relance_notice_deadline_days": 10, "city": "Lyon"}
        )
        levels = self.standard_plan.level_ids.sorted("sequence")
        levels[3].apply_penalties = False
        invoice = self.make_invoice(self.customer, "2026-01-31", 10000.0)
        entry = self._entry(invoice, levels[2], "2026-02-20", date(2026, 3, 17))
        self.assertEqual(entry.channel, "formal_notice")
        self.assertFalse(entry.penalty_ids)
        text = self.pdf_text(entry.attachment_id.raw)
        for mention in ("L441-10", "D441-5", "Registered letter with acknowledgement of receipt"):
            self.assertIn(mention, text)
        self.assertRegex(text, r"indemnity of \S*\s?50\.00(?![\d])")
        self.assertNotIn("40.00", text)
        self.assertRegex(text, r"stated below by 03/27/2026 at the latest")
        self.assertRegex(text, r"Done at Lyon, on 03/17/2026")
        self.assertNotIn("Total penalties", text, "nothing charged: no penalty table")

    def test_firm_letter_with_penalties_payment_details_and_days_late(self):
        """Level 2 (8 days after the due date) is firm; here it charges penalties. The
        customer has no email: a letter. 1,234.56 due 31 January, letter of 9 February:
        9 days late."""
        self.customer.email = False
        self.company.partner_id.bank_ids = [(0, 0, {"acc_number": "FR7630006000011234567890189"})]
        levels = self.standard_plan.level_ids.sorted("sequence")
        levels[1].apply_penalties = True
        invoice = self.make_invoice(self.customer, "2026-01-31", 1234.56)
        entry = self._entry(invoice, levels[0], "2026-02-01", date(2026, 2, 9))
        self.assertEqual((entry.channel, entry.level_id), ("letter", levels[1]))
        self.assertTrue(entry.penalty_ids)
        text = self.pdf_text(entry.attachment_id.raw)
        self.assertIn("Second reminder: invoices overdue", text)
        self.assertIn("Despite our previous reminders", text)
        self.assertNotIn("probably an", text)
        self.assertNotIn("Formal notice", text)
        self.assertNotIn("Registered letter", text)
        # (printed in groups of four when base_iban is installed, e.g. with l10n_fr_account)
        self.assertIn("FR7630006000011234567890189", text.replace(" ", ""))
        self.assertIn(f"quoting the reference {invoice.payment_reference}", text)
        self.assertIn("Days late", text)
        self.assertRegex(
            text,
            row_pattern(invoice.name, "01/31/2026", "01/31/2026")
            + r"\s+\S*\s?1,234\.56\s+\S*\s?1,234\.56\s+9(?!\d)",
        )
        self.assertRegex(text, r"Total due: \S*\s?1,234\.56(?!\d)")
        self.assertIn("Late-payment penalties and recovery indemnity", text)
        self.assertIn("Total penalties", text)
        self.assertIn("L441-10", text)
        self.assertRegex(text, r"indemnity of \S*\s?40\.00(?!\d)")

    def test_courteous_letter_before_and_just_after_the_due_date(self):
        self.customer.email = False
        invoice = self.make_invoice(self.customer, "2026-01-31", 750.0)
        self.env = self.env(context=dict(self.env.context, force_report_rendering=True))
        entry = self.run_on(date(2026, 2, 1)).history_ids
        self.assertEqual(entry.level_id.tone, "courteous")
        text = self.pdf_text(entry.attachment_id.raw)
        self.assertIn("Payment reminder", text)
        self.assertIn("probably an oversight", text)
        self.assertNotIn("Despite", text)
        self.assertNotIn("Late-payment penalties", text, "the level charges none")
        self.assertRegex(text, row_pattern(invoice.name, "01/31/2026", "01/31/2026"))
