import io
from datetime import date

import openpyxl

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError

from .common import RelanceCase, RelanceHttpCase
from .test_french import FrenchMixin
from .test_reports import row_pattern

CLOSING = date(2025, 12, 31)


class PaymentTermsCase(RelanceCase):
    """A ledger built by hand, every figure computed by hand for the closing date of
    31 December 2025 (year 2025). VAT 20 % unless said: amounts excl. tax / incl. tax.

    Invoices issued (customers):
    - C1 1,000 / 1,200 issued 15 Dec, due 14 Jan 2026: not due (0 days);
    - C2 500 / 600 due 31 Dec 2025, the closing date: 0 days;
    - C3 2,000 / 2,400 due 1 Dec: 30 days (1-30); a payment of 2,400 registered on
      20 Dec on a bank journal that books nothing: not booked, still open;
    - C4 1,000 / 1,200 due 30 Nov: 31 days (31-60); 600 paid on 10 Dec: 600 / 500 left;
    - C5 3,000 without tax, due 15 Oct: 77 days (61-90); paid on 20 Jan 2026, after the
      closing date: open in full;
    - C6 800 / 960 due 1 Aug: 152 days (91 and more); credit note R6 200 / 240 of
      1 Sep matched to it: 720 / 600 left;
    - C7 1,500 / 1,800 due 15 Nov, in a dispute open since 20 Nov: excluded;
    - C8 1,000 / 1,200 issued 31 Oct, half at 30 days (30 Nov: 31 days, 31-60), half at
      90 days (29 Jan 2026: not due): 600 / 500 in each;
    - R1 a credit note 100 / 120 of 20 Dec matched to nothing: -120 / -100 in 1-30, not
      counted as an invoice;
    - C9 1,000 / 1,200 due 30 Apr, paid 25 Apr (on time); C10 500 / 600 due 31 May,
      paid 10 Sep (102 days late); C11 400 / 480 due 30 Jun, in dispute from 20 Jun to
      20 Jul, paid 25 Jul (25 days late, disputed);
    - P0 2,000 / 2,400 issued in 2024, due 31 Dec 2024, paid 14 Feb 2025 (45 days late);
    - C12 250 / 300 dated 28 Dec 2025 but booked on 2 Jan 2026: not recorded.
    Revenue of 2025 (invoices C1-C11 less R6 and R1): 12,400 / 14,280.

    Invoices received (suppliers):
    - S1 400 / 480 due 10 Jan 2026: 0 days;
    - S2 1,000 / 1,200 due 20 Dec: 11 days (1-30); 200 paid on 5 Jan 2026: open in full;
    - S3 2,500 / 3,000 due 15 Sep: 107 days (91 and more);
    - S4 700 / 840 due 1 Oct, marked disputed by the accountant: excluded;
    - S5 300 / 360 dated 28 Dec, still in draft: not recorded;
    - S6 1,000 / 1,200 due 30 Jun, paid 20 Jun (on time); S7 500 / 600 due 31 Mar, paid
      15 May (45 days late).
    Purchases of 2025 (S1-S4, S6, S7): 6,100 / 7,320.
    """

    test_module = "relance_avancee_reports"
    requires_addons = ("relance_avancee_disputes",)

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.vat_sale = cls.tax_sale_a.copy({"name": "VAT 20% (sales)", "amount": 20.0})
        cls.vat_purchase = cls.tax_purchase_a.copy({"name": "VAT 20% (purchases)", "amount": 20.0})
        cls.dupont = cls.customer
        cls.bernard = cls.env["res.partner"].create({"name": "Bernard SA", "is_company": True})
        cls.carnot = cls.env["res.partner"].create({"name": "Carnot SARL", "is_company": True})
        cls.alpha = cls.env["res.partner"].create({"name": "Alpha Fournitures", "is_company": True})
        cls.beta = cls.env["res.partner"].create({"name": "Beta Services", "is_company": True})
        half_and_half = cls.env["account.payment.term"].create(
            {
                "name": "Half at 30 days, half at 90 days",
                "line_ids": [
                    Command.create({"value": "percent", "value_amount": 50.0, "nb_days": 30}),
                    Command.create({"value": "percent", "value_amount": 50.0, "nb_days": 90}),
                ],
            }
        )
        sale, buy = "out_invoice", "in_invoice"
        cls.p0 = cls.document(sale, cls.bernard, "2024-11-30", "2024-12-31", 2000.0)
        cls.s7 = cls.document(buy, cls.alpha, "2025-03-01", "2025-03-31", 500.0)
        cls.c9 = cls.document(sale, cls.carnot, "2025-04-01", "2025-04-30", 1000.0)
        cls.c10 = cls.document(sale, cls.carnot, "2025-05-01", "2025-05-31", 500.0)
        cls.s6 = cls.document(buy, cls.beta, "2025-06-01", "2025-06-30", 1000.0)
        cls.c11 = cls.document(sale, cls.dupont, "2025-06-01", "2025-06-30", 400.0)
        cls.c6 = cls.document(sale, cls.dupont, "2025-07-01", "2025-08-01", 800.0)
        cls.s3 = cls.document(buy, cls.beta, "2025-08-15", "2025-09-15", 2500.0)
        cls.r6 = cls.document("out_refund", cls.dupont, "2025-09-01", "2025-09-01", 200.0)
        cls.s4 = cls.document(buy, cls.beta, "2025-09-01", "2025-10-01", 700.0)
        cls.c5 = cls.document(sale, cls.bernard, "2025-09-15", "2025-10-15", 3000.0, taxed=False)
        cls.c8 = cls.document(sale, cls.carnot, "2025-10-31", None, 1000.0, term=half_and_half)
        cls.c7 = cls.document(sale, cls.bernard, "2025-10-15", "2025-11-15", 1500.0)
        cls.c4 = cls.document(sale, cls.bernard, "2025-10-31", "2025-11-30", 1000.0)
        cls.c3 = cls.document(sale, cls.dupont, "2025-11-01", "2025-12-01", 2000.0)
        cls.s2 = cls.document(buy, cls.alpha, "2025-11-20", "2025-12-20", 1000.0)
        cls.s1 = cls.document(buy, cls.alpha, "2025-12-10", "2026-01-10", 400.0)
        cls.c1 = cls.document(sale, cls.dupont, "2025-12-15", "2026-01-14", 1000.0)
        cls.r1 = cls.document("out_refund", cls.carnot, "2025-12-20", "2025-12-20", 100.0)
        cls.c2 = cls.document(sale, cls.dupont, "2025-12-31", "2025-12-31", 500.0)
        cls.s5 = cls.document(buy, cls.alpha, "2025-12-28", "2026-01-27", 300.0, post=False)
        cls.c12 = cls.document(
            sale, cls.dupont, "2025-12-28", "2026-01-27", 250.0, booked="2026-01-02"
        )

        cls.pay(cls, cls.p0, 2400.0, "2025-02-14")
        cls.pay(cls, cls.c9, 1200.0, "2025-04-25")
        cls.pay(cls, cls.s7, 600.0, "2025-05-15")
        cls.pay(cls, cls.s6, 1200.0, "2025-06-20")
        cls.pay(cls, cls.c11, 480.0, "2025-07-25")
        cls.pay(cls, cls.c10, 600.0, "2025-09-10")
        cls.match(cls.c6, cls.r6)
        cls.pay(cls, cls.c4, 600.0, "2025-12-10")
        unbooked = cls.company_data["default_journal_bank"].copy({"name": "Unbooked bank"})
        unbooked.inbound_payment_method_line_ids.payment_account_id = False
        cls.in_process = cls.pay(cls, cls.c3, 2400.0, "2025-12-20", journal=unbooked)
        cls.pay(cls, cls.s2, 200.0, "2026-01-05")
        cls.pay(cls, cls.c5, 3000.0, "2026-01-20")

        reason = cls.env.ref("relance_avancee_disputes.reason_price")
        cls.env["relance.dispute"].create(
            {
                "partner_id": cls.bernard.id,
                "move_ids": [Command.set(cls.c7.ids)],
                "reason_id": reason.id,
                "date_open": date(2025, 11, 20),
            }
        )
        closed = cls.env["relance.dispute"].create(
            {
                "partner_id": cls.dupont.id,
                "move_ids": [Command.set(cls.c11.ids)],
                "reason_id": reason.id,
                "date_open": date(2025, 6, 20),
            }
        )
        closed.sudo().write(
            {"state": "resolved", "resolution": "payment_found", "date_closed": date(2025, 7, 20)}
        )
        cls.s4.relance_payment_terms_disputed = True

    @classmethod
    def document(
        cls, move_type, partner, day, due, amount, taxed=True, term=None, post=True, booked=None
    ):
        """An invoice, bill or credit note of ``amount`` excluding tax, booked on its
        date (or ``booked``), due on ``due`` or by ``term``."""
        tax = cls.vat_sale if move_type.startswith("out_") else cls.vat_purchase
        move = cls.init_invoice(
            move_type, partner, day, amounts=[amount], taxes=[tax] if taxed else []
        )
        move.date = booked or day
        if term:
            move.invoice_payment_term_id = term
        else:
            move.invoice_payment_term_id = False
            move.invoice_date_due = due
        if post:
            move.action_post()
        return move

    @classmethod
    def match(cls, invoice, refund):
        (invoice.line_ids | refund.line_ids).filtered(
            lambda line: line.account_id.account_type == "asset_receivable"
        ).reconcile()

    def table(self, presentation="unpaid", tax_included=False, **kwargs):
        return self.env["relance.payment.terms.table"].compute(
            CLOSING, presentation=presentation, tax_included=tax_included, **kwargs
        )

    def report(self, **values):
        return self.env["relance.payment.terms.report"].create({"date": CLOSING, **values})

    def _xlsx_rows(self, report):
        book = openpyxl.load_workbook(io.BytesIO(report._xlsx_content()))
        return [[cell.value for cell in row][:13] for row in book.active.iter_rows()]

    def assertSide(self, side, counts, amounts, shares, late, base, excluded):
        """``counts``, ``amounts``, ``shares``: the five brackets; ``late``: (count,
        amount, share) of 1 day and more; ``base``: (count, amount); ``excluded``:
        (count, amount, disputed count, unrecorded count)."""
        self.assertEqual([b["count"] for b in side["brackets"]], counts, "counts")
        self.assertEqual([b["amount"] for b in side["brackets"]], amounts, "amounts")
        self.assertEqual([b["share"] for b in side["brackets"]], shares, "shares")
        self.assertEqual(
            (side["late"]["count"], side["late"]["amount"], side["late"]["share"]), late, "late"
        )
        self.assertEqual((side["base"]["count"], side["base"]["amount"]), base, "base")
        self.assertEqual(
            (
                side["excluded"]["count"],
                side["excluded"]["amount"],
                side["excluded"]["disputed_count"],
                side["excluded"]["unrecorded_count"],
            ),
            excluded,
            "excluded",
        )


