import io
from datetime import date

import openpyxl
from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError, ValidationError

from .common import RelanceCase, requires_addons

TODAY = date(2026, 6, 30)
# Twelve months: invoices due from 2025-06-30 to 2026-06-29; the recent half from 2025-12-30.


@freeze_time("2026-06-30")
class TestPayerScore(RelanceCase):
    """One customer per grade on a hand-built ledger, scored on 30 June 2026.

    - Alpha: 2,000 due 03-31 paid 03-30 (on time), 500 due 04-30 paid 05-09 (9 days):
      (500 x 9) / 2,500 = 1.8 days, 80 % on time -> A (a 5,000 invoice not due yet
      and a 700 one due in 2025-05, out of the twelve months, do not count);
    - Bravo: 600 due 02-28 paid 03-20 (20 days), 400 due 03-31 paid 03-31:
      (600 x 20) / 1,000 = 12 days, 40 % on time -> B;
    - Charlie: 1,200 due 01-31, 400 paid 02-10 (10 days) and 800 on 03-12 (40 days):
      (400 x 10 + 800 x 40) / 1,200 = 30 days -> C;
    - Delta: 900 due 04-30 still open (61 days to 30 June), 300 due 05-31 paid 06-05
      (5 days): (900 x 61 + 300 x 5) / 1,200 = 47 days -> D.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.manager = cls._create_relance_user(
            "manager",
            [
                "relance_avancee.group_relance_manager",
                "relance_avancee.group_relance_user",
                "account.group_account_invoice",
            ],
        )
        Partner = cls.env["res.partner"]
        cls.alpha = cls.customer
        cls.bravo, cls.charlie, cls.delta = (
            Partner.create({"name": name, "is_company": True})
            for name in ("Bravo", "Charlie", "Delta")
        )
        cls.pay(cls, cls.make_invoice(cls.alpha, "2026-03-31", 2000.0), 2000.0, "2026-03-30")
        cls.pay(cls, cls.make_invoice(cls.alpha, "2026-04-30", 500.0), 500.0, "2026-05-09")
        cls.make_invoice(cls.alpha, "2026-07-15", 5000.0, invoice_date="2026-06-15")
        cls.make_invoice(cls.alpha, "2025-05-31", 700.0)
        cls.pay(cls, cls.make_invoice(cls.bravo, "2026-02-28", 600.0), 600.0, "2026-03-20")
        cls.pay(cls, cls.make_invoice(cls.bravo, "2026-03-31", 400.0), 400.0, "2026-03-31")
        charlie = cls.make_invoice(cls.charlie, "2026-01-31", 1200.0)
        cls.pay(cls, charlie, 400.0, "2026-02-10")
        cls.pay(cls, charlie, 800.0, "2026-03-12")
        cls.make_invoice(cls.delta, "2026-04-30", 900.0)
        cls.pay(cls, cls.make_invoice(cls.delta, "2026-05-31", 300.0), 300.0, "2026-06-05")
        cls.customers = cls.alpha | cls.bravo | cls.charlie | cls.delta

    def score(self, company=None):
        company = company or self.company
        return self.env["res.partner"]._relance_compute_payer_scores(company, TODAY)

    def explain(self, partner, company=None):
        partner = partner.with_company(company or self.company)
        partner.invalidate_recordset()
        return (
            partner.relance_payer_score,
            partner.relance_payer_days_late,
            partner.relance_payer_on_time_share,
            partner.relance_payer_broken_promises,
        )

    def test_one_customer_per_grade(self):
        self.score()
        self.assertEqual(self.explain(self.alpha), ("a", 1.8, 80.0, 0))
        self.assertEqual(self.explain(self.bravo), ("b", 12.0, 40.0, 0))
        self.assertEqual(self.explain(self.charlie), ("c", 30.0, 0.0, 0))
        self.assertEqual(self.explain(self.delta), ("d", 47.0, 0.0, 0))
        self.assertEqual(self.delta.relance_payer_score_date, TODAY)
        self.assertFalse(self.delta.relance_payer_trend, "nothing due in the six months before")

    def test_queries_do_not_grow_with_customers(self):
        """A batch: the same queries for five customers as for thirteen."""

        def queries():
            self.env.flush_all()
            self.env.invalidate_all()  # both measures start from a cold cache
            before = self.env.cr.sql_log_count
            self.score()
            return self.env.cr.sql_log_count - before

        def add_customers(count):
            for index in range(count):
                partner = self.env["res.partner"].create({"name": f"More {index}"})
                invoice = self.make_invoice(partner, "2026-04-30", 100.0 + index)
                self.pay(invoice, 50.0, "2026-05-10")  # partly paid: still open

        add_customers(1)
        queries()  # Odoo's own caches (record rules, companies) warm
        five = queries()
        add_customers(8)
        self.assertEqual(queries(), five)

    def test_no_invoice_due_in_twelve_months_no_grade(self):
        old = self.env["res.partner"].create({"name": "Old customer", "is_company": True})
        self.make_invoice(old, "2025-06-29", 100.0)  # one day before the twelve months
        self.score()
        self.assertFalse(old.relance_payer_score)
        # Graded once, then its invoices leave the window: the grade goes.
        self.env["res.partner"]._relance_compute_payer_scores(self.company, date(2026, 6, 1))
        old.invalidate_recordset()
        self.assertEqual(old.relance_payer_score, "d")
        self.score()
        old.invalidate_recordset()
        self.assertFalse(old.relance_payer_score)
        self.assertFalse(old.relance_payer_days_late)

    def test_credit_note_weighs_nothing(self):
        """A 1,000 invoice of Alpha due 04-15 cancelled by a credit note on 06-01 is no
        late payment: Alpha stays at 1.8 days."""
        invoice = self.make_invoice(self.alpha, "2026-04-15", 1000.0)
        reversal = (
            self.env["account.move.reversal"]
            .with_context(active_model="account.move", active_ids=invoice.ids)
            .create({"date": date(2026, 6, 1), "journal_id": invoice.journal_id.id})
        )
        reversal.refund_moves()
        invoice.reversal_move_ids.action_post()  # reconciled with the invoice
        self.assertEqual(invoice.payment_state, "reversed")
        self.score()
        self.assertEqual(self.explain(self.alpha), ("a", 1.8, 80.0, 0))

    def test_payment_registered_not_booked_counts_at_its_date(self):
        """Delta's 900 open invoice paid on 05-10 through a journal without outstanding
        account (in process, no entry): 10 days, not 61. (900 x 10 + 300 x 5) / 1,200
        = 8.75, shown 8.8 -> B."""
        unbooked = self.company_data["default_journal_bank"].copy({"name": "Unbooked"})
        unbooked.inbound_payment_method_line_ids.payment_account_id = False
        invoice = self.env["account.move"].search(
            [("partner_id", "=", self.delta.id), ("amount_residual", ">", 0)]
        )
        self.pay(invoice, 900.0, "2026-05-10", journal=unbooked)
        self.assertEqual(invoice.amount_residual, 900.0, "nothing booked")
        self.score()
        self.assertEqual(self.explain(self.delta), ("b", 8.8, 0.0, 0))

    def test_trend_compares_the_two_halves(self):
        """Echo: 1,000 due 2025-09-30 paid 30 days late, 1,000 due 2026-03-31 paid 2 days
        late: improving (16 days overall -> C). Foxtrot: on time, then 20 days late:
        worsening (10 days -> B). Golf: 3 days late in both halves: stable (B: nothing
        paid on time)."""
        Partner = self.env["res.partner"]
        echo, foxtrot, golf = (
            Partner.create({"name": name, "is_company": True})
            for name in ("Echo", "Foxtrot", "Golf")
        )
        self.pay(self.make_invoice(echo, "2025-09-30", 1000.0), 1000.0, "2025-10-30")
        self.pay(self.make_invoice(echo, "2026-03-31", 1000.0), 1000.0, "2026-04-02")
        self.pay(self.make_invoice(foxtrot, "2025-08-31", 1000.0), 1000.0, "2025-08-31")
        self.pay(self.make_invoice(foxtrot, "2026-05-31", 1000.0), 1000.0, "2026-06-20")
        self.pay(self.make_invoice(golf, "2025-10-31", 1000.0), 1000.0, "2025-11-03")
        self.pay(self.make_invoice(golf, "2026-05-31", 1000.0), 1000.0, "2026-06-03")
        self.score()
        for partner, trend, grade, days in (
            (echo, "improving", "c", 16.0),
            (foxtrot, "worsening", "b", 10.0),
            (golf, "stable", "b", 3.0),
        ):
            partner.invalidate_recordset()
            self.assertEqual(
                (partner.relance_payer_trend, partner.relance_payer_score),
                (trend, grade),
                partner.name,
            )
            self.assertEqual(partner.relance_payer_days_late, days)

    def _promise(self, invoice, day, promise_date):
        return self.env["relance.history"].create(
            {
                "partner_id": invoice.partner_id.id,
                "move_ids": [Command.set(invoice.ids)],
                "channel": "phone",
                "state": "done",
                "outcome": "promise",
                "date": day,
                "promise_date": promise_date,
                "promise_amount": invoice.amount_total,
            }
        )

    def test_broken_promises_push_to_d(self):
        """Hotel would be A: 4,000 paid on time, 1,000 due 06-27 open (3 days): 0.6 days,
        80 % on time. One broken promise: B at best; two: D."""
        self.standard_plan.grace_days = 0
        hotel = self.env["res.partner"].create(
            {"name": "Hotel", "is_company": True, "relance_plan_id": self.standard_plan.id}
        )
        self.pay(self.make_invoice(hotel, "2026-03-31", 4000.0), 4000.0, "2026-03-31")
        open_invoice = self.make_invoice(hotel, "2026-06-27", 1000.0)
        self.score()
        self.assertEqual(self.explain(hotel), ("a", 0.6, 80.0, 0))
        self._promise(open_invoice, date(2026, 6, 27), date(2026, 6, 28))
        self.score()
        self.assertEqual(self.explain(hotel), ("b", 0.6, 80.0, 1))
        self._promise(open_invoice, date(2026, 6, 28), date(2026, 6, 29))
        self.score()
        self.assertEqual(self.explain(hotel), ("d", 0.6, 80.0, 2))
        # A promise still running is no incident.
        self._promise(open_invoice, date(2026, 6, 29), date(2026, 7, 10))
        self.score()
        self.assertEqual(self.explain(hotel)[3], 2)

    @requires_addons("relance_avancee_disputes")
    def test_rejected_disputes_are_incidents(self):
        """Hotel (A on its own: 0.6 days, 80 % on time) has a dispute rejected: B; an
        open dispute or one resolved in its favour counts for nothing; two rejected: D."""
        hotel = self.env["res.partner"].create({"name": "Hotel", "is_company": True})
        self.pay(self.make_invoice(hotel, "2026-03-31", 4000.0), 4000.0, "2026-03-31")
        open_invoice = self.make_invoice(hotel, "2026-06-27", 1000.0)

        def dispute():
            return self.env["relance.dispute"].create(
                {
                    "partner_id": hotel.id,
                    "move_ids": [Command.set(open_invoice.ids)],
                    "reason_id": self.env.ref("relance_avancee_disputes.reason_price").id,
                    "date_open": date(2026, 6, 28),
                }
            )

        dispute()  # still open
        dispute().action_resolve("duplicate_sent")  # resolved in its favour
        self.score()
        self.assertEqual(self.explain(hotel)[0], "a")
        dispute().action_reject("Price agreed in the order.")
        self.score()
        hotel.invalidate_recordset()
        self.assertEqual((hotel.relance_payer_score, hotel.relance_payer_disputes), ("b", 1))
        dispute().action_reject("Price agreed in the order.")
        self.score()
        hotel.invalidate_recordset()
        self.assertEqual((hotel.relance_payer_score, hotel.relance_payer_disputes), ("d", 2))

    def test_screens_show_the_grade(self):
        """The customer form (collections tab), the call screen and the worklist."""
        Partner = self.env["res.partner"].with_user(self.collector)
        for view, field in (
            ("base.view_partner_form", "relance_payer_days_late"),
            ("relance_avancee.res_partner_view_form_call_screen", "relance_payer_trend"),
            ("relance_avancee.res_partner_view_list_relance_worklist", "relance_payer_score"),
        ):
            view = self.env.ref(view)
            arch = Partner.get_view(view.id, view.type)["arch"]
            self.assertIn(f'name="{field}"', arch, view.xml_id)

    def test_thresholds_are_company_settings(self):
        self.company.relance_payer_c_days = 50
        self.score()
        self.assertEqual(self.explain(self.delta)[0], "c", "47 days is C when C goes to 50")
        with self.assertRaises(ValidationError):
            self.company.relance_payer_b_days = 60  # beyond C's limit

    def test_worklist_filters_and_sorts_by_grade(self):
        self.score()
        Partner = self.env["res.partner"].with_user(self.collector)
        mine = [("id", "in", self.customers.ids)]
        self.assertEqual(Partner.search([*mine, ("relance_payer_score", "=", "d")]), self.delta)
        self.assertEqual(
            Partner.search([*mine, ("relance_payer_score", "in", ("a", "b"))]),
            self.alpha | self.bravo,
        )
        ungraded = self.env["res.partner"].create({"name": "No invoice", "is_company": True})
        ordered = Partner.search(
            [("id", "in", (self.customers | ungraded).ids)], order="relance_payer_score, id"
        )
        self.assertEqual(ordered.ids, [*self.customers.ids, ungraded.id], "A to D, ungraded last")
        ordered = Partner.search(mine, order="relance_payer_score desc, id")
        self.assertEqual(ordered[0], self.delta)
        # The worklist shows the column and the grade filters.
        views = Partner.get_views(
            [
                (self.env.ref("relance_avancee.res_partner_view_list_relance_worklist").id, "list"),
                (False, "search"),
            ]
        )["views"]
        self.assertIn('name="relance_payer_score"', views["list"]["arch"])
        self.assertIn('name="relance_payer_d"', views["search"]["arch"])

    def test_daily_run_scores_the_customers(self):
        with self.mock_mail_gateway():
            self.run_on(TODAY)
        self.assertEqual(self.explain(self.delta)[0], "d")
        self.assertEqual(self.explain(self.alpha)[0], "a")

    def test_only_managers_recompute_and_nobody_writes_a_grade(self):
        with self.assertRaises(AccessError):
            self.rpc(self.collector, "res.partner", "action_relance_recompute_payer_scores", [])
        with self.assertRaises(AccessError):
            self.rpc(
                self.collector,
                "res.partner",
                "write",
                [self.delta.id],
                {"relance_payer_score": "a"},
            )
        with self.assertRaises(AccessError):
            self.rpc(
                self.collector,
                "res.partner",
                "create",
                {"name": "Forged", "is_company": True, "relance_payer_score": "a"},
            )
        # Positive control: the same customer without a grade.
        self.rpc(self.collector, "res.partner", "create", {"name": "Honest", "is_company": True})
        result = self.rpc(self.manager, "res.partner", "action_relance_recompute_payer_scores", [])
        self.assertEqual(result["params"]["type"], "success")
        self.assertEqual(self.explain(self.delta)[0], "d")
        # The merge wizard's context drops a grade written with it, never writes it.
        self.rpc(
            self.collector,
            "res.partner",
            "write",
            [self.delta.id],
            {"relance_payer_score": "a"},
            context={"relance_merging_partners": True},
        )
        self.assertEqual(self.explain(self.delta)[0], "d")

    def test_portal_user_cannot_read_scores(self):
        self.score()
        portal = self._create_portal_user("delta_portal", "Delta Accounts")
        portal.partner_id.parent_id = self.delta
        # The portal user reads its company's record, only not the score.
        rows = self.rpc(portal, "res.partner", "read", [self.delta.id], ["name"])
        self.assertEqual(rows[0]["name"], "Delta")
        with self.assertRaises(AccessError):
            self.rpc(portal, "res.partner", "read", [self.delta.id], ["relance_payer_score"])
        with self.assertRaises(AccessError):
            self.rpc(
                portal,
                "res.partner",
                "search",
                [("relance_payer_score", "=", "d")],
            )
        # Positive control: a collector reads it.
        rows = self.rpc(
            self.collector,
            "res.partner",
            "read",
            [self.delta.id],
            ["relance_payer_score", "relance_payer_days_late"],
        )
        self.assertEqual(
            (rows[0]["relance_payer_score"], rows[0]["relance_payer_days_late"]), ("d", 47.0)
        )


@freeze_time("2026-06-30")
class TestPayerScorePerCompany(RelanceCase):
    """The same customer, A in one company and D in the other."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.other = cls.setup_other_company()["company"]
        cls.collector.write({"company_ids": [Command.link(cls.other.id)]})
        cls.pay(cls, cls.make_invoice(cls.customer, "2026-03-31", 1000.0), 1000.0, "2026-03-31")
        # Company 2: 1,000 due 03-31, still open on 30 June: 91 days.
        cls.make_invoice(cls.customer, "2026-03-31", 1000.0, company=cls.other)

    def test_a_here_d_there(self):
        Partner = self.env["res.partner"]
        Partner._relance_compute_payer_scores(self.company, TODAY)
        Partner._relance_compute_payer_scores(self.other, TODAY)
        here = self.customer.with_company(self.company)
        there = self.customer.with_company(self.other)
        self.assertEqual((here.relance_payer_score, here.relance_payer_days_late), ("a", 0.0))
        self.assertEqual((there.relance_payer_score, there.relance_payer_days_late), ("d", 91.0))
        collector = Partner.with_user(self.collector)
        self.assertIn(
            self.customer,
            collector.with_company(self.other).search([("relance_payer_score", "=", "d")]),
        )
        self.assertNotIn(
            self.customer,
            collector.with_company(self.company).search([("relance_payer_score", "=", "d")]),
        )

    @requires_addons("relance_avancee_reports")
    def test_aged_balance_shows_the_grade(self):
        """Screen, XLSX (a column of its own) and the rows the PDF prints: the grade of the
        report's company; with both companies, each company's grade named."""
        self.make_invoice(self.customer, "2026-06-20", 400.0)  # open in company 1: 10 days
        Partner = self.env["res.partner"]
        Partner._relance_compute_payer_scores(self.company, TODAY)
        Partner._relance_compute_payer_scores(self.other, TODAY)
        # Company 1: (1,000 x 0 + 400 x 10) / 1,400 = 2.9 days, 71.4 % on time -> B.
        self.assertEqual(self.customer.relance_payer_score, "b")
        aged = self.env["relance.aged.balance"]
        (row,) = aged.compute(TODAY, company_ids=self.company.ids, partner_ids=self.customer.ids)
        self.assertEqual(row["payer_score"], "B")
        report = self.env["relance.aged.balance.report"].create(
            {"date": TODAY, "company_ids": [Command.set(self.company.ids)]}
        )
        action = report.action_open()
        lines = self.env["relance.aged.balance.line"].search(action["domain"])
        self.assertEqual(
            set(
                lines.filtered(lambda line: line.partner_id == self.customer).mapped("payer_score")
            ),
            {"B"},
        )
        sheet = openpyxl.load_workbook(io.BytesIO(report._xlsx_content())).active
        rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
        column = rows[2].index("Payer score")
        total_row = next(r for r in rows if r[0] == f"Total {self.customer.display_name}")
        self.assertEqual(total_row[column], "B")
        html = (
            self.env["ir.actions.report"]
            ._render_qweb_html("relance_avancee_reports.action_report_aged_balance", report.ids)[0]
            .decode()
        )
        self.assertIn('<td class="o_relance_payer_score"><span>B</span></td>', html)
        both = self.company | self.other
        self.env.user.company_ids = [Command.link(self.other.id)]
        (row,) = aged.with_context(allowed_company_ids=both.ids).compute(
            TODAY, company_ids=both.ids, partner_ids=self.customer.ids
        )
        self.assertEqual(row["payer_score"], f"B ({self.company.name}) / D ({self.other.name})")
