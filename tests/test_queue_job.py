"""The daily run on queue_job's job workers (relance_avancee_queue_job).

Jobs are trapped with queue_job's own helper (trap_jobs) and performed in the test;
a few tests store them for real to see their identity and their state on the run.
"""

from datetime import date
from unittest.mock import patch

from freezegun import freeze_time

from odoo.tests import common as odoo_test_common
from odoo.tools import mute_logger

from .common import RelanceCase

# queue_job's test helpers register themselves in SETATTR_SOURCES, which Odoo 18
# builds older than the queue_job release lack (and do not need).
if not hasattr(odoo_test_common, "SETATTR_SOURCES"):
    odoo_test_common.SETATTR_SOURCES = {}

try:
    from odoo.addons.queue_job.exception import FailedJobError, RetryableJobError
    from odoo.addons.queue_job.tests.common import trap_jobs
except ImportError:  # queue_job is not installed: these tests are skipped (conftest.py)
    FailedJobError = RetryableJobError = trap_jobs = None

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
        return self.env["relance.history"].browse(job.args[0]).partner_id

    def _cron(self, trap):
        """The daily cron with two customers per job; returns today's run and its
        trapped execution jobs, in the run's order of the customers."""
        self.assertEqual(self.env["relance.run"]._cron_daily_run(batch_size=2), 0)
        run = self._run_of_today()
        order = run._pending_entries().ids
        jobs = trap._filtered_enqueued_jobs(run._relance_job_execute)
        return run, sorted(jobs, key=lambda job: order.index(job.args[0][0]))

    def test_cron_plans_then_jobs_carry_out_render_and_close(self):
        with trap_jobs() as trap, self.mock_mail_gateway():
            run, jobs = self._cron(trap)
            self.assertEqual(run.state, "running")
            self.assertEqual(len(run.history_ids), 5, "all planned by the cron")
            self.assertFalse(run.history_ids.filtered("executed"), "nothing sent by the cron")
            self.assertFalse(self._new_mails)
            # One job per two customers, with all the planned actions of its customers.
            entries = run._pending_entries()
            self.assertEqual(len(entries), 5)
            self.assertEqual(
                [job.args[0] for job in jobs], [entries[:2].ids, entries[2:4].ids, entries[4:].ids]
            )
            trap.assert_enqueued_job(
                run._relance_job_execute,
                args=(entries[:2].ids,),
                properties={"channel": "root.relance", "max_retries": 5},
            )
            trap.assert_jobs_count(1, only=run._relance_job_documents)
            self.assertEqual(
                len({job.graph_uuid for job in trap.enqueued_jobs}),
                1,
                "one graph: the documents' job waits for the customers' jobs",
            )
            self.assertTrue(jobs[0].identity_key.startswith(f"relance.run-{run.id}-execute-"))
            self.assertEqual(len({job.identity_key for job in jobs}), 3, "one key per batch")

            trap.perform_enqueued_jobs()
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

    def test_a_job_performed_twice_sends_nothing_twice(self):
        with trap_jobs() as trap, self.mock_mail_gateway():
            run, jobs = self._cron(trap)
            first = jobs[0]
            first.perform()
            again = run._relance_job_execute(first.args[0])
            self.assertIn(f"0 of {len(first.args[0])} actions", again)
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
                ["_relance_job_documents"] + ["_relance_job_execute"] * 3,
            )
            self.assertEqual(set(jobs.mapped("channel")), {"root.relance"})
            self.assertEqual(run.job_count, 4)
            self.assertEqual(run.job_message, "Jobs waiting or running on the job workers: 4.")
            # Enqueued again (a cron called again for another company): the same jobs.
            run._relance_enqueue(batch_size=2)
            self.env["relance.run"]._cron_daily_run(batch_size=2)
        self.assertEqual(
            self.env["queue.job"].sudo().search([("relance_run_id", "=", run.id)]),
            jobs,
            "no duplicate",
        )
        self.assertEqual(run.state, "running")
        self.assertFalse(run.history_ids.filtered("executed"))

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
            self.assertFalse(run.history_ids.filtered("executed"))
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
        jobs.filtered(lambda j: j.method_name == "_relance_job_execute")[:1].write(
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

    def test_closing_enqueues_what_is_left_and_waits_for_the_lock(self):
        with trap_jobs() as trap, self.mock_mail_gateway():
            run, jobs = self._cron(trap)
            jobs[0].perform()
            # A job set done by hand before its work was: the closing enqueues it again.
            run._relance_job_close()
            self.assertEqual(run.state, "running")
            self.assertEqual(trap.jobs_count(only=run._relance_job_execute), 4)
            trap.assert_enqueued_job(run._relance_job_execute, args=(run._pending_entries().ids,))
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

    def test_cron_without_the_setting_runs_at_once(self):
        self.company.relance_queue_job = False
        with trap_jobs() as trap, self.mock_mail_gateway():
            self.env["relance.run"]._cron_daily_run()
            trap.assert_jobs_count(0)
        self.assertEqual(self._run_of_today().state, "done")
        self.assertEqual(self._mails_per_customer(), [1] * 5)
