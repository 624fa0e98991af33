from datetime import date
from unittest.mock import patch

import psycopg2
from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.sql_db import db_connect
from odoo.tests.common import get_db_name
from odoo.tools import mute_logger

from .common import RelanceCase


class TestCrashSafeRun(RelanceCase):
    """A run executes in batches; an interruption resumes without duplicates."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customers = cls.env["res.partner"].create(
            [
                {
                    "name": f"Customer {index}",
                    "email": f"c{index}@example.com",
                    "relance_plan_id": cls.standard_plan.id,
                }
                for index in range(5)
            ]
        )
        for customer in cls.customers:
            cls.make_invoice(customer, "2026-01-31", 100.0)

    def _mails_per_customer(self):
        return {
            customer: len(self._new_mails.filtered(lambda m, c=customer: c in m.recipient_ids))
            for customer in self.customers
        }

    def test_interrupted_run_resumes_without_sending_twice(self):
        run = self.env["relance.run"]._get_or_create(self.company, date(2026, 2, 1))
        with self.mock_mail_gateway():
            remaining = run._run(batch_size=2, max_batches=1)
            self.assertEqual(remaining, 3, "the 'crash' leaves three customers to do")
            self.assertEqual(run.state, "running")
            self.assertEqual(len(run.history_ids), 5, "all planned before executing")
            self.assertEqual(len(run.history_ids.filtered("executed")), 2)
            self.assertEqual(run._run(batch_size=2), 0)
            run._run(batch_size=2)
        self.assertEqual(run.state, "done")
        self.assertEqual(len(run.history_ids), 5)
        self.assertEqual(set(self._mails_per_customer().values()), {1})

    def test_one_customers_failure_does_not_stop_the_others(self):
        broken = self.customers[0]
        broken.write({"email": False, "street": False, "city": False, "zip": False})
        with self.mock_mail_gateway():
            run = self.run_on(date(2026, 2, 1))
        failed = run.history_ids.filtered(lambda h: h.state == "failed")
        self.assertEqual(failed.partner_id, broken)
        self.assertEqual(len(run.history_ids.filtered(lambda h: h.state == "done")), 4)
        self.assertEqual(run.count_failed, 1)
        # Fixed, the customer is retried by the next run; nobody else gets a second email.
        broken.email = "fixed@example.com"
        with self.mock_mail_gateway():
            again = self.run_on(date(2026, 2, 2))
        self.assertEqual(again.history_ids.partner_id, broken)
        self.assertEqual(again.history_ids.state, "done")

    def test_template_that_fails_to_render_fails_alone(self):
        template = self.standard_plan.level_ids.sorted("sequence")[0].mail_template_id
        template.sudo().subject = "{{ object.partner_id.name.missing_attribute }}"
        with self.mock_mail_gateway():
            run = self.run_on(date(2026, 2, 1))
        self.assertEqual(set(run.history_ids.mapped("state")), {"failed"})
        self.assertTrue(all(h.error for h in run.history_ids))
        self.assertFalse(self.customers.mapped("relance_level_id"), "nothing advanced")

    def test_two_runs_of_a_company_cannot_execute_together(self):
        run = self.env["relance.run"]._get_or_create(self.company, date(2026, 2, 1))
        key = run._lock_key(self.company)
        other = db_connect(get_db_name()).cursor()
        try:
            with run._lock():
                other.execute("SELECT pg_try_advisory_lock(%s)", [key])
                self.assertFalse(other.fetchone()[0], "locked while the first run works")
            other.execute("SELECT pg_try_advisory_lock(%s)", [key])
            self.assertTrue(other.fetchone()[0], "free once it is done")
            with self.assertRaisesRegex(UserError, "already in progress"):
                run.action_run()
            other.execute("SELECT pg_advisory_unlock(%s)", [key])
        finally:
            other.close()

    def test_template_failing_for_one_customer_fails_alone_and_is_retried(self):
        """The subject needs the customer's reference: only Customer 0 has none."""
        template = self.standard_plan.level_ids.sorted("sequence")[0].mail_template_id
        template.sudo().subject = "Reminder {{ object.partner_id.ref.upper() }}"
        broken = self.customers[0]
        for index, customer in enumerate(self.customers[1:], start=1):
            customer.ref = f"c{index}"
        with self.mock_mail_gateway():
            run = self.run_on(date(2026, 2, 1))
        failed = run.history_ids.filtered(lambda h: h.state == "failed")
        self.assertEqual(failed.partner_id, broken)
        self.assertTrue(failed.error)
        self.assertEqual(len(run.history_ids.filtered(lambda h: h.state == "done")), 4)
        self.assertEqual(self._mails_per_customer(), {c: int(c != broken) for c in self.customers})
        self.assertFalse(broken.invoice_ids.relance_level_id, "the failed one did not advance")
        self.assertIn("Reminder C1", self._new_mails.mapped("subject"))
        broken.ref = "c0"
        with self.mock_mail_gateway():
            again = self.run_on(date(2026, 2, 2))
        self.assertRecordValues(again.history_ids, [{"partner_id": broken.id, "state": "done"}])
        self.assertEqual(self._mails_per_customer(), {c: int(c == broken) for c in self.customers})
        self.assertEqual(self._new_mails.subject, "Reminder C0")

    def test_lock_is_released_after_a_failure_inside_the_run(self):
        """An SQL error aborts the run's transaction: the lock must not stay behind."""
        run = self.env["relance.run"]._get_or_create(self.company, date(2026, 2, 1))
        key = run._lock_key(self.company)
        with (
            self.assertRaises(psycopg2.errors.DivisionByZero),
            mute_logger("odoo.sql_db"),
            self.env.cr.savepoint(),
            run._lock(),
        ):
            self.env.cr.execute("SELECT 1 / 0")
        other = db_connect(get_db_name()).cursor()
        try:
            other.execute("SELECT pg_try_advisory_lock(%s)", [key])
            self.assertTrue(other.fetchone()[0], "another worker can run the company")
            other.execute("SELECT pg_advisory_unlock(%s)", [key])
        finally:
            other.close()
        with self.mock_mail_gateway():
            run.action_run()
        self.assertEqual(run.state, "done")
        self.assertEqual(len(run.history_ids), 5)

    @freeze_time("2026-02-10")
    def test_cron_closes_a_stale_run_of_an_earlier_day(self):
        """The run of 8 Feb crashed after two customers: on 10 Feb the other three are
        reminded by today's run, nobody twice, and the old run is closed."""
        stale = self.env["relance.run"]._get_or_create(self.company, date(2026, 2, 8))
        with self.mock_mail_gateway():
            self.assertEqual(stale._run(batch_size=2, max_batches=1), 3)
            self.assertEqual(self.env["relance.run"]._cron_daily_run(), 0)
        self.assertEqual(stale.state, "done")
        self.assertEqual(
            sorted(stale.history_ids.mapped("state")), ["cancelled"] * 3 + ["done"] * 2
        )
        today = self.env["relance.run"].search(
            [("company_id", "=", self.company.id), ("date", "=", date(2026, 2, 10))]
        )
        self.assertEqual(today.state, "done")
        self.assertEqual(today.history_ids.partner_id, self.customers[2:])
        self.assertEqual(set(today.history_ids.mapped("state")), {"done"})
        self.assertEqual(set(self._mails_per_customer().values()), {1})

    @freeze_time("2026-02-10")
    def test_one_companys_failure_does_not_stop_the_others(self):
        other = self.setup_other_company()["company"]
        other_invoice = self.make_invoice(self.customer, "2026-01-31", 300.0, company=other)
        run_model = type(self.env["relance.run"])
        original_plan = run_model._plan

        def plan_then_fail(run):
            original_plan(run)
            if run.company_id == self.company:
                raise RuntimeError("disk full")

        with (
            patch.object(run_model, "_plan", plan_then_fail),
            self.mock_mail_gateway(),
            mute_logger("odoo.addons.relance_avancee.models.relance_run"),
        ):
            self.env["relance.run"]._cron_daily_run()
        self.assertFalse(
            self.env["relance.history"].search([("company_id", "=", self.company.id)]),
            "the failed company's work is rolled back",
        )
        other_run = self.env["relance.run"].search([("company_id", "=", other.id)])
        self.assertEqual(other_run.state, "done")
        self.assertRecordValues(other_run.history_ids, [{"state": "done", "amount_due": 300.0}])
        self.assertEqual(other_run.history_ids.move_ids, other_invoice)
        # The next call retries the company that failed.
        with self.mock_mail_gateway():
            self.env["relance.run"]._cron_daily_run()
        mine = self.env["relance.run"].search([("company_id", "=", self.company.id)])
        self.assertEqual(mine.state, "done")
        self.assertEqual(len(mine.history_ids), 5)

    @freeze_time("2026-02-10")
    def test_cron_reports_the_progress_of_all_companies_once(self):
        """Company 1: 5 actions and their 5 documents; company 2: 5 of its 7 actions
        (5 batches of one per call): 15 done, 2 remaining, reported once."""
        self.standard_plan.level_ids.filtered(lambda lv: lv.channel == "email").attach_pdf = True
        other = self.setup_other_company()["company"]
        for index in range(7):
            partner = self.env["res.partner"].create(
                {"name": f"Other {index}", "email": f"o{index}@example.com"}
            )
            self.make_invoice(partner, "2026-01-31", 100.0, company=other)
        calls = []
        with (
            patch.object(
                type(self.env["relance.run"]),
                "_notify_cron_progress",
                lambda run, done, remaining: calls.append((done, remaining)),
            ),
            self.mock_mail_gateway(),
        ):
            remaining = self.env["relance.run"]._cron_daily_run(batch_size=1)
        self.assertEqual(remaining, 2)
        self.assertEqual(calls, [(15, 2)])

    def test_cron_reports_progress_and_skips_companies_without_auto_run(self):
        self.company.relance_auto_run = False
        with self.mock_mail_gateway():
            self.env["relance.run"]._cron_daily_run()
        self.assertFalse(self.env["relance.run"].search([("company_id", "=", self.company.id)]))
        self.company.relance_auto_run = True
        with self.mock_mail_gateway():
            remaining = self.env["relance.run"]._cron_daily_run()
        self.assertEqual(remaining, 0)
        run = self.env["relance.run"].search([("company_id", "=", self.company.id)])
        self.assertEqual(run.state, "done")