class TestPaymentTermsTable(PaymentTermsCase):
    def test_ledger_as_built(self):
        self.assertFalse(self.in_process.move_id, "registered, not booked")
        terms = self.c8.line_ids.filtered(lambda line: line.display_type == "payment_term")
        self.assertEqual(
            sorted(terms.mapped("date_maturity")), [date(2025, 11, 30), date(2026, 1, 29)]
        )
        self.assertEqual((self.c12.state, self.c12.date), ("posted", date(2026, 1, 2)))
        self.assertEqual(self.s7.date, date(2025, 3, 1))

    def test_table_one_excluding_tax(self):
        """Shares of the revenue (12,400) and of the purchases (6,100), excluding tax."""
        table = self.table()
        self.assertEqual((table["date_from"], table["date"]), (date(2025, 1, 1), CLOSING))
        self.assertSide(
            table["issued"],
            counts=[3, 1, 2, 1, 1],
            amounts=[2000.0, 1900.0, 1000.0, 3000.0, 600.0],
            shares=[16.13, 15.32, 8.06, 24.19, 4.84],
            late=(5, 6500.0, 52.42),
            base=(13, 12400.0),
            excluded=(2, 1750.0, 1, 1),
        )
        self.assertSide(
            table["received"],
            counts=[1, 1, 0, 0, 1],
            amounts=[400.0, 1000.0, 0.0, 0.0, 2500.0],
            shares=[6.56, 16.39, 0.0, 0.0, 40.98],
            late=(2, 3500.0, 57.38),
            base=(6, 6100.0),
            excluded=(2, 1000.0, 1, 1),
        )

    def test_table_one_including_tax(self):
        """Shares of the revenue (14,280) and of the purchases (7,320), tax included."""
        table = self.table(tax_included=True)
        self.assertSide(
            table["issued"],
            counts=[3, 1, 2, 1, 1],
            amounts=[2400.0, 2280.0, 1200.0, 3000.0, 720.0],
            shares=[16.81, 15.97, 8.4, 21.01, 5.04],
            late=(5, 7200.0, 50.42),
            base=(13, 14280.0),
            excluded=(2, 2100.0, 1, 1),
        )
        self.assertSide(
            table["received"],
            counts=[1, 1, 0, 0, 1],
            amounts=[480.0, 1200.0, 0.0, 0.0, 3000.0],
            shares=[6.56, 16.39, 0.0, 0.0, 40.98],
            late=(2, 4200.0, 57.38),
            base=(6, 7320.0),
            excluded=(2, 1200.0, 1, 1),
        )
        items = {i["move_id"]: i for i in table["issued"]["items"] if i["excluded"]}
        self.assertEqual(items[self.c7.id]["excluded"], "disputed")
        self.assertEqual((items[self.c7.id]["bracket"], items[self.c7.id]["amount"]), (2, 1800.0))
        self.assertEqual(items[self.c12.id]["excluded"], "unrecorded")

    def test_table_two_paid_late_during_the_year(self):
        """Invoices settled in 2025: issued P0 (45 days), C9 (on time), C10 (102 days),
        C11 (disputed); received S6 (on time), S7 (45 days). Shares of the invoices of
        the year: issued 11 for 12,700 / 14,640, received 6 for 6,100 / 7,320."""
        table = self.table("late")
        issued, received = table["issued"], table["received"]
        self.assertSide(
            issued,
            counts=[1, 0, 1, 0, 1],
            amounts=[1000.0, 0.0, 2000.0, 0.0, 500.0],
            shares=[7.87, 0.0, 15.75, 0.0, 3.94],
            late=(2, 2500.0, 19.69),
            base=(11, 12700.0),
            excluded=(2, 650.0, 1, 1),
        )
        self.assertEqual([b["count_share"] for b in issued["brackets"]], [9.09, 0, 9.09, 0, 9.09])
        self.assertEqual(issued["late"]["count_share"], 18.18)
        late = {i["move_id"]: (i["date_settled"], i["days"]) for i in issued["items"]}
        self.assertEqual(late[self.p0.id], (date(2025, 2, 14), 45))
        self.assertEqual(late[self.c10.id], (date(2025, 9, 10), 102))
        self.assertNotIn(self.c4.id, late, "partly paid: not settled")
        self.assertSide(
            received,
            counts=[1, 0, 1, 0, 0],
            amounts=[1000.0, 0.0, 500.0, 0.0, 0.0],
            shares=[16.39, 0.0, 8.2, 0.0, 0.0],
            late=(1, 500.0, 8.2),
            base=(6, 6100.0),
            excluded=(1, 300.0, 0, 1),
        )
        self.assertEqual(received["late"]["count_share"], 16.67)

        table = self.table("late", tax_included=True)
        self.assertEqual(
            [b["amount"] for b in table["issued"]["brackets"]], [1200.0, 0.0, 2400.0, 0.0, 600.0]
        )
        self.assertEqual(
            [b["share"] for b in table["issued"]["brackets"]], [8.2, 0.0, 16.39, 0.0, 4.1]
        )
        self.assertEqual(table["issued"]["late"]["share"], 20.49)
        self.assertEqual(table["issued"]["base"]["amount"], 14640.0)
        self.assertEqual(table["issued"]["excluded"]["amount"], 780.0)

    def test_customer_side_equals_the_aged_balance(self):
        """With the aged balance cut like the model (30, 60, 90 days), its buckets are
        the table's amounts including tax plus the disputed invoices left out."""
        self.company.relance_aged_buckets = "30,60,90"
        aged = self.env["relance.aged.balance"].compute(CLOSING)
        buckets = [sum(row["buckets"][i] for row in aged) for i in range(5)]
        issued = self.table(tax_included=True)["issued"]
        disputed = [0.0] * 5
        for item in issued["items"]:
            if item["excluded"] == "disputed":
                disputed[item["bracket"]] += item["amount"]
        self.assertEqual(buckets, [2400.0, 2280.0, 3000.0, 3000.0, 720.0])
        self.assertEqual(
            [b["amount"] + d for b, d in zip(issued["brackets"], disputed, strict=True)], buckets
        )
        for day in (date(2025, 6, 30), date(2026, 1, 31)):
            aged = self.env["relance.aged.balance"].compute(day)
            issued = self.env["relance.payment.terms.table"].compute(
                day, date_from=date(2025, 1, 1), tax_included=True
            )["issued"]
            in_dispute = sum(i["amount"] for i in issued["items"] if i["excluded"] == "disputed")
            self.assertAlmostEqual(
                sum(b["amount"] for b in issued["brackets"]) + in_dispute,
                sum(row["total"] for row in aged),
            )

    def test_fiscal_year_and_default_closing_date(self):
        self.company.write({"fiscalyear_last_day": 30, "fiscalyear_last_month": "6"})
        report = self.report()
        self.assertEqual(report.date_from, date(2025, 7, 1))
        report.date = date(2026, 6, 30)
        self.assertEqual(report.date_from, date(2025, 7, 1), "the year the closing date ends")
        fresh = self.env["relance.payment.terms.report"].create({})
        table = self.env["relance.payment.terms.table"]
        today = fields.Date.context_today(fresh)
        self.assertEqual(fresh.date, table._last_closing(today, self.company))
        self.assertLess(fresh.date, today)
        self.assertEqual((fresh.date.month, fresh.date.day), (6, 30))
        with self.assertRaisesRegex(UserError, "start before"):
            table.compute(CLOSING, date_from=date(2026, 1, 1))

    def test_a_year_without_invoices_states_no_share(self):
        """No invoice in 2023: no revenue nor purchases to divide by. The shares are not
        0 %: there is none to state (n/a), on screen, in the PDF and in the XLSX."""
        year = dict(date_from=date(2023, 1, 1))
        table = self.env["relance.payment.terms.table"].compute(date(2023, 12, 31), **year)
        for side in ("received", "issued"):
            self.assertEqual(table[side]["base"]["amount"], 0.0)
            self.assertEqual([b["share"] for b in table[side]["brackets"]], [None] * 5)
        report = self.env["relance.payment.terms.report"].create({"date": date(2023, 12, 31)})
        values = report._report_values()
        shares = [row for s in values["sections"] for row in s["rows"] if row["kind"] == "percent"]
        self.assertTrue(shares)
        self.assertIn(values["not_applicable"], shares[0]["cells"])
        self.assertNotIn(0.0, [cell for row in shares for cell in row["cells"] if cell is not None])

    def test_only_accounting_users_read_it(self):
        reader = self._create_relance_user("auditor", ["account.group_account_readonly"])
        table = self.env["relance.payment.terms.table"]
        figures = table.with_user(reader).compute(CLOSING)
        self.assertEqual(figures["issued"]["late"]["amount"], 6500.0)
        report = (
            self.env["relance.payment.terms.report"].with_user(reader).create({"date": CLOSING})
        )
        self.assertTrue(report._xlsx_content())
        with self.assertRaises(AccessError):
            table.with_user(self.collector).compute(CLOSING)
        with self.assertRaises(AccessError):
            self.env["relance.payment.terms.report"].with_user(self.collector).create({})
        portal = self._create_portal_user("portal_d441", "Portal D441")
        with self.assertRaises(AccessError):
            self.rpc(portal, "relance.payment.terms.table", "compute", str(CLOSING))
        flag = self.env["account.move"]._fields["relance_payment_terms_disputed"]
        self.assertTrue(flag.is_accessible(self.env(user=reader)))
        self.assertFalse(
            flag.is_accessible(self.env(user=self.collector)),
            "billing users and collectors do not see the flag",
        )

    def test_screen_shows_the_table_and_its_detail(self):
        report = self.report()
        action = report.action_open()
        self.assertEqual((action["res_model"], action["res_id"]), (report._name, report.id))
        html = str(report.table_html)
        self.assertIn("Number of invoices concerned", html)
        self.assertIn("Percentage of the revenue of the year (excl. tax)", html)
        self.assertIn("6,500.00", html)
        self.assertIn("52.42", html)
        lines = self.env["relance.payment.terms.line"].search(report.action_detail()["domain"])
        issued = lines.filtered(lambda line: line.side == "issued" and not line.excluded)
        self.assertEqual(sum(issued.mapped("amount")), 8500.0, "2,000 not due + 6,500 late")
        c8 = lines.filtered(lambda line: line.move_id == self.c8)
        self.assertEqual(
            sorted(c8.mapped("bracket")), ["0. 0 days (for information)", "2. 31 to 60 days"]
        )
        self.assertEqual(lines.filtered(lambda line: line.move_id == self.s4).excluded, "disputed")
        self.assertEqual(
            lines.filtered(lambda line: line.move_id == self.s5).excluded, "unrecorded"
        )

    def test_xlsx_laid_out_like_the_model(self):
        """Row labels, six columns for the invoices received, six for those issued."""
        report = self.report(received_terms_detail="60 days from the invoice date")
        rows = self._xlsx_rows(report)
        n = None
        self.assertEqual(
            rows[0][0],
            "Invoices received and issued unpaid at the closing date of the year whose term "
            "has passed (table provided for in I of article D. 441-6 of the Commercial Code)",
        )
        self.assertIn("year from 01/01/2025 to 12/31/2025", rows[1][0])
        self.assertIn("excluding tax", rows[1][0])
        self.assertTrue(rows[3][1].startswith("Article D. 441-6 I-1°: invoices received unpaid"))
        self.assertTrue(rows[3][7].startswith("Article D. 441-6 I-2°: invoices issued unpaid"))
        columns = [
            "0 days (for information)",
            "1 to 30 days",
            "31 to 60 days",
            "61 to 90 days",
            "91 days and more",
            "Total (1 day and more)",
        ]
        self.assertEqual(rows[4], [n, *columns, *columns])
        self.assertEqual(rows[5][0], "(A) Late payment brackets")
        self.assertEqual(
            rows[6], ["Number of invoices concerned", 1, 1, 0, 0, 1, 2, 3, 1, 2, 1, 1, 5]
        )
        self.assertEqual(
            rows[7],
            ["Total amount of the invoices concerned (excl. tax)"]
            + [400, 1000, 0, 0, 2500, 3500, 2000, 1900, 1000, 3000, 600, 6500],
        )
        self.assertEqual(
            rows[8],
            ["Percentage of the total amount of the purchases of the year (excl. tax)"]
            + [6.56, 16.39, 0, 0, 40.98, 57.38]
            + [n] * 6,
        )
        self.assertEqual(
            rows[9],
            ["Percentage of the revenue of the year (excl. tax)"]
            + [n] * 6
            + [16.13, 15.32, 8.06, 24.19, 4.84, 52.42],
        )
        self.assertTrue(rows[10][0].startswith("(B) Invoices excluded from (A)"))
        self.assertEqual(rows[11], ["Number of excluded invoices", 2, n, n, n, n, n, 2] + [n] * 5)
        self.assertEqual(
            rows[12],
            ["Total amount of the excluded invoices (excl. tax)", 1000, n, n, n, n, n, 1750]
            + [n] * 5,
        )
        self.assertTrue(rows[13][0].startswith("(C) Reference payment terms used"))
        self.assertEqual(rows[14][0], "Payment terms used to compute the late payments")
        self.assertEqual(
            rows[14][1],
            "\u2612 Contractual terms: 60 days from the invoice date\n"
            "\u2610 Legal terms: article L. 441-10 of the Commercial Code",
        )
        self.assertTrue(rows[14][7].startswith("\u2612 Contractual terms: the due date"))
        notes = " ".join(row[0] for row in rows[16:] if row[0])
        self.assertIn("Purchases of the year (vendor bills less refunds): $\xa06,100.00", notes)
        self.assertIn("received 1 disputed and 1 unrecorded; issued 1 disputed", notes)
        action = report.action_xlsx()
        self.assertIn("/web/content/", action["url"])

    def test_xlsx_table_two_including_tax(self):
        report = self.report(presentation="late", tax_basis="total", issued_terms="both")
        rows = self._xlsx_rows(report)
        self.assertTrue(rows[0][0].startswith("Invoices received and issued paid late"))
        self.assertEqual(
            rows[6], ["Cumulated number of invoices concerned", 1, 0, 1, 0, 0, 1, 1, 0, 1, 0, 1, 2]
        )
        self.assertEqual(
            rows[7],
            ["Cumulated amount of the invoices concerned (incl. tax)"]
            + [1200, 0, 600, 0, 0, 600, 1200, 0, 2400, 0, 600, 3000],
        )
        self.assertEqual(
            rows[8][:7],
            ["Percentage of the total amount of the invoices received in the year (incl. tax)"]
            + [16.39, 0, 8.2, 0, 0, 8.2],
        )
        self.assertEqual(rows[9][7:], [8.2, 0, 16.39, 0, 4.1, 20.49])
        self.assertEqual(
            rows[10][:7],
            ["Percentage of the total number of invoices received in the year"]
            + [16.67, 0, 16.67, 0, 0, 16.67],
        )
        self.assertEqual(rows[11][7:], [9.09, 0, 9.09, 0, 9.09, 18.18])
        self.assertEqual(rows[13][1], 1)
        self.assertEqual(rows[14][7], 780)
        self.assertEqual(rows[16][7].count("\u2612"), 2, "contractual and legal ticked")


