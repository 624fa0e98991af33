"""The demo generator (relance_avancee/demo/relance_demo.xml calls it when setup/run.sh
installs the addons with demo data): dates follow the install day."""

from datetime import timedelta

from odoo import fields
from odoo.tests import TransactionCase

from odoo.addons.relance_avancee.models.relance_demo import AMOUNTS, CUSTOMERS

from .common import RelanceTagged, requires_addons


class TestDemoData(RelanceTagged, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # French loaded, as setup/run.sh does: the demo speaks French.
        cls.env["res.lang"]._activate_lang("fr_FR")
        cls.fr_installed = bool(
            cls.env["ir.module.module"].search_count(
                [("name", "=", "l10n_fr"), ("state", "=", "installed")]
            )
        )
        cls.current_company = cls.env.company
        cls.admin_company = cls.env.ref("base.user_admin").company_id
        cls.company = cls.env["relance.demo"]._generate()
        # Read the customers' figures in the demo's company (with l10n_fr, a new French
        # company; dunning figures and blocks are per company).
        cls.env = cls.env(context=dict(cls.env.context, allowed_company_ids=cls.company.ids))
        cls.today = fields.Date.context_today(cls.env["relance.demo"])
        cls.customers = cls.env["res.partner"].search(
            [("name", "in", [name for name, *_rest in CUSTOMERS]), ("is_company", "=", True)]
        )
        all_invoices = cls.env["account.move"].search(
            [
                ("partner_id", "in", cls.customers.ids),
                ("move_type", "=", "out_invoice"),
                ("company_id", "=", cls.company.id),
            ]
        )
        # The replayed formal notices charged penalty invoices: not the demo's sales.
        cls.penalty_invoices = (
            cls.env["relance.penalty"].search([("company_id", "=", cls.company.id)]).penalty_move_id
        )
        cls.invoices = all_invoices - cls.penalty_invoices

    def test_company_french_or_current(self):
        if self.fr_installed:
            self.assertEqual(self.company.country_id.code, "FR")
            self.assertEqual(self.company.currency_id.name, "EUR")
            self.assertEqual(self.company.chart_template, "fr")
        else:
            # Without the French chart, the demo lives in the current company.
            self.assertEqual(self.company, self.current_company)
            self.assertTrue(self.company.chart_template)
        self.assertEqual(self.invoices.company_id, self.company)

    def test_forty_customers_in_the_five_typologies(self):
        self.assertEqual(len(self.customers), 40)
        typologies = self.customers.relance_typology_id
        expected = self.env["relance.typology"].browse(
            [
                self.env.ref(f"relance_avancee.relance_typology_{code}").id
                for code in ("risk", "public", "key_account", "small_sme", "safe")
            ]
        )
        self.assertEqual(typologies, expected)
        public_typology = self.env.ref("relance_avancee.relance_typology_public")
        public = self.customers.filtered(lambda p: p.relance_typology_id == public_typology)
        self.assertEqual(len(public), 5)
        self.assertIn("Mairie de Villeneuve", public.mapped("name"))
        # Some customers have no email: letters and calls are needed for them.
        self.assertEqual(len(self.customers.filtered(lambda p: not p.email)), 4)
        self.assertEqual(set(self.customers.mapped("lang")), {"fr_FR"})

    def test_posted_invoices_due_from_150_days_late_to_30_days_ahead(self):
        self.assertTrue(250 <= len(self.invoices) <= 350, len(self.invoices))
        self.assertEqual(set(self.invoices.mapped("state")), {"posted"})
        due_dates = self.invoices.mapped("invoice_date_due")
        self.assertGreaterEqual(min(due_dates), self.today - timedelta(days=150))
        self.assertLessEqual(max(due_dates), self.today + timedelta(days=30))
        self.assertTrue(any(day < self.today - timedelta(days=60) for day in due_dates))
        self.assertTrue(any(day > self.today for day in due_dates), "some not yet due")
        for invoice in self.invoices[:20]:
            self.assertEqual(invoice.invoice_date, invoice.invoice_date_due - timedelta(days=30))

    def test_amounts_follow_the_typology(self):
        for customer in self.customers:
            xmlid = customer.relance_typology_id.get_external_id()[customer.relance_typology_id.id]
            low, high = AMOUNTS[xmlid.split(".")[1]]
            for invoice in self.invoices.filtered(lambda inv, c=customer: inv.partner_id == c):
                self.assertTrue(low <= invoice.amount_untaxed <= high, invoice.amount_untaxed)

    def test_payments_partial_full_and_credit_notes(self):
        states = self.invoices.mapped("payment_state")
        partial = self.invoices.filtered(lambda inv: inv.payment_state == "partial")
        self.assertTrue(partial, "some invoices are partly paid")
        for invoice in partial:
            self.assertTrue(0 < invoice.amount_residual < invoice.amount_total)
        self.assertTrue({"paid", "in_payment"} & set(states), "some are paid in full")
        self.assertIn("not_paid", states)
        credit_notes = self.env["account.move"].search(
            [("move_type", "=", "out_refund"), ("reversed_entry_id", "in", self.invoices.ids)]
        )
        self.assertTrue(credit_notes)
        for credit_note in credit_notes:
            self.assertEqual(credit_note.state, "posted")
            # A 10 % commercial gesture, not a full refund.
            self.assertLess(credit_note.amount_total, credit_note.reversed_entry_id.amount_total)
        overdue = self.customers.filtered(lambda p: p.relance_overdue_amount > 0)
        self.assertTrue(len(overdue) >= 20, "the worklist has customers to remind")

    def test_users_collector_and_sales(self):
        users = self.env["res.users"]
        collector = users.search([("login", "=", "collector")])
        sales = users.search([("login", "=", "sales")])
        self.assertTrue(collector.has_group("relance_avancee.group_relance_user"))
        self.assertFalse(collector.has_group("relance_avancee.group_relance_manager"))
        self.assertTrue(sales.has_group("sales_team.group_sale_salesman"))
        self.assertFalse(sales.has_group("relance_avancee.group_relance_user"))
        self.assertEqual(collector.company_id, self.company)
        self.assertEqual(collector.lang, "fr_FR")
        # Two customers in three are the collector's, the others the admin's.
        mine = self.customers.filtered(lambda p: p.relance_collector_id == collector)
        self.assertEqual(len(mine), 26)
        self.assertEqual(set(self.customers.user_id), {sales})

    def test_admin_sees_the_demo_in_french(self):
        self.assertEqual(self.env.ref("base.user_admin").lang, "fr_FR")

    def test_a_blocked_customer_with_a_quotation(self):
        quotation = self.env["sale.order"].search([("partner_id", "in", self.customers.ids)])
        self.assertEqual(len(quotation), 1)
        self.assertEqual(quotation.state, "draft")
        blocked = quotation.partner_id
        self.assertTrue(blocked.relance_blocked)
        self.assertEqual(
            blocked.relance_typology_id, self.env.ref("relance_avancee.relance_typology_risk")
        )
        self.assertGreater(blocked.relance_overdue_amount, 0)
        # The replayed formal notices blocked others too, not everyone.
        others = self.customers.filtered("relance_blocked") - blocked
        self.assertTrue(others)
        self.assertLess(len(others), 20)

    # --- the engine replayed over the past: a living demo ---------------------------

    def _history(self, domain=()):
        return self.env["relance.history"].search([("company_id", "=", self.company.id), *domain])

    def test_runs_replayed_every_week_then_today(self):
        runs = self.env["relance.run"].search([("company_id", "=", self.company.id)])
        expected = {self.today - timedelta(days=offset) for offset in range(119, 0, -7)}
        expected.add(self.today)
        # 17 weekly runs from 119 to 7 days ago, and today's.
        self.assertEqual(set(runs.mapped("date")), expected)
        self.assertEqual(len(runs), 18)

    def test_customers_have_climbed_levels(self):
        leveled = self.invoices.filtered("relance_level_id")
        self.assertTrue(leveled, "some invoices have a dunning level")
        self.assertGreaterEqual(len(leveled.partner_id), 10)
        # Crescendo over the weeks: some invoices went past their first level.
        first_levels = {
            plan.level_ids.sorted("sequence")[:1].id for plan in self.env["relance.plan"].search([])
        }
        self.assertTrue(any(level.id not in first_levels for level in leveled.relance_level_id))
        for invoice in leveled:
            self.assertLessEqual(invoice.relance_last_date, self.today)

    def test_emails_done_and_never_sent(self):
        emails = self._history([("channel", "=", "email"), ("state", "=", "done")])
        self.assertTrue(emails)
        self.assertEqual(set(emails.mapped("outcome")), {"sent"})
        # Dated on the day of their run, in the past.
        self.assertTrue(any(entry.date < self.today for entry in emails))
        for entry in emails.filtered("message_id")[:10]:
            self.assertEqual(entry.message_id.date.date(), entry.date)
        # The demo sends nothing: its queued emails are cancelled.
        mails = emails.message_id.mail_ids
        self.assertTrue(mails)
        self.assertEqual(set(mails.mapped("state")), {"cancel"})
        # Nor does it try to: no collection-call assignment email either.
        self.assertFalse(
            self.env["mail.mail"].search(
                [("model", "=", "res.partner"), ("state", "in", ("outgoing", "exception", "sent"))]
            )
        )
        # The shipped email levels attach no reminder PDF: no email waits for one (the
        # letters and formal notices wait for the next daily run).
        self.assertFalse(any(emails.mapped("document_state")))

    def test_collection_calls_for_the_collector_and_promises(self):
        collector = self.env["res.users"].search([("login", "=", "collector")])
        calls = self._history(
            [("channel", "=", "phone"), ("state", "=", "planned"), ("user_id", "=", collector.id)]
        )
        self.assertTrue(calls, "the collector has calls to make")
        activities = calls.activity_id
        self.assertTrue(activities)
        self.assertEqual(set(activities.mapped("user_id")), {collector})
        self.assertEqual(
            activities.activity_type_id,
            self.env.ref("relance_avancee.mail_activity_type_relance_call"),
        )
        promises = self._history([("outcome", "=", "promise"), ("state", "=", "done")])
        self.assertTrue(promises, "some calls ended in a promise to pay")
        for promise in promises:
            self.assertTrue(3 <= (promise.promise_date - promise.date).days <= 14)
            self.assertGreater(promise.promise_amount, 0)
            # The promise pauses the invoices it names, as the call outcome wizard does.
            self.assertTrue(all(promise.move_ids.mapped("relance_promise_date")))
        # Past calls were all closed: only the latest run's calls remain open.
        self.assertFalse(
            self._history(
                [
                    ("channel", "=", "phone"),
                    ("state", "=", "planned"),
                    ("date", "<", self.today - timedelta(days=7)),
                ]
            )
        )

    def test_formal_notices_charged_penalties(self):
        notices = self._history([("channel", "=", "formal_notice"), ("state", "=", "done")])
        self.assertTrue(notices)
        self.assertTrue(self.penalty_invoices)
        # Dated on their formal notice's day, posted only when the company asks so.
        expected_state = "posted" if self.company.relance_penalty_post else "draft"
        self.assertEqual(set(self.penalty_invoices.mapped("state")), {expected_state})
        self.assertLess(min(self.penalty_invoices.mapped("invoice_date")), self.today)
        self.assertLessEqual(self.penalty_invoices.partner_id, notices.partner_id)

    def test_litigation_waits_for_the_manager(self):
        litigations = self._history([("channel", "=", "litigation")])
        self.assertEqual(set(litigations.mapped("state")) - {"planned"}, set())
        self.assertTrue(all(litigations.mapped("to_validate")))

    def test_todays_run_again_creates_nothing(self):
        before = self._history()
        run = self.env["relance.run"]._get_or_create(self.company, self.today)
        self.assertEqual(run.state, "done", "documents left to the next daily run")
        run.with_company(self.company).action_run()
        self.assertEqual(self._history(), before)
        self.assertEqual(run.state, "done")

    # --- #17.13: the demo stays in its company, through the run's public methods ------

    def test_admin_keeps_his_company(self):
        admin = self.env.ref("base.user_admin")
        self.assertEqual(admin.company_id, self.admin_company)
        self.assertIn(self.company, admin.company_ids)

    # --- #18: believable figures on the day of install ---------------------------------

    def test_every_run_done_documents_pending_for_the_daily_run(self):
        runs = self.env["relance.run"].search([("company_id", "=", self.company.id)])
        self.assertEqual(set(runs.mapped("state")), {"done"}, "no run looks stuck")
        pending = self._history([("document_state", "=", "pending")])
        self.assertTrue(pending)
        # The run says its documents wait for the next daily run...
        self.assertIn("next daily run", pending.run_id[:1].with_context(lang="en_US").summary)
        # ...which renders them (HTML in tests, like Odoo's reports).
        for _call in range(20):  # the cron calls again while work remains
            if not self.env["relance.run"]._cron_daily_run():
                break
        self.assertFalse(self._history([("document_state", "=", "pending")]))
        self.assertEqual(set(runs.mapped("state")), {"done"})

    def _board(self):
        action = (
            self.env["relance.kpi.dashboard"].with_company(self.company).action_open_dashboard()
        )
        return self.env["relance.kpi.dashboard"].browse(action["res_id"])

    @requires_addons("relance_avancee_reports")
    def test_kpis_believable_on_the_day_of_install(self):
        kpi = self.env["relance.kpi"]
        start = self.today - timedelta(days=119)
        self.assertGreater(kpi._cei(self.today - timedelta(days=89), self.today, self.company), 0)
        self.assertGreater(kpi._dso(self.today, self.company), 0)
        self.assertGreater(kpi._average_days_delinquent(self.today, self.company), 0)
        kept, broken, pending = kpi._promises(start, self.today, self.company)
        self.assertGreater(broken, 0, "some promises are broken")
        self.assertGreater(kept, broken, "most promises are kept")
        # Calls get paid far more often than letters, emails in between.
        channels = kpi._effectiveness(start, self.today, self.company)
        self.assertGreater(channels["phone"]["share_30"], channels["letter"]["share_30"])
        self.assertGreater(channels["email"]["share_30"], channels["letter"]["share_30"])
        self.assertGreater(channels["letter"]["share_30"], 0)

    @requires_addons("relance_avancee_reports")
    def test_kpi_dashboard_opens_with_its_figures(self):
        board = self._board()
        self.assertEqual(board.company_id, self.company)
        self.assertGreater(board.cei, 0)
        self.assertGreater(board.promises_kept, board.promises_broken)
        lines = board.effect_line_ids.filtered(lambda line: line.group_by == "channel")
        share = {line.channel: line.share_30 for line in lines}
        self.assertGreater(share["phone"], share["letter"])
        # The chart: cash collected after reminders, per channel and week.
        collected = board.collect_line_ids
        self.assertTrue(collected)
        self.assertIn("phone", collected.mapped("channel"))
        self.assertTrue(all(line.week.weekday() == 0 for line in collected))
        self.assertTrue(all(line.amount > 0 for line in collected))

    def test_a_customer_in_difficulty_and_disputes(self):
        insolvent = self.customers.filtered("relance_insolvency_date")
        self.assertEqual(len(insolvent), 1)
        self.assertEqual(insolvent.relance_insolvency_date, self.today - timedelta(days=21))
        disputes = self._history([("outcome", "=", "dispute")])
        self.assertTrue(disputes, "some calls ended in a dispute")

    def test_calls_say_why_customers_pay_late(self):
        """The demo's calls record the reasons customers give, as collectors do, and
        the analysis of why customers pay late adds them up by process."""
        calls = self._history([("channel", "=", "phone"), ("state", "=", "done")])
        reasons = set(calls.mapped("late_reason")) - {False}
        self.assertGreaterEqual(len(reasons), 3, reasons)
        self.assertFalse(calls.filtered(lambda c: c.outcome == "no_answer" and c.late_reason))
        rows = self.env["relance.late.payment.analysis"].search(
            [("company_id", "=", self.company.id), ("source", "=", "call")]
        )
        counted = calls.filtered("late_reason")
        if "relance.dispute" in self.env:  # a call's dispute counts as the dispute
            counted = counted.filtered(lambda call: call.outcome != "dispute")
        self.assertEqual(sum(rows.mapped("occurrences")), len(counted))
        self.assertGreaterEqual(len(set(rows.mapped("process"))), 3)

    def test_einvoicing_statuses(self):
        """The platform's statuses: invoices deposited then made available the next day
        (when the buyer got them), one refused with its reason, one payment sent."""
        statuses = self.env["relance.einvoice.status"].search(
            [("company_id", "=", self.company.id)]
        )
        self.assertEqual(set(statuses.mapped("source")), {"demo"})
        self.assertFalse(statuses.filtered(lambda s: s.date > fields.Datetime.now()))
        refused = statuses.filtered(lambda s: s.status == "refused")
        self.assertEqual(len(refused), 1)
        self.assertEqual(refused.partner_id.name, "Groupe Batimax")
        self.assertEqual((refused.status_code, refused.reason_code), ("210", "CMD_ERR"))
        self.assertEqual(refused.move_id.relance_einvoice_status, "refused")
        paid = statuses.filtered(lambda s: s.status == "payment_sent")
        self.assertEqual(len(paid), 1)
        public = self.env.ref("relance_avancee.relance_typology_public")
        self.assertEqual(paid.partner_id.relance_typology_id, public)
        self.assertEqual(paid.payment_date, self.today - timedelta(days=2))
        self.assertGreater(paid.amount, 0)
        for made in statuses.filtered(lambda s: s.status == "made_available"):
            deposited = statuses.filtered(
                lambda s, made=made: s.move_id == made.move_id and s.status == "deposited"
            )
            self.assertEqual(made.date - deposited.date, timedelta(days=1))
            self.assertEqual(deposited.date.date(), made.move_id.invoice_date)