class TestHostileInput(RelanceCase):
    def test_invoice_cancelled_after_a_reminder_is_not_reminded_again(self):
        invoice = self.make_invoice(self.customer, "2026-01-31", 100.0)
        with self.mock_mail_gateway():
            self.run_on(date(2026, 2, 1))
        invoice.button_draft()
        invoice.button_cancel()
        self.assertFalse(self.run_on(date(2026, 2, 20)).history_ids)
        self.assertTrue(invoice.relance_history_ids, "the trace of the reminder stays")

    def test_credit_note_larger_than_the_invoice(self):
        invoice = self.make_invoice(self.customer, "2026-01-31", 100.0)
        refund = self.init_invoice(
            "out_refund", self.customer, "2026-01-31", amounts=[150.0], taxes=[], post=True
        )
        (invoice.line_ids | refund.line_ids).filtered(
            lambda line: line.account_id.account_type == "asset_receivable"
        ).reconcile()
        self.assertIn(invoice.payment_state, ("paid", "reversed"))
        self.assertFalse(self.run_on(date(2026, 2, 2)).history_ids)
        self.customer.invalidate_recordset()
        self.assertEqual(self.customer.relance_due_amount, -50.0, "the credit is shown")
        self.assertEqual(self.customer.relance_overdue_amount, 0.0)

    def test_customer_merged_into_another_keeps_its_history(self):
        duplicate = self.env["res.partner"].create(
            {
                "name": "Dupont (duplicate)",
                "email": "d@example.com",
                "relance_plan_id": self.standard_plan.id,
            }
        )
        invoice = self.make_invoice(duplicate, "2026-01-31", 100.0)
        with self.mock_mail_gateway():
            entry = self.run_on(date(2026, 2, 1)).history_ids
        wizard = self.env["base.partner.merge.automatic.wizard"].create({})
        wizard._merge((self.customer | duplicate).ids, self.customer)
        self.assertEqual(entry.partner_id, self.customer)
        self.assertEqual(invoice.commercial_partner_id, self.customer)
        with self.mock_mail_gateway():
            follow = self.run_on(date(2026, 2, 9)).history_ids
        self.assertEqual(follow.partner_id, self.customer)
        self.assertEqual(follow.level_id.sequence, 20, "continues where it stopped")

    def test_negative_or_absurd_penalty_settings_refused(self):
        for field_name, value in (
            ("relance_fixed_rate", -1.0),
            ("relance_fixed_rate", 120.0),
            ("relance_penalty_points", -3.0),
            ("relance_public_points", 75.0),
            ("relance_indemnity_amount", -40.0),
            ("relance_indemnity_amount", 40000.0),
        ):
            with (
                self.subTest(field=field_name, value=value),
                self.assertRaisesRegex(ValidationError, "must be between 0 and"),
                self.env.cr.savepoint(),
            ):
                self.company.write({field_name: value})
        self.company.write({"relance_fixed_rate": 12.5, "relance_indemnity_amount": 40.0})
        self.assertEqual(self.company.relance_fixed_rate, 12.5)
        self.assertEqual(self.company.relance_penalty_points, 10.0)

    def test_negative_or_absurd_rate_refused(self):
        for day, rate in (("2030-01-01", -1), ("2030-07-01", 900)):
            with self.assertRaisesRegex(ValidationError, "between 0 and 50"):
                self.env["relance.rate"].create({"kind": "ecb", "date_from": day, "rate": rate})