class TestPaymentTermsTableFrench(FrenchMixin, PaymentTermsCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.load_french()

    def test_official_labels_in_french(self):
        """The statutory table reads in French whatever the user's language."""
        rows = self._xlsx_rows(self.report())
        self.assertEqual(
            rows[0][0],
            "Factures reçues et émises non réglées à la date de clôture de l'exercice dont le "
            "terme est échu (tableau prévu au I de l'article D. 441-6 du code de commerce)",
        )
        self.assertEqual(
            rows[3][1],
            "Article D. 441-6 I-1° : Factures reçues non réglées à la date de clôture de "
            "l'exercice dont le terme est échu",
        )
        self.assertEqual(
            rows[4][1:7],
            [
                "0 jour (indicatif)",
                "1 à 30 jours",
                "31 à 60 jours",
                "61 à 90 jours",
                "91 jours et plus",
                "Total (1 jour et plus)",
            ],
        )
        labels = [row[0] for row in rows[5:15]]
        self.assertEqual(
            labels,
            [
                "(A) Tranches de retard de paiement",
                "Nombre de factures concernées",
                "Montant total des factures concernées (HT)",
                "Pourcentage du montant total des achats de l'exercice (HT)",
                "Pourcentage du chiffre d'affaires de l'exercice (HT)",
                "(B) Factures exclues du (A) relatives à des dettes et créances litigieuses "
                "ou non comptabilisées",
                "Nombre des factures exclues",
                "Montant total des factures exclues (HT)",
                "(C) Délais de paiement de référence utilisés (contractuel ou délai légal - "
                "article L. 441-10 ou article L. 441-11 du code de commerce)",
                "Délais de paiement utilisés pour le calcul des retards de paiement",
            ],
        )
        self.assertIn("du 01/01/2025 au 31/12/2025", rows[1][0])


class TestPaymentTermsTablePdf(RelanceHttpCase, PaymentTermsCase):
    test_module = "relance_avancee_reports"

    def test_pdf_carries_the_same_numbers(self):
        report = self.report()
        self.company.external_report_layout_id = self.env.ref("web.external_layout_standard")
        action = report.action_pdf()
        self.assertEqual(action["report_name"], "relance_avancee_reports.report_payment_terms")
        content, _type = (
            self.env["ir.actions.report"]
            .with_context(force_report_rendering=True)
            ._render_qweb_pdf("relance_avancee_reports.action_report_payment_terms", report.ids)
        )
        text = self.pdf_text(content)
        self.assertIn("table provided for in I of article D. 441-6", text)
        self.assertRegex(
            text, row_pattern("Number of invoices concerned", 1, 1, 0, 0, 1, 2, 3, 1, 2, 1, 1, 5)
        )
        z = "0.00"
        self.assertRegex(
            text,
            row_pattern("400.00", "1,000.00", z, z, "2,500.00", "3,500.00", "2,000.00")
            + r"\s+"
            + row_pattern("1,900.00", "1,000.00", "3,000.00", "600.00", "6,500.00"),
        )
        self.assertRegex(
            text, row_pattern("16.13 %", "15.32 %", "8.06 %", "24.19 %", "4.84 %", "52.42 %")
        )
        self.assertRegex(text, row_pattern("6.56 %", "16.39 %", "0.00 %", "0.00 %", "40.98 %"))
        self.assertIn("Number of excluded invoices", text)
        self.assertRegex(text, row_pattern("1,000.00", "1,750.00"))
