# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import hashlib
import logging
from collections import defaultdict
from contextlib import contextmanager

from psycopg2 import OperationalError

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from odoo.addons.queue_job.delay import chain, group
from odoo.addons.queue_job.exception import RetryableJobError
from odoo.addons.relance_avancee.models.relance_run import BATCH_SIZE, DOCUMENT_BATCH_SIZE

_logger = logging.getLogger(__name__)

CHANNEL = "root.relance"
# Tries of a job before it fails and shows on its run; waits between them in the
# job functions' retry pattern (data/queue_job_data.xml).
MAX_RETRIES = 5
# States of a job that will still run by itself.
LIVE_JOB_STATES = ("wait_dependencies", "pending", "enqueued", "started")
# The jobs that plan the run: while one of them lives, the run is not started by hand.
PLANNING_JOBS = ("_relance_job_payer_scores", "_relance_job_typologies", "_relance_job_plan")
# Customers graded by one payer scores' job, per customer of a planning job.
SCORE_BATCH_FACTOR = 5
# Marks the daily cron's run in the context: an object, which no request can send (a
# context key alone would let any collector leave his run button's run to the jobs).
DAILY_CRON = object()


class RelanceRun(models.Model):
    """The daily run on queue_job's job workers, for the companies that ask for it.

    The cron notes the broken promises and enqueues one job per batch of customers
    to grade (payer scores), then a job that applies the typology rules (they read
    the scores) and enqueues one job per batch of the customers holding candidate
    invoices, which plans and carries out their actions (the plans read the
    typologies), then one job that enqueues one job per batch of documents, then a
    last job that closes the run.
    Each job re-reads what is still to do: a retried or duplicated job never plans
    nor sends anything twice. A run started by hand (Run button) is carried out at
    once, as without this addon, unless the run's planning jobs are under way.
    """

    _inherit = "relance.run"

    job_count = fields.Integer(string="Jobs", compute="_compute_jobs")
    job_failed_count = fields.Integer(string="Failed Jobs", compute="_compute_jobs")
    job_message = fields.Char(string="Job Workers", compute="_compute_jobs")

    def _compute_jobs(self):
        counts = {}
        # The counts of the run's own jobs: what the run's readers are told anyway.
        for run, state, count in (
            self.env["queue.job"]
            .sudo()
            ._read_group(
                [("relance_run_id", "in", self.ids)], ["relance_run_id", "state"], ["__count"]
            )
        ):
            counts.setdefault(run.id, {})[state] = count
        for run in self:
            states = counts.get(run.id, {})
            run.job_count = sum(states.values())
            run.job_failed_count = states.get("failed", 0)
            live = sum(states.get(state, 0) for state in LIVE_JOB_STATES)
            if run.job_failed_count and run.state == "running":
                run.job_message = _(
                    "Jobs failed after their retries: %s. The run stays running until they "
                    "are requeued (the Jobs button, or Settings > Technical > Job Queue > Jobs) "
                    "or the next day's run closes it.",
                    run.job_failed_count,
                )
            elif live and run.state == "running":
                run.job_message = _("Jobs waiting or running on the job workers: %s.", live)
            else:
                run.job_message = False

    # --- the cron's run on jobs ----------------------------------------------

    @api.model
    def _cron_daily_run(self, batch_size=BATCH_SIZE):
        """The daily run: on jobs for the companies that ask for it."""
        return super(RelanceRun, self.with_context(relance_daily_cron=DAILY_CRON))._cron_daily_run(
            batch_size=batch_size
        )

    def _run(
        self, commit=False, batch_size=BATCH_SIZE, max_batches=None, progress=None, render=True
    ):
        from_cron = self.env.context.get("relance_daily_cron") is DAILY_CRON
        if not (from_cron and self.company_id.relance_queue_job):
            if self._relance_jobs_in(LIVE_JOB_STATES, PLANNING_JOBS):
                raise UserError(
                    _(
                        "The dunning run %s is being planned by the job workers. "
                        "Wait for its jobs to finish.",
                        self.name,
                    )
                )
            return super()._run(
                commit=commit,
                batch_size=batch_size,
                max_batches=max_batches,
                progress=progress,
                render=render,
            )
        self.ensure_one()
        return self.with_company(self.company_id)._relance_run_on_jobs(batch_size)

    def _relance_run_on_jobs(self, batch_size):
        """The planning's first step, then the rest to jobs; 0: nothing left for the cron.

        While jobs of the run are alive (or failed, waiting for an administrator),
        the run is left to them: the cron, called again for other companies, does
        not plan nor enqueue it again.
        """
        if self._relance_jobs_in([*LIVE_JOB_STATES, "failed"]):
            return 0
        with self._lock():
            if self._plan_start():
                self._relance_enqueue_payer_scores(batch_size)
            else:  # called again, its jobs gone: planned again, as without jobs
                self._relance_enqueue_plans(batch_size)
            self._commit()
        return 0

    def _relance_jobs_in(self, states, methods=None):
        domain = [("relance_run_id", "=", self.id), ("state", "in", states)]
        if methods:
            domain.append(("method_name", "in", methods))
        return self.env["queue.job"].sudo().search_count(domain, limit=1)

    def _relance_enqueue_payer_scores(self, batch_size=BATCH_SIZE):
        """One job per batch of customers to grade, then the typology rules' job,
        which enqueues the planning."""
        partner_ids = (
            self.env["res.partner"].sudo()._relance_customers_to_grade(self.company_id, self.date)
        )
        size = batch_size * SCORE_BATCH_FACTOR
        jobs = []
        for start in range(0, len(partner_ids), size):
            batch = partner_ids[start : start + size]
            description = _(
                "Dunning run %(run)s: payer scores of %(count)s customers",
                run=self.name,
                count=len(batch),
            )
            jobs.append(
                self._relance_delayable("scores", description, batch)._relance_job_payer_scores(
                    batch
                )
            )
        typologies = self._relance_delayable(
            "typologies", _("Dunning run %s: typology rules, then planning", self.name)
        )._relance_job_typologies(batch_size)
        if jobs:
            chain(group(*jobs), typologies).delay()
        else:
            typologies.delay()

    def _relance_plan_partner_ids(self):
        """The customers holding the engine's candidate invoices, in id order."""
        invoices = self._engine()._candidate_invoices(self.company_id)
        if not invoices:
            return []
        self.env.cr.execute(
            SQL(
                "SELECT DISTINCT commercial_partner_id FROM account_move WHERE id = ANY(%s) "
                "ORDER BY commercial_partner_id",
                invoices.ids,
            )
        )
        return [row[0] for row in self.env.cr.fetchall()]

    def _relance_enqueue_plans(self, batch_size=BATCH_SIZE):
        """One job per batch of customers holding candidate invoices, which plans and
        carries out their actions; the documents' job waits for all of them. Without
        such customers: what an earlier call of the day left is enqueued as is."""
        partner_ids = self._relance_plan_partner_ids()
        if not partner_ids:
            self._plan_credit_reconciliation()
            self._relance_enqueue(batch_size)
            return
        jobs = []
        for start in range(0, len(partner_ids), batch_size):
            batch = partner_ids[start : start + batch_size]
            description = _(
                "Dunning run %(run)s: plan and carry out the actions of %(count)s customers",
                run=self.name,
                count=len(batch),
            )
            jobs.append(
                self._relance_delayable("plan", description, batch)._relance_job_plan(batch)
            )
        documents = self._relance_delayable(
            "documents", _("Dunning run %s: documents", self.name)
        )._relance_job_documents()
        chain(group(*jobs), documents).delay()

    def _relance_enqueue(self, batch_size=BATCH_SIZE):
        """One job per batch of customers (all the planned actions of a customer in
        the same job), then the documents' job, which closes the run in the end."""
        pending = self._pending_entries()
        if not pending and not self._relance_pending_documents():
            self._set_state("done")
            self._clear_previews()
            return
        by_customer = defaultdict(list)
        for entry in pending:
            by_customer[entry.partner_id.id].append(entry.id)
        customers = list(by_customer)
        jobs = []
        for start in range(0, len(customers), batch_size):
            batch = customers[start : start + batch_size]
            ids = [entry_id for customer in batch for entry_id in by_customer[customer]]
            description = _(
                "Dunning run %(run)s: actions of %(count)s customers",
                run=self.name,
                count=len(batch),
            )
            jobs.append(
                self._relance_delayable("execute", description, ids)._relance_job_execute(ids)
            )
        documents = self._relance_delayable(
            "documents", _("Dunning run %s: documents", self.name)
        )._relance_job_documents()
        if jobs:
            chain(group(*jobs), documents).delay()
        else:
            documents.delay()

    def _relance_delayable(self, step, description, ids=()):
        """A job of this run: its identity is the run, the step and its records, so
        that the same batch is never enqueued twice while its job waits."""
        key = f"relance.run-{self.id}-{step}"
        if ids:
            key += "-" + hashlib.sha1(",".join(map(str, sorted(ids))).encode()).hexdigest()
        return self.delayable(
            channel=CHANNEL, identity_key=key, max_retries=MAX_RETRIES, description=description
        )

    def _job_store_values(self, job):
        values = super()._job_store_values(job)
        if len(job.recordset) == 1:
            values["relance_run_id"] = job.recordset.id
        return values

    def _relance_pending_documents(self):
        # Documents are written on done traces: the engine's work, whoever runs it.
        return (
            self.env["relance.history"]
            .sudo()
            .search([("run_id", "=", self.id), ("document_state", "=", "pending")], order="id")
        )

    # --- the jobs ------------------------------------------------------------

    def _relance_job_payer_scores(self, partner_ids):
        """Grade these customers (a job of the run; grading again gives the same)."""
        self.ensure_one()
        run = self.with_company(self.company_id)
        with run._relance_retry_on_failure():
            if run.state != "running":
                return _("The run is %s: nothing to do.", run.state)
            run._plan_payer_scores(run.env["res.partner"].browse(partner_ids))
            return _("%s customers graded.", len(partner_ids))

    def _relance_job_typologies(self, batch_size=BATCH_SIZE):
        """After the payer scores' jobs: the typology rules, then the planning's jobs."""
        self.ensure_one()
        run = self.with_company(self.company_id)
        with run._relance_retry_on_failure():
            if run.state != "running":
                return _("The run is %s: nothing to do.", run.state)
            run._plan_typologies()
            run._relance_enqueue_plans(batch_size)
            return _("Typology rules applied, planning enqueued.")

    def _relance_job_plan(self, partner_ids):
        """Plan the actions of these customers, then carry out those still planned
        (a job of the run). The customers are locked until the job's commit: a
        duplicate of the job running at the same moment fails to lock them and is
        postponed by queue_job, then finds their invoices planned or reminded."""
        self.ensure_one()
        run = self.with_company(self.company_id)
        with run._relance_retry_on_failure():
            if run.state != "running":
                return _("The run is %s: nothing to do.", run.state)
            partners = run._relance_lock_partners(partner_ids)
            planned = run._plan_customers(partners)
            pending = run._pending_entries(partners)
            executed = run._relance_carry_out(pending.ids)
            return _(
                "%(planned)s actions planned, %(done)s of %(pending)s carried out.",
                planned=len(planned),
                done=len(executed),
                pending=len(pending),
            )

    def _relance_job_execute(self, entry_ids):
        """Carry out those of ``entry_ids`` still planned (a job of the run)."""
        self.ensure_one()
        run = self.with_company(self.company_id)
        with run._relance_retry_on_failure():
            if run.state != "running":
                return _("The run is %s: nothing to do.", run.state)
            executed = run._relance_carry_out(entry_ids)
            return _(
                "%(done)s of %(planned)s actions carried out.",
                done=len(executed),
                planned=len(entry_ids),
            )

    def _relance_carry_out(self, entry_ids):
        """Carry out those of ``entry_ids`` still planned; returns what was."""
        entries = self._relance_lock_planned(entry_ids)
        executor = (
            self.env["relance.executor"]
            .with_company(self.company_id)
            .with_context(relance_defer_documents=True)
        )
        executed = executor._execute(entries)
        self._refresh_partners(entries.partner_id)
        return executed

    def _relance_job_documents(self):
        """After the customers' jobs: one job per batch of documents, then closing."""
        self.ensure_one()
        run = self.with_company(self.company_id)
        with run._relance_retry_on_failure():
            if run.state != "running":
                return _("The run is %s: nothing to do.", run.state)
            pending = run._relance_pending_documents()
            close = run._relance_delayable(
                "close", _("Dunning run %s: close", run.name)
            )._relance_job_close()
            jobs = []
            for start in range(0, len(pending), DOCUMENT_BATCH_SIZE):
                ids = pending[start : start + DOCUMENT_BATCH_SIZE].ids
                description = _(
                    "Dunning run %(run)s: %(count)s documents", run=run.name, count=len(ids)
                )
                jobs.append(
                    run._relance_delayable("render", description, ids)._relance_job_render(ids)
                )
            if jobs:
                chain(group(*jobs), close).delay()
            else:
                close.delay()
            return _("%s documents to render.", len(pending))

    def _relance_job_render(self, entry_ids):
        """Render those of ``entry_ids`` whose document is still pending."""
        self.ensure_one()
        run = self.with_company(self.company_id)
        with run._relance_retry_on_failure():
            entries = run._relance_lock_entries(entry_ids, SQL("document_state = 'pending'"))
            rendered = (
                self.env["relance.documents"].with_company(run.company_id)._render_pending(entries)
            )
            return _("%s documents rendered.", len(rendered))

    def _relance_job_close(self):
        """The run is done once nothing is left to carry out nor to render; what is
        left (a job set done by hand before its work was) gets jobs again."""
        self.ensure_one()
        run = self.with_company(self.company_id)
        with run._relance_retry_on_failure():
            if run.state != "running":
                return _("The run is %s: nothing to do.", run.state)
            with run._lock():
                if run._pending_entries() or run._relance_pending_documents():
                    run._relance_enqueue()
                    return _("Actions or documents left: enqueued again.")
                run._plan_credit_reconciliation()
                run._set_state("done")
                run._clear_previews()
            return run.summary

    def _relance_lock_partners(self, partner_ids):
        self.env.cr.execute(
            SQL(
                "SELECT id FROM res_partner WHERE id IN %s ORDER BY id FOR NO KEY UPDATE NOWAIT",
                tuple(partner_ids),
            )
        )
        return self.env["res.partner"].browse([row[0] for row in self.env.cr.fetchall()])

    def _relance_lock_planned(self, entry_ids):
        return self._relance_lock_entries(
            entry_ids,
            SQL("state = 'planned' AND executed IS NOT TRUE AND to_validate IS NOT TRUE"),
        )

    def _relance_lock_entries(self, entry_ids, condition):
        """The run's entries among ``entry_ids`` matching ``condition``, locked until
        the job's commit: a duplicate job running at the same moment fails to lock them
        and is tried again later, when it finds them done."""
        if not entry_ids:
            return self.env["relance.history"].sudo()
        self.env["relance.history"].flush_model()
        self.env.cr.execute(
            SQL(
                "SELECT id FROM relance_history WHERE id IN %s AND run_id = %s AND %s "
                "ORDER BY id FOR UPDATE NOWAIT",
                tuple(entry_ids),
                self.id,
                condition,
            )
        )
        return self.env["relance.history"].sudo().browse([row[0] for row in self.env.cr.fetchall()])

    @contextmanager
    def _relance_retry_on_failure(self):
        """A job's unexpected error (the run's lock held by a run started by hand,
        a crash) is tried again with backoff, its transaction rolled back by
        queue_job; after MAX_RETRIES the job fails and shows on its run. Lock waits
        and concurrent updates are left to queue_job, which postpones the job."""
        try:
            yield
        except (RetryableJobError, OperationalError):
            raise
        except Exception as error:
            _logger.warning("A job of dunning run %s failed, tried again later: %s", self.id, error)
            raise RetryableJobError(str(error)) from error
