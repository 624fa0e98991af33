"""The daily run on queue_job's job workers (relance_avancee_queue_job).

Jobs are trapped with queue_job's own helper (trap_jobs) and performed in the test;
a few tests store them for real to see their identity and their state on the run.
"""

from datetime import date
from unittest.mock import patch

from freezegun import freeze_time

from odoo.exceptions import UserError
from odoo.tests import common as odoo_test_common
from odoo.tools import mute_logger

from .common import RelanceCase

# queue_job's test helpers register themselves in SETATTR_SOURCES, which Odoo 18
# builds older than the queue_job release lack (and do not need).
if not hasattr(odoo_test_common, "SETATTR_SOURCES"):
    odoo_test_common.SETATTR_SOURCES = {}

try:
    from odoo.addons.queue_job.exception import FailedJobError, RetryableJobError
    from odoo.addons.queue_job.job import Job
    from odoo.addons.queue_job.tests.common import trap_jobs
except ImportError:  # queue_job is not installed: these tests are skipped (conftest.py)
    FailedJobError = RetryableJobError = Job = trap_jobs = None

TODAY = date(2026, 2, 10)


@freeze_time("2026-02-10")
class TestRunOnJobs(RelanceCase):
    test_module = "relance_avancee_queue_job"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.relance_queue_job = True
        # The reminders carry their PDF: the documents' jobs have work to do.
        cls.standard_plan.level_ids.filtered(lambda level: level.channel == "email").write(
            {"attach_pdf": True}
        )
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

    def _run_of_today(self):
        return self.env["relance.run"].search(
            [("company_id", "=", self.company.id), ("date", "=", TODAY)]
        )

    def _mails_per_customer(self, customers=None):
        return [
            len(self._new_mails.filtered(lambda m, c=customer: c in m.recipient_ids))
            for customer in customers or self.customers
        ]

    def _customers_of(self, job):
        return self.env["res.partner"].browse(job.args[0])

    def _cron(self, trap):
        """The daily cron with two customers per planning job; its payer scores' and
        typology rules' jobs performed, returns today's run and its trapped planning
        jobs, in the order of their customers."""
        self.assertEqual(self.env["relance.run"]._cron_daily_run(batch_size=2), 0)
        run = self._run_of_today()
        trap.assert_jobs_count(1, only=run._relance_job_typologies)
        trap.assert_jobs_count(0, only=run._relance_job_plan)
        trap.perform_enqueued_jobs()
        jobs = trap._filtered_enqueued_jobs(run._relance_job_plan)
        return run, sorted(jobs, key=lambda job: job.args[0][0])

    def _entries(self, run):
        """What a run decided, comparable between two runs of the same data."""
        return sorted(
            (
                entry.partner_id.id,
                entry.level_id.id,
                entry.channel,
                tuple(sorted(entry.move_ids.ids)),
                tuple(
                    sorted(
                        (line.move_id.id, line.level_id.id, line.amount) for line in entry.line_ids
                    )
                ),
                entry.amount_due,
                entry.state,
                entry.executed,
                entry.to_validate,
                entry.document_state,
            )
            for entry in run.history_ids
        )

    def test_cron_grades_in_jobs_then_applies_the_typology_rules(self):
        self.company.relance_typology_rules_in_run = True
        with trap_jobs() as trap:
            self.env["relance.run"]._cron_daily_run(batch_size=2)
            run = self._run_of_today()
            self.assertEqual(run.state, "running")
            # Five customers to grade, ten per job (five times the planning's batch).
            trap.assert_enqueued_job(
                run._relance_job_payer_scores,
                args=(self.customers.ids,),
                properties={"channel": "root.relance", "max_retries": 5},
            )
            trap.assert_enqueued_job(run._relance_job_typologies, args=(2,))
            self.assertEqual(
                len({job.graph_uuid for job in trap.enqueued_jobs}),
                1,
                "one graph: the typology rules wait for the payer scores",
            )
            self.assertFalse(any(self.customers.sudo().mapped("relance_payer_score_date")))
            rules = type(self.env["relance.typology.rule"])
            with patch.object(rules, "_relance_apply_rules", autospec=True) as apply_rules:
                trap.perform_enqueued_jobs()
            apply_rules.assert_called_once()
            self.assertEqual(set(self.customers.sudo().mapped("relance_payer_score_date")), {TODAY})
            self.assertTrue(all(self.customers.sudo().mapped("relance_payer_score")))
            trap.assert_jobs_count(3, only=run._relance_job_plan)
            trap.assert_jobs_count(1, only=run._relance_job_documents)

    def test_cron_plans_then_jobs_carry_out_render_and_close(self):
        with trap_jobs() as trap, self.mock_mail_gateway():
            run, jobs = self._cron(trap)
            self.assertEqual(run.state, "running")
            self.assertFalse(run.history_ids, "the cron plans no customer: the jobs do")
            self.assertFalse(self._new_mails)
            # One job per two customers holding candidate invoices.
            self.assertEqual(
                [job.args[0] for job in jobs],
                [self.customers[:2].ids, self.customers[2:4].ids, self.customers[4:].ids],
            )
            trap.assert_enqueued_job(
                run._relance_job_plan,
                args=(self.customers[:2].ids,),
                properties={"channel": "root.relance", "max_retries": 5},
            )
            trap.assert_jobs_count(3, only=run._relance_job_plan)
            trap.assert_jobs_count(0, only=run._relance_job_execute)
            trap.assert_jobs_count(1, only=run._relance_job_documents)
            self.assertEqual(
                len({job.graph_uuid for job in trap.enqueued_jobs}),
                1,
                "one graph: the documents' job waits for the planning jobs",
            )
            self.assertTrue(jobs[0].identity_key.startswith(f"relance.run-{run.id}-plan-"))
            self.assertEqual(len({job.identity_key for job in jobs}), 3, "one key per batch")

            trap.perform_enqueued_jobs()
            self.assertEqual(len(run.history_ids), 5, "planned by the jobs")
            self.assertTrue(all(run.history_ids.mapped("executed")))
            self.assertEqual(set(run.history_ids.mapped("document_state")), {"pending"})
            self.assertEqual(run.state, "running", "documents are still to render")
            # The documents' job enqueued one job for the 5 documents, then the closing.
            trap.assert_jobs_count(1, only=run._relance_job_render)
            trap.assert_jobs_count(1, only=run._relance_job_close)

            trap.perform_enqueued_jobs()
        self.assertEqual(set(run.history_ids.mapped("document_state")), {"done"})
        self.assertEqual(set(run.history_ids.mapped("state")), {"done"})
        self.assertEqual(run.state, "done", "closed by the last job")
        self.assertEqual(self._mails_per_customer(), [1] * 5)

    def test_a_job_performed_twice_plans_and_sends_nothing_twice(self):
        with trap_jobs() as trap, self.mock_mail_gateway():
            run, jobs = self._cron(trap)
            first = jobs[0]
            self.assertIn("2 actions planned, 2 of 2 carried out", first.perform())
            self.assertEqual(run.history_ids.partner_id, self._customers_of(first))
            again = run._relance_job_plan(first.args[0])
            self.assertIn("0 actions planned, 0 of 0 carried out", again)
            self.assertEqual(len(run.history_ids), 2)
            # Every job performed twice (a duplicate, a retry after its work was done).
            for job in jobs:
                job.perform()
            for job in jobs:
                job.perform()
        self.assertEqual(self._mails_per_customer(), [1] * 5)
        self.assertEqual(len(run.history_ids), 5)

    def test_same_batch_is_enqueued_once_and_the_cron_leaves_the_run_to_its_jobs(self):
        with self.mock_mail_gateway():
            self.env["relance.run"]._cron_daily_run(batch_size=2)
            run = self._run_of_today()
            jobs = self.env["queue.job"].sudo().search([("relance_run_id", "=", run.id)])
            self.assertEqual(
                sorted(jobs.mapped("method_name")),
                ["_relance_job_payer_scores", "_relance_job_typologies"],
            )
            self.assertEqual(set(jobs.mapped("channel")), {"root.relance"})
            self.assertEqual(run.job_count, 2)
            self.assertEqual(run.job_message, "Jobs waiting or running on the job workers: 2.")
            # Enqueued again (a cron called again for another company): the same jobs.
            run._relance_enqueue_payer_scores(batch_size=2)
            self.env["relance.run"]._cron_daily_run(batch_size=2)
        self.assertEqual(
            self.env["queue.job"].sudo().search([("relance_run_id", "=", run.id)]),
            jobs,
            "no duplicate",
        )
        self.assertEqual(run.state, "running")
        self.assertFalse(run.history_ids)
        # While its planning jobs wait, the run is not started by hand as well.
        with self.assertRaisesRegex(UserError, "being planned by the job workers"):
            run.action_run()

    def test_failure_is_retried_with_backoff_then_shows_on_the_run(self):
        executor = type(self.env["relance.executor"])
        with trap_jobs() as trap, self.mock_mail_gateway():
            run, jobs = self._cron(trap)
            job = jobs[0]
            with (
                patch.object(executor, "_execute", side_effect=RuntimeError("connection lost")),
                mute_logger("odoo.addons.relance_avancee_queue_job.models.relance_run"),
            ):
                with self.assertRaises(RetryableJobError):
                    job.perform()
                self.assertEqual(job._get_retry_seconds(), 60, "tried again in a minute")
                with self.assertRaises(RetryableJobError):
                    job.perform()
                self.assertEqual(job._get_retry_seconds(), 300, "then in five minutes")
                job.retry = 4
                with self.assertRaises(FailedJobError):
                    job.perform()
            self.assertFalse(run.history_ids, "rolled back with the job's transaction")
            job.perform()  # requeued by an administrator once the cause is fixed
        done = self._customers_of(job)
        self.assertEqual(run.history_ids.filtered("executed").partner_id, done)
        self.assertEqual(self._mails_per_customer(done), [1, 1])
        self.assertEqual(self._mails_per_customer(self.customers - done), [0, 0, 0])

    def test_failed_job_shows_on_the_run_which_stays_running(self):
        with self.mock_mail_gateway():
            self.env["relance.run"]._cron_daily_run(batch_size=2)
        run = self._run_of_today()
        jobs = self.env["queue.job"].sudo().search([("relance_run_id", "=", run.id)])
        jobs.filtered(lambda j: j.method_name == "_relance_job_payer_scores").write(
            {"state": "failed", "exc_info": "connection lost"}
        )
        self.assertEqual(run.job_failed_count, 1)
        self.assertIn("Jobs failed after their retries: 1.", run.job_message)
        self.assertEqual(run.state, "running")
        with self.mock_mail_gateway():
            self.env["relance.run"]._cron_daily_run(batch_size=2)
        self.assertEqual(
            self.env["queue.job"].sudo().search([("relance_run_id", "=", run.id)]),
            jobs,
            "the cron waits for the failed job to be requeued",
        )

    def _perform_stored(self, records):
        """Perform stored jobs as the job runner would, done once performed."""
        for record in records:
            job = Job.load(self.env, record.uuid)
            job.perform()
            job.set_done()
            job.store()

    def test_failed_planning_job_shows_on_the_run_which_stays_running(self):
        with self.mock_mail_gateway():
            self.env["relance.run"]._cron_daily_run(batch_size=2)
            run = self._run_of_today()
            queue = self.env["queue.job"].sudo()
            self._perform_stored(queue.search([("relance_run_id", "=", run.id)], order="id"))
            plans = queue.search(
                [("relance_run_id", "=", run.id), ("method_name", "=", "_relance_job_plan")],
                order="id",
            )
            self.assertEqual(len(plans), 3)
            documents = queue.search(
                [("relance_run_id", "=", run.id), ("method_name", "=", "_relance_job_documents")]
            )
            self.assertEqual(documents.state, "wait_dependencies")
            # queue_job stores a group's jobs in no set order: the failed job is one
            # of the two plans of two customers, whichever was stored first.
            failed = plans.filtered(lambda plan: len(plan.args[0]) == 2)[0]
            failed.write({"state": "failed", "exc_info": "connection lost"})
            self._perform_stored(plans - failed)
            self.assertEqual(run.job_failed_count, 1)
            self.assertIn("Jobs failed after their retries: 1.", run.job_message)
            self.assertEqual(run.state, "running")
            self.assertEqual(documents.state, "wait_dependencies", "waits for every plan")
            jobs = queue.search([("relance_run_id", "=", run.id)])
            self.env["relance.run"]._cron_daily_run(batch_size=2)
            self.assertEqual(queue.search([("relance_run_id", "=", run.id)]), jobs)
        unplanned = self.customers.browse(failed.args[0])
        self.assertEqual(len(unplanned), 2)
        self.assertEqual(run.history_ids.partner_id, self.customers - unplanned)
        self.assertEqual(self._mails_per_customer(unplanned), [0, 0])
        self.assertEqual(self._mails_per_customer(self.customers - unplanned), [1, 1, 1])

    def test_closing_enqueues_what_is_left_and_waits_for_the_lock(self):
        with trap_jobs() as trap, self.mock_mail_gateway():
            run, jobs = self._cron(trap)
            jobs[0].perform()
            # Actions planned but not carried out (planned by an earlier call of the
            # day): the closing enqueues them.
            left = run._plan_customers(self._customers_of(jobs[1]))
            run._relance_job_close()
            self.assertEqual(run.state, "running")
            self.assertEqual(trap.jobs_count(only=run._relance_job_execute), 1)
            trap.assert_enqueued_job(run._relance_job_execute, args=(left.ids,))
            # The run's lock is held (a run started by hand): the closing tries later.
            with (
                run._lock(),
                mute_logger("odoo.addons.relance_avancee_queue_job.models.relance_run"),
                self.assertRaises(RetryableJobError),
            ):
                run._relance_job_close()
        done = self._customers_of(jobs[0])
        self.assertEqual(self._mails_per_customer(done), [1, 1])
        self.assertEqual(self._mails_per_customer(self.customers - done), [0, 0, 0])

    def test_run_button_and_companies_without_the_setting_run_at_once(self):
        with trap_jobs() as trap, self.mock_mail_gateway():
            run = self.run_on(TODAY)
            self.assertEqual(run.state, "done")
            trap.assert_jobs_count(0)
        self.assertEqual(self._mails_per_customer(), [1] * 5)

    def test_a_collector_cannot_send_the_crons_context_to_leave_his_run_to_jobs(self):
        """Whether a run goes to the job workers is the server's choice (the daily
        cron), not a context a request sends: a collector's Run button is carried out
        at once, even with the cron's context key."""
        run = self.env["relance.run"]._get_or_create(self.company, TODAY)
        with trap_jobs() as trap, self.mock_mail_gateway():
            self.rpc(
                self.collector,
                "relance.run",
                "action_run",
                run.ids,
                context={"relance_daily_cron": True, "allowed_company_ids": self.company.ids},
            )
            trap.assert_jobs_count(0)
        self.assertEqual(run.state, "done")
        self.assertEqual(self._mails_per_customer(), [1] * 5)

    def test_cron_without_the_setting_runs_at_once(self):
        self.company.relance_queue_job = False
        with trap_jobs() as trap, self.mock_mail_gateway():
            self.env["relance.run"]._cron_daily_run()
            trap.assert_jobs_count(0)
        self.assertEqual(self._run_of_today().state, "done")
        self.assertEqual(self._mails_per_customer(), [1] * 5)

    def test_same_results_as_the_run_without_jobs(self):
        """Customers at several levels, several invoices, a partial payment, an
        action to validate, a hand-over to litigation: the run on jobs decides and
        carries out what the run without jobs does, to the cent."""
        levels = self.standard_plan.level_ids.sorted("sequence")
        self.make_invoice(self.customers[0], "2026-01-20", 250.0)
        self.pay(self.customers[1].invoice_ids, 40.0, "2026-02-05")
        self.customers[2].invoice_ids.write(
            {"relance_level_id": levels[1].id, "relance_last_date": "2026-02-01"}
        )
        self.make_invoice(self.customers[3], "2025-12-01", 700.0).write(
            {"relance_level_id": levels[3].id, "relance_last_date": "2026-01-15"}
        )
        self.make_invoice(self.customers[4], "2026-01-10", 80.0).write(
            {"relance_level_id": levels[1].id, "relance_last_date": "2026-01-30"}
        )
        self.make_invoice(self.customer, "2026-01-05", 1234.56).write(
            {"relance_level_id": levels[2].id, "relance_last_date": "2026-01-25"}
        )
        self.make_invoice(self.customer, "2026-02-20", 99.0)  # not due yet
        caller = self.env["res.partner"].create(
            {"name": "Caller", "email": "caller@example.com", "relance_plan_id": self.phone_plan.id}
        )
        self.make_invoice(caller, "2026-01-15", 321.0)
        everyone = self.customers | self.customer | caller

        class Undo(Exception):
            pass

        try:
            with self.env.cr.savepoint(), self.mock_mail_gateway():
                self.company.relance_queue_job = False
                self.env["relance.run"]._cron_daily_run(batch_size=2)
                reference = self._entries(self._run_of_today())
                reference_mails = self._mails_per_customer(everyone)
                raise Undo
        except Undo:
            self.env.invalidate_all()
        self.assertFalse(self._run_of_today())
        self.assertTrue(self.company.relance_queue_job)
        self.assertEqual(
            {entry[2] for entry in reference},
            {"email", "phone", "formal_notice", "litigation"},
            "the data covers several channels",
        )
        self.assertIn(True, [entry[8] for entry in reference], "and an action to validate")

        with trap_jobs() as trap, self.mock_mail_gateway():
            run, jobs = self._cron(trap)
            self.assertEqual(len(jobs), 4, "7 customers, 2 per job")
            trap.perform_enqueued_jobs()  # planning and actions, then the documents' job
            trap.perform_enqueued_jobs()  # documents, then the closing
            self.assertEqual(run.state, "done")
            self.assertEqual(self._entries(run), reference)
            self.assertEqual(self._mails_per_customer(everyone), reference_mails)
