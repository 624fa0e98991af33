# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import json
import logging
import threading
import zlib
from contextlib import contextmanager

from markupsafe import Markup

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.sql_db import db_connect
from odoo.tools import SQL

from ..access import check_collector, is_manager

_logger = logging.getLogger(__name__)

# Customers executed between two commits of the daily run.
BATCH_SIZE = 200
# Documents rendered by one wkhtmltopdf call.
DOCUMENT_BATCH_SIZE = 50


class RelanceRun(models.Model):
    """One execution of the dunning engine for one company and date.

    The run plans all its actions first (history entries in state planned), then
    executes them in batches with a commit after each: a crash or a second call
    resumes with what is still planned, never sends anything twice.
    """

    _name = "relance.run"
    _description = "Dunning Run"
    _order = "date desc, id desc"
    _check_company_auto = True

    name = fields.Char(compute="_compute_name", store=True)
    date = fields.Date(required=True, default=fields.Date.context_today, index=True)
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, index=True
    )
    state = fields.Selection(
        [("draft", "Draft"), ("running", "Running"), ("done", "Done")],
        default="draft",
        required=True,
        readonly=True,
    )
    history_ids = fields.One2many("relance.history", "run_id", string="Actions", readonly=True)
    preview_ids = fields.One2many("relance.run.preview", "run_id", readonly=True)
    count_email = fields.Integer(string="Emails", compute="_compute_counters")
    count_letter = fields.Integer(string="Letters", compute="_compute_counters")
    count_phone = fields.Integer(string="Calls", compute="_compute_counters")
    count_formal_notice = fields.Integer(string="Formal Notices", compute="_compute_counters")
    count_penalty = fields.Integer(string="Penalties", compute="_compute_counters")
    count_litigation = fields.Integer(string="Litigations", compute="_compute_counters")
    count_other = fields.Integer(string="Other Actions", compute="_compute_counters")
    count_to_validate = fields.Integer(string="To Validate", compute="_compute_counters")
    count_failed = fields.Integer(string="Failed", compute="_compute_counters")
    count_partners = fields.Integer(string="Customers", compute="_compute_counters")
    count_invoices = fields.Integer(string="Invoices", compute="_compute_counters")
    summary = fields.Char(compute="_compute_counters")

    _sql_constraints = [
        ("company_date_uniq", "unique(company_id, date)", "One dunning run per company and date."),
    ]

    @api.depends("date", "company_id")
    def _compute_name(self):
        for run in self:
            run.name = f"{run.company_id.name or ''} {run.date or ''}".strip()

    @api.depends(
        "history_ids.state",
        "history_ids.channel",
        "history_ids.document_state",
        "history_ids.penalty_ids",
        "history_ids.penalty_missing_rate_from",
    )
    def _compute_counters(self):
        penalties = dict(
            self.env["relance.penalty"]
            .sudo()
            ._read_group([("history_id.run_id", "in", self.ids)], ["history_id"], ["__count"])
        )
        for run in self:
            live = run.history_ids.filtered(lambda h: h.state != "cancelled")
            counts = {
                channel: len(live.filtered(lambda h, c=channel: h.channel == c and h.executed))
                for channel in ("email", "letter", "phone", "formal_notice")
            }
            run.count_email = counts["email"]
            run.count_letter = counts["letter"]
            run.count_phone = counts["phone"]
            run.count_formal_notice = counts["formal_notice"]
            run.count_litigation = len(
                live.filtered(lambda h: h.channel == "litigation" and h.state == "done")
            )
            run.count_penalty = sum(penalties.get(entry, 0) for entry in run.history_ids.sudo())
            run.count_other = (
                len(live.filtered("executed")) - sum(counts.values()) - run.count_litigation
            )
            run.count_to_validate = len(live.filtered("to_validate"))
            run.count_failed = len(live.filtered(lambda h: h.state == "failed"))
            run.count_partners = len(live.partner_id)
            run.count_invoices = len(live.move_ids)
            run.summary = _(
                "%(emails)s emails, %(letters)s letters, %(calls)s calls, "
                "%(notices)s formal notices, %(penalties)s penalties, "
                "%(litigations)s litigations, %(validate)s to validate, %(failed)s failed",
                emails=run.count_email,
                letters=run.count_letter,
                calls=run.count_phone,
                notices=run.count_formal_notice,
                penalties=run.count_penalty,
                litigations=run.count_litigation,
                validate=run.count_to_validate,
                failed=run.count_failed,
            )
            pending = len(live.filtered(lambda h: h.document_state == "pending"))
            if pending and run.state == "done":
                run.summary += " " + _(
                    "(%s documents to be rendered by the next daily run)", pending
                )
            waiting = [day for day in live.mapped("penalty_missing_rate_from") if day]
            if waiting:
                run.summary += " " + _(
                    "(interest from %s not charged: reference rates missing)", min(waiting)
                )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._check_user_may_run(vals.get("date"), vals)
        return super().create(vals_list)

    def write(self, vals):
        self._check_user_may_run(vals.get("date"), vals)
        return super().write(vals)

    def _check_user_may_run(self, day, vals=None):
        """The state of a run is the engine's; below manager, a run is today's.

        A run dated later would charge penalties up to that date and move every
        invoice a level up with a future last date.
        """
        if self.env.su:
            return
        if vals and "state" in vals:
            raise AccessError(_("The state of a dunning run is set by the dunning engine only."))
        if day and not is_manager(self.env):
            day = fields.Date.to_date(day)
            today = fields.Date.context_today(self)
            if day != today:
                raise AccessError(
                    _(
                        "Only a collections manager may run the dunning engine on another day "
                        "than today (%(today)s, not %(day)s).",
                        today=today,
                        day=day,
                    )
                )

    @api.model
    def _get_or_create(self, company, date):
        run = self.search([("company_id", "=", company.id), ("date", "=", date)], limit=1)
        return run or self.create({"company_id": company.id, "date": date})

    @api.model
    def action_run_today(self):
        """Today's run of the current company, created when missing, then run."""
        check_collector(self.env)
        run = self._get_or_create(self.env.company, fields.Date.context_today(self))
        return run.action_run()

    # --- user actions ------------------------------------------------------

    def action_preview(self):
        """List what the run would do, without doing anything."""
        self.ensure_one()
        check_collector(self.env)
        decisions = self._engine()._compute_decisions(self.company_id, self.date)
        self._clear_previews()
        self._insert_previews(decisions)
        return self._action_open()

    def action_run(self):
        check_collector(self.env)
        for run in self:
            run._check_user_may_run(run.date)
            run._run(commit=False)
        if len(self) == 1:
            return self._action_open(notify=True)
        return True

    def action_run_documents_later(self):
        """Run now and leave the documents to the next daily run: the run is done once
        its actions are, its letters and notices wait as pending documents (the daily
        run renders the pending documents of earlier runs). For a run started where
        documents cannot be rendered (no HTTP server for wkhtmltopdf, as when the demo
        data is installed)."""
        check_collector(self.env)
        for run in self:
            run._check_user_may_run(run.date)
            run._run(commit=False, render=False)
        return True

    # --- engine ------------------------------------------------------------

    def _engine(self):
        return (
            self.env["relance.engine"]
            .with_company(self.company_id)
            .with_context(relance_date=self.date)
        )

    def _run(
        self, commit=False, batch_size=BATCH_SIZE, max_batches=None, progress=None, render=True
    ):
        """Plan then execute; returns the number of planned actions still to execute.

        The run works in its own company whatever the user's current one.
        ``progress`` ({'done': n}) collects the work done for the cron, which reports
        it once for all companies; without it each batch reports its own progress.
        Without ``render``, the run is done once its actions are, documents pending.
        """
        self.ensure_one()
        self = self.with_company(self.company_id)
        with self._lock():
            self._plan()
            if commit:
                self._commit()
            remaining = self._execute_batches(commit, batch_size, max_batches, progress)
            if remaining:
                if commit:
                    self._commit()
                return remaining
            if not render:
                self._set_state("done")
                self._clear_previews()
                return 0
            return self._finish(commit, max_batches, progress)

    def _finish(self, commit, max_batches, progress=None):
        """Render the documents left; the run is done once none remains."""
        remaining = self._render_document_batches(commit, max_batches, progress)
        if not remaining:
            self._set_state("done")
            self._clear_previews()
        if commit:
            self._commit()
        return remaining

    def _plan(self):
        """Turn today's decisions into planned history entries (idempotent)."""
        self._plan_company()
        self._plan_customers()
        self._plan_credit_reconciliation()

    def _plan_company(self):
        """The planning's company-wide steps, before any customer's decisions."""
        if self._plan_start():  # once a day: payer scores, then typology rules
            self._plan_payer_scores()
            self._plan_typologies()

    def _plan_start(self):
        """The run is running, broken promises noted; True the first time of the day."""
        first = self.state == "draft"
        self._set_state("running")
        self._note_broken_promises()
        return first

    def _plan_payer_scores(self, partners=None):
        """The payer scores of these customers (all when None), broken promises included."""
        if partners is not None and not partners:
            return
        customers = partners if partners is not None else self.env["res.partner"]
        customers.sudo()._relance_compute_payer_scores(self.company_id, self.date)

    def _plan_typologies(self):
        """The typology rules read the scores; the plans read the typologies."""
        self.env["relance.typology.rule"]._relance_apply_rules(self.company_id, self.date)

    def _plan_customers(self, partners=None):
        """Planned history entries for the decisions of these customers (all when
        None); invoices already in a planned action are not decided again."""
        if partners is not None and not partners:
            return self.env["relance.history"].sudo()
        decisions = self._engine()._compute_decisions(self.company_id, self.date, partners)
        # Planned by the engine, whoever starts the run.
        planned = (
            self.env["relance.history"].sudo().create([self._history_values(d) for d in decisions])
        )
        # Actions waiting for a collector put their customer on today's worklist.
        self._refresh_partners(planned.filtered("to_validate").partner_id.with_env(self.env))
        return planned

    def _plan_credit_reconciliation(self):
        """Credits the engine netted should be reconciled in the books too."""
        self.env["res.partner"].with_company(
            self.company_id
        )._relance_schedule_credit_reconciliation(self.company_id)

    def _set_state(self, state):
        """Only the engine moves a run from draft to running to done."""
        self.sudo().write({"state": state})

    def _note_broken_promises(self):
        """Only the promises past their date and not noted yet are looked at."""
        promised = (
            self.env["res.partner"]
            .with_company(self.company_id)
            .search(
                [
                    ("relance_promise_date", "<", self.date),
                    ("relance_promise_broken_date", "=", False),
                ]
            )
        )
        promised._relance_note_broken_promises(self.date)

    def _execute_batches(self, commit, batch_size, max_batches, progress=None):
        """Actions first (mails queued and held), documents afterwards in their own batches."""
        executor = (
            self.env["relance.executor"]
            .with_company(self.company_id)
            .with_context(relance_defer_documents=True)
        )
        batches = 0
        while True:
            pending = self._pending_entries()
            if not pending:
                return 0
            if max_batches is not None and batches >= max_batches:
                return len(pending)
            batch = pending[:batch_size]
            executor._execute(batch)
            batches += 1
            self._refresh_partners(batch.partner_id)
            if commit:
                self._commit()
            self._progress(progress, len(batch), len(pending) - len(batch))

    def _render_document_batches(
        self, commit, max_batches, progress=None, batch_size=DOCUMENT_BATCH_SIZE
    ):
        """Render the run's documents, many per wkhtmltopdf call; returns what remains."""
        documents = self.env["relance.documents"].with_company(self.company_id)
        batches = 0
        while True:
            # Documents are written on done traces: the engine's work, whoever runs it.
            pending = (
                self.env["relance.history"]
                .sudo()
                .search([("run_id", "=", self.id), ("document_state", "=", "pending")], order="id")
            )
            if not pending:
                return 0
            if max_batches is not None and batches >= max_batches:
                return len(pending)
            documents._render_pending(pending[:batch_size])
            batches += 1
            if commit:
                self._commit()
            self._progress(
                progress, min(batch_size, len(pending)), max(len(pending) - batch_size, 0)
            )

    def _progress(self, progress, done, remaining):
        if progress is None:
            self._notify_cron_progress(done=done, remaining=remaining)
        else:
            progress["done"] += done

    def _pending_entries(self, partners=None):
        """The run's actions still to carry out (of these customers)."""
        domain = [
            ("run_id", "=", self.id),
            ("state", "=", "planned"),
            ("executed", "=", False),
            ("to_validate", "=", False),
        ]
        if partners is not None:
            domain.append(("partner_id", "in", partners.ids))
        return self.env["relance.history"].search(domain, order="partner_id, id")

    def _refresh_partners(self, partners):
        partners.with_company(self.company_id)._relance_refresh_state(self.date)

    def _history_values(self, decision):
        level = decision["level"]
        channel, reason = level._relance_channel_for(decision["amount"])
        return {
            "run_id": self.id,
            "company_id": self.company_id.id,
            "partner_id": decision["partner"].id,
            "move_ids": [fields.Command.set(decision["moves"].ids)],
            # Each invoice at its own level; the message at the most advanced one.
            "line_ids": [
                fields.Command.create(
                    {"move_id": move.id, "level_id": move_level.id, "amount": claimed}
                )
                for move, move_level, claimed in decision["lines"]
            ],
            "level_id": level.id,
            "channel": channel,
            "fallback_reason": reason,
            "date": self.date,
            "state": "planned",
            "to_validate": not level.auto_execute,
            "amount_due": decision["amount"],
            "user_id": decision["partner"].relance_collector_id.id,
        }

    def _clear_previews(self):
        """Remove the run's preview lines. Users only read them (access rights): the
        run writes them, for whoever may write the run (checked here)."""
        self.check_access("write")
        self.preview_ids.sudo().unlink()

    def _insert_previews(self, decisions):
        """The preview's lines, one per decision, in one statement: a large ledger has
        thousands of decisions, and the ORM's create (defaults looked up line by line)
        took half as long as deciding them. The lines have no computed stored field,
        constraint or tracking to keep up. Users only read them: the run writes them,
        for whoever may write the run (checked here)."""
        previews = self.env["relance.run.preview"]
        self.check_access("write")
        if not decisions:
            return previews
        self.env.cr.execute(
            SQL(
                """
                INSERT INTO relance_run_preview
                       (run_id, partner_id, level_id, invoice_id_list, amount_due, to_validate,
                        create_uid, write_uid, create_date, write_date)
                SELECT %(run)s, line.partner, line.level, line.invoices, line.amount,
                       line.to_validate, %(uid)s, %(uid)s, %(now)s, %(now)s
                  FROM unnest(%(partners)s::int[], %(levels)s::int[], %(invoices)s::jsonb[],
                              %(amounts)s::numeric[], %(to_validate)s::bool[])
                       AS line(partner, level, invoices, amount, to_validate)
                RETURNING id
                """,
                run=self.id,
                uid=self.env.uid,
                now=self.env.cr.now(),
                partners=[decision["partner"].id for decision in decisions],
                levels=[decision["level"].id for decision in decisions],
                invoices=[json.dumps(decision["moves"].ids) for decision in decisions],
                amounts=[decision["amount"] for decision in decisions],
                to_validate=[not decision["level"].auto_execute for decision in decisions],
            )
        )
        ids = [row[0] for row in self.env.cr.fetchall()]
        previews.invalidate_model()
        self.invalidate_recordset(["preview_ids"])
        return previews.browse(ids)

    @staticmethod
    def _lock_key(company):
        """PostgreSQL advisory lock key of a company's dunning run."""
        return zlib.crc32(b"relance.run") * 100000 + company.id

    @contextmanager
    def _lock(self):
        """One run per company at a time, across the run's commits.

        A session-level advisory lock held by a connection of its own, which does
        nothing else: whatever happens to the run's transaction (an error aborts it,
        a rollback), the lock is released at the end, and never left on a pooled
        connection. A killed process closes the connection, which releases it too.
        """
        key = self._lock_key(self.company_id)
        lock_cr = db_connect(self.env.cr.dbname).cursor()
        try:
            lock_cr.execute("SELECT pg_try_advisory_lock(%s)", [key])
            locked = lock_cr.fetchone()[0]
            lock_cr.commit()  # the lock outlives the transaction: never idle in it
            if not locked:
                raise UserError(
                    _(
                        "A dunning run is already in progress for %s. Wait for it to finish.",
                        self.company_id.name,
                    )
                )
            try:
                yield
            finally:
                lock_cr.execute("SELECT pg_advisory_unlock(%s)", [key])
                lock_cr.commit()
        finally:
            lock_cr.close()

    def _commit(self):
        """Commit a finished batch: a crash later on never undoes what was sent."""
        if not getattr(threading.current_thread(), "testing", False):
            self.env.cr.commit()  # pylint: disable=invalid-commit

    def _notify_cron_progress(self, done, remaining):
        self.env["ir.cron"]._notify_progress(done=done, remaining=remaining)

    def _action_open(self, notify=False):
        self.ensure_one()
        action = {
            "type": "ir.actions.act_window",
            "res_model": "relance.run",
            "res_id": self.id,
            "view_mode": "form",
            "target": "current",
        }
        if notify:
            self.env["bus.bus"]._sendone(
                self.env.user.partner_id,
                "simple_notification",
                {"title": _("Dunning run done"), "message": self.summary, "type": "success"},
            )
        return action

    # --- cron --------------------------------------------------------------

    @api.model
    def _cron_daily_run(self, batch_size=BATCH_SIZE):
        """Create and run today's run of every company, a few batches per call.

        Runs of earlier days left running (a crash, a timeout) are closed first, so
        that their invoices are decided again today. One company's failure is logged
        and rolled back; the others go on. Progress, summed over the companies, is
        reported once to the cron, which calls again while work remains.
        """
        runs = self.sudo()  # the scheduler acts for every company
        companies = runs.env["res.company"].search([("relance_auto_run", "=", True)])
        progress = {"done": 0}
        remaining = 0
        for company in companies:
            company_runs = runs.with_company(company)
            today = fields.Date.context_today(company_runs)
            try:
                with self._company_transaction():
                    # Interrupted runs, and runs done with their documents left pending
                    # (action_run_documents_later), today's included.
                    for stale in company_runs.search(
                        [
                            ("company_id", "=", company.id),
                            "|",
                            "&",
                            ("state", "=", "running"),
                            ("date", "<", today),
                            "&",
                            ("state", "=", "done"),
                            ("history_ids.document_state", "=", "pending"),
                        ],
                        order="date",
                    ):
                        remaining += stale._close_stale(commit=True, progress=progress)
                    run = company_runs._get_or_create(company, today)
                    if run.state != "done":
                        remaining += run._run(
                            commit=True, batch_size=batch_size, max_batches=5, progress=progress
                        )
            except UserError as error:
                _logger.warning("Dunning run of %s skipped: %s", company.name, error)
            except Exception:  # noqa: BLE001 - one company's failure does not stop the others
                _logger.exception("Dunning run of %s failed", company.name)
        self._notify_cron_progress(done=progress["done"], remaining=remaining)
        return remaining

    def _close_stale(self, commit=False, progress=None):
        """Close a run of an earlier day: what it did not send is cancelled (the
        invoices are decided again by today's run), its documents are rendered."""
        self.ensure_one()
        self = self.with_company(self.company_id)
        with self._lock():
            unsent = (
                self.env["relance.history"]
                .sudo()
                .search(
                    [
                        ("run_id", "=", self.id),
                        ("state", "=", "planned"),
                        ("executed", "=", False),
                        ("to_validate", "=", False),
                    ]
                )
            )
            unsent.write(
                {
                    "state": "cancelled",
                    "note": Markup("<p>%s</p>")
                    % _("Not sent: the run of %s was interrupted. Decided again later.", self.date),
                }
            )
            return self._finish(commit, 5, progress)

    @contextmanager
    def _company_transaction(self):
        """Undo a failed company's uncommitted work (a savepoint when testing: no commit)."""
        if getattr(threading.current_thread(), "testing", False):
            with self.env.cr.savepoint():
                yield
            return
        try:
            yield
        except Exception:
            self.env.cr.rollback()  # pylint: disable=invalid-commit
            raise