class TestAccessAndIsolation(RelanceCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.salesman = cls._create_relance_user("iso_sales", ["sales_team.group_sale_salesman"])
        cls.invoice = cls.make_invoice(cls.customer, "2026-01-31", 100.0)

    def _entry(self):
        with self.mock_mail_gateway():
            return self.run_on(date(2026, 2, 1)).history_ids

    def test_collector_cannot_rewrite_or_delete_history(self):
        entry = self._entry().with_user(self.collector)
        self.assertEqual(entry.state, "done")
        with self.assertRaisesRegex(UserError, "cannot be changed"):
            entry.write({"note": "<p>changed</p>"})
        with self.assertRaises(AccessError):
            entry.unlink()

    def test_salesperson_sees_the_overdue_amount_but_not_the_history(self):
        entry = self._entry()
        partner = self.customer.with_user(self.salesman)
        partner.invalidate_recordset()
        self.assertEqual(partner.relance_overdue_amount, 100.0)
        with self.assertRaises(AccessError):
            entry.with_user(self.salesman).read(["note"])
        with self.assertRaises(AccessError):
            self.env["relance.run"].with_user(self.salesman).search([])

    def test_companies_are_isolated(self):
        other = self.setup_other_company()["company"]
        other_user = self._create_relance_user(
            "other_collector", ["relance_avancee.group_relance_user"], company=other
        )
        entry = self._entry()
        run = entry.run_id
        self.assertFalse(
            self.env["relance.history"].with_user(other_user).search([("id", "=", entry.id)])
        )
        self.assertFalse(
            self.env["relance.run"].with_user(other_user).search([("id", "=", run.id)])
        )
        plan = self.env["relance.plan"].create({"name": "Mine only", "company_id": self.company.id})
        self.assertFalse(
            self.env["relance.plan"].with_user(other_user).search([("id", "=", plan.id)])
        )
        self.assertTrue(
            self.env["relance.plan"]
            .with_user(other_user)
            .search([("id", "=", self.standard_plan.id)]),
            "shared default plans stay visible",
        )

    def test_override_group_is_not_given_to_salespeople(self):
        self.assertFalse(self.salesman.has_group("relance_avancee.group_relance_block_override"))
        self.salesman.groups_id = [Command.link(self.env.ref("sales_team.group_sale_manager").id)]
        self.assertFalse(self.salesman.has_group("relance_avancee.group_relance_block_override"))


class TestDocumentsAfterActions(RelanceCase):
    def test_emails_wait_for_their_document_then_leave_with_it(self):
        self.standard_plan.level_ids.sorted("sequence")[0].attach_pdf = True
        invoice = self.make_invoice(self.customer, "2026-01-31", 100.0)
        run = self.env["relance.run"]._get_or_create(self.company, date(2026, 2, 1))
        with self.mock_mail_gateway():
            run._plan()
            run._execute_batches(commit=False, batch_size=200, max_batches=None)
            entry = run.history_ids
            mail = entry.message_id.mail_ids
            self.assertEqual(entry.document_state, "pending")
            self.assertTrue(mail.scheduled_date, "held until the document is attached")
            self.assertFalse(mail.attachment_ids)
            self.assertEqual(invoice.relance_level_id, entry.level_id, "the action is done")
            self.assertEqual(run._render_document_batches(commit=False, max_batches=None), 0)
        self.assertEqual(entry.document_state, "done")
        self.assertFalse(mail.scheduled_date, "released")
        self.assertEqual(mail.attachment_ids, entry.attachment_id)
        self.assertIn(invoice.name, entry.attachment_id.raw.decode())
