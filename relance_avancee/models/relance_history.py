# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from collections import defaultdict

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError

from ..access import check_collector, check_manager, is_manager
from .relance_level import CHANNELS
from .res_partner_debtor import DEBTOR_KINDS

# What a collection call ended with (the call outcome wizard offers these): the one
# list of them.
CALL_OUTCOMES = [
    ("promise", "Promise to pay"),
    ("dispute", "Dispute"),
    ("not_received", "Invoice not received"),
    ("wrong_contact", "Wrong contact"),
    ("no_answer", "No answer"),
    ("claims_paid", "Claims already paid"),
]
# Outcomes the collector must describe (the next person will need it), and those that
# get no written confirmation (nobody agreed to anything).
CALL_OUTCOMES_NEEDING_NOTE = ("dispute", "wrong_contact", "claims_paid")
CALL_OUTCOMES_UNCONFIRMED = ("no_answer", "wrong_contact")
# What an action ended with: a written reminder sent, or a call's outcome.
OUTCOMES = [("sent", "Sent"), *CALL_OUTCOMES]

# Fields the engine may still write on a done entry (links added after the fact).
FIELDS_WRITABLE_WHEN_DONE = {
    "attachment_id",
    "message_id",
    "printed",
    "document_state",
    "error",
    # What became of the email (mail gateway): bounced, answered.
    "email_bounced",
    "email_bounce_reason",
    "replied_date",
}
# Fields a user may still write on a done entry: a letter was printed and posted.
FIELDS_USER_WRITABLE_WHEN_DONE = {"printed", "registered_mail_ref", "registered_mail_date"}
# Evidence linked to an action (document, message, the call a letter confirms): written
# by the engine and the call wizard only, as superuser, never by a user.
LINKS_ENGINE_ONLY = {"attachment_id", "message_id", "call_id"}
# Fields only the engine writes (as superuser): by which run, how the document went,
# what became of the email.
ENGINE_FIELDS = {
    "run_id",
    "document_state",
    "error",
    "penalty_ids",
    "penalty_missing_rate_from",
    "email_bounced",
    "email_bounce_reason",
    "replied_date",
}
# What a planned action is about: set by the engine or a manager, never by a collector
# (who validates, cancels, reassigns or annotates it instead).
CONTENT_FIELDS = {
    "partner_id",
    "move_ids",
    "line_ids",
    "amount_due",
    "level_id",
    "channel",
    "recipient_id",
    "recipient_ids",
    "recipient_cc_ids",
    "company_id",
}


class RelanceHistory(models.Model):
    """The trace of one dunning action on one customer (possibly several invoices)."""

    _name = "relance.history"
    _description = "Dunning History"
    _order = "date desc, id desc"
    _check_company_auto = True

    run_id = fields.Many2one("relance.run", ondelete="set null", index=True, readonly=True)
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, index=True
    )
    partner_id = fields.Many2one(
        "res.partner", string="Customer", required=True, index=True, ondelete="restrict"
    )
    move_ids = fields.Many2many(
        "account.move",
        "relance_history_account_move_rel",
        "history_id",
        "move_id",
        string="Invoices",
        check_company=True,
    )
    level_id = fields.Many2one(
        "relance.level",
        ondelete="restrict",
        index=True,
        help="The most advanced level due among the invoices: it writes the message. "
        "Each invoice reaches its own level (Level of Each Invoice tab).",
    )
    line_ids = fields.One2many(
        "relance.history.line", "history_id", string="Invoices and Their Levels", readonly=True
    )
    channel = fields.Selection(CHANNELS, required=True)
    date = fields.Date(required=True, default=fields.Date.context_today, index=True)
    state = fields.Selection(
        [
            ("planned", "Planned"),
            ("done", "Done"),
            ("failed", "Failed"),
            ("cancelled", "Cancelled"),
        ],
        required=True,
        default="planned",
        index=True,
    )
    to_validate = fields.Boolean(
        help="Planned by the daily run on a level that is not executed automatically: "
        "a collector validates or cancels it.",
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    amount_due = fields.Monetary(currency_field="currency_id")
    user_id = fields.Many2one("res.users", string="Responsible", index=True)
    outcome = fields.Selection(OUTCOMES)
    promise_date = fields.Date(help="Payment date promised during this call.")
    promise_amount = fields.Monetary(currency_field="currency_id")
    note = fields.Html()
    attachment_id = fields.Many2one("ir.attachment", ondelete="set null", index="btree_not_null")
    message_id = fields.Many2one("mail.message", ondelete="set null")
    activity_id = fields.Many2one("mail.activity", ondelete="set null")
    recipient_id = fields.Many2one("res.partner")
    fallback_reason = fields.Char(
        help="Why the action used another channel than its level's (e.g. no email address)."
    )
    error = fields.Text(readonly=True)
    document_state = fields.Selection(
        [("pending", "To render"), ("done", "Rendered"), ("failed", "Failed")],
        readonly=True,
        copy=False,
        index=True,
    )
    executed = fields.Boolean(
        readonly=True,
        help="The channel action ran (mail queued, letter rendered, call scheduled).",
    )
    printed = fields.Boolean(help="Letter printed and posted.")
    registered_mail_ref = fields.Char(
        string="Registered Mail Number",
        help="Number of the registered letter with acknowledgement of receipt that carried "
        "the formal notice (the litigation file quotes it).",
    )
    registered_mail_date = fields.Date(string="Registered Mail Sent On")
    invoice_count = fields.Integer(compute="_compute_invoice_count")
    due_totals = fields.Text(
        compute="_compute_due_totals",
        help="What is still due on the action's invoices, one line per currency: amounts "
        "in different currencies are never added up.",
    )
    notice_deadline = fields.Date(
        compute="_compute_notice_deadline",
        help="Date by which a formal notice of this date asks to be paid (Settings).",
    )
    debtor_kind = fields.Selection(
        DEBTOR_KINDS,
        compute="_compute_debtor_kind",
        help="Which legal rule the customer's documents state: interest, indemnity, court.",
    )
    penalty_ids = fields.One2many("relance.penalty", "history_id", string="Penalties")
    penalty_missing_rate_from = fields.Date(
        string="Penalties Waiting For Rates From",
        readonly=True,
        help="Interest from this half-year on was not charged: its reference rates are not "
        "entered yet. The next charge takes it up once they are.",
    )
    penalty_total = fields.Monetary(compute="_compute_penalty_total", currency_field="currency_id")

    @api.depends("move_ids")
    def _compute_invoice_count(self):
        for entry in self:
            entry.invoice_count = len(entry.move_ids)

    def _relance_claimed_moves(self):
        """The invoices the action claims: all but those falling due soon, unless it is
        a preventive reminder."""
        self.ensure_one()
        if self.level_id.preventive:
            return self.move_ids
        soon = self.line_ids.filtered("due_soon").move_id
        return self.move_ids - soon

    @api.depends(
        "move_ids.amount_residual", "move_ids.currency_id", "level_id", "date", "line_ids.level_id"
    )
    @api.depends_context("lang")
    def _compute_due_totals(self):
        due = self.move_ids._relance_amount_due_map()  # one allocation for the batch
        engine = self.env["relance.engine"]
        for entry in self:
            # What the action claims: instalments falling due later are not included.
            # A preventive reminder lists what falls due, each line its amount due.
            if entry.level_id.preventive:
                claimed = due
            else:
                claimed = engine._claimed_amounts(
                    entry.move_ids,
                    entry.level_id,
                    entry.date or fields.Date.context_today(entry),
                    due,
                    in_company_currency=False,
                )
            totals = defaultdict(float)
            for move in entry._relance_claimed_moves():
                totals[move.currency_id] += claimed.get(move.id, 0.0)
            entry.due_totals = "\n".join(
                currency.format(amount)
                for currency, amount in sorted(totals.items(), key=lambda item: item[0].name)
            )

    @api.depends("date", "company_id.relance_notice_deadline_days")
    def _compute_notice_deadline(self):
        for entry in self:
            entry.notice_deadline = entry.date and entry.company_id._relance_notice_deadline(
                entry.date
            )

    @api.depends("partner_id.relance_professional", "partner_id.relance_typology_id.public_body")
    def _compute_debtor_kind(self):
        for entry in self:
            entry.debtor_kind = entry.partner_id and entry.partner_id._relance_debtor_kind()

    @api.depends("penalty_ids.total")
    def _compute_penalty_total(self):
        for entry in self:
            entry.penalty_total = sum(
                p.currency_id._convert(p.total, entry.currency_id, entry.company_id, entry.date)
                for p in entry.penalty_ids
            )

    @api.depends("partner_id", "level_id", "date")
    def _compute_display_name(self):
        for entry in self:
            entry.display_name = " - ".join(
                part
                for part in (entry.partner_id.name, entry.level_id.name, str(entry.date))
                if part
            )

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su:
            for vals in vals_list:
                self._check_engine_links(vals)
                if not self._relance_is_engine_or_manager():
                    self._check_user_values(vals)
        entries = super().create(vals_list)
        entries._relance_sync_lines()
        if not self.env.su:
            entries._check_user_choices()
        return entries

    def write(self, vals):
        if not self.env.su:
            if any(e.state == "done" for e in self) and set(vals) - FIELDS_USER_WRITABLE_WHEN_DONE:
                raise UserError(
                    _("A dunning action that is done is a trace: it cannot be changed.")
                )
            self._check_engine_links(vals)
            if not self._relance_is_engine_or_manager():
                self._check_user_values(vals)
                self._check_content_unchanged(vals)
                self._check_user_date(vals.get("date"), phone=False)
        elif set(vals) - FIELDS_WRITABLE_WHEN_DONE and any(e.state == "done" for e in self):
            raise UserError(_("A dunning action that is done is a trace: it cannot be changed."))
        result = super().write(vals)
        if "move_ids" in vals:
            self._relance_sync_lines()
        return result

    def _relance_sync_lines(self):
        """One line per invoice of the action: an invoice added without its own level
        (an action planned by hand) is at the action's level; a line whose invoice
        left the action goes. Derived from checked invoices: written as the engine."""
        lines = self.sudo().line_ids
        lines.filtered(lambda line: line.move_id not in line.history_id.move_ids).unlink()
        missing = [
            {"history_id": entry.id, "move_id": move.id, "level_id": entry.level_id.id}
            for entry in self.sudo()
            for move in entry.move_ids - entry.line_ids.move_id
        ]
        if missing:
            self.env["relance.history.line"].sudo().create(missing)

    def _relance_prefetch_amounts(self):
        """Compute at once, for all these actions, the invoice amounts their message and
        document read per action (amount claimed on the action's date, amount still
        due): computed one action at a time otherwise, each time spreading the
        customer's open credits again, which made a run's cost per invoice grow with
        the ledger. The allocations behind them do not depend on which invoices are
        computed together."""
        for day in set(self.mapped("date")):
            moves = self.filtered(lambda entry, d=day: entry.date == d).move_ids
            moves.with_context(relance_date=day).mapped("relance_amount_claimed")
        self.move_ids.mapped("relance_amount_due")

    def _relance_level_by_move(self):
        """{invoice: its own level in this action} (the action's level when it has no line)."""
        self.ensure_one()
        levels = {line.move_id: line.level_id for line in self.line_ids}
        return {move: levels.get(move, self.level_id) for move in self.move_ids}

    def _relance_overdue_lines(self):
        """The lines the message claims: every invoice but those falling due soon (all of
        them for a preventive reminder), by due date."""
        self.ensure_one()
        lines = self.line_ids.filtered(lambda line: line.move_id in self.move_ids)
        if not self.level_id.preventive:
            lines = lines.filtered(lambda line: not line.due_soon)
        return lines.sorted(lambda line: (line.move_id.relance_due_date, line.move_id.id))

    def _relance_lines_below_level(self):
        """Overdue invoices listed at an earlier stage than the message's: a formal
        notice recalls them as reminders, it does not put them on notice."""
        self.ensure_one()
        return self._relance_overdue_lines().filtered(lambda line: line.level_id != self.level_id)

    def _relance_soon_lines(self):
        """Invoices falling due soon listed with overdue ones, in their own section: for
        information, not claimed (none for a preventive reminder, all are)."""
        self.ensure_one()
        if self.level_id.preventive:
            return self.line_ids.browse()
        lines = self.line_ids.filtered(lambda line: line.due_soon and line.move_id in self.move_ids)
        return lines.sorted(lambda line: (line.move_id.relance_due_date, line.move_id.id))

    def _relance_is_engine_or_manager(self):
        return is_manager(self.env)

    def _check_engine_links(self, vals):
        """The document and message of an action are evidence (the litigation file
        sends them to the lawyer): only the engine and the call wizard link them, to
        records they made for that action."""
        links = LINKS_ENGINE_ONLY.intersection(vals)
        if links:
            raise AccessError(
                _(
                    "Only the dunning engine writes these fields of a dunning action: %s.",
                    ", ".join(sorted(links)),
                )
            )

    def _check_user_date(self, value, phone):
        """Below manager an action is dated today (a call may be planned later)."""
        if not value or self._relance_is_engine_or_manager():
            return
        today = fields.Date.context_today(self)
        value = fields.Date.to_date(value)
        if value != today and not (phone and value > today):
            raise AccessError(
                _(
                    "A dunning action is dated today (%(today)s), not %(date)s: only a "
                    "collections manager may date it otherwise.",
                    today=today,
                    date=value,
                )
            )

    def _check_user_choices(self):
        """What a user chose for an action (customer, invoices, level, date) must be
        theirs to act on: the executor carries it out as superuser."""
        below_manager = not self._relance_is_engine_or_manager()
        for entry in self:
            phone = entry.channel == "phone"
            entry._check_invoices_of_customer()
            if below_manager:
                if not phone:
                    entry._check_invoices_open()
                entry._check_user_date(entry.date, phone=phone)
                if entry.level_id or not phone:
                    entry._check_level_of_customer()

    def _check_user_may_execute(self):
        """Re-checked by the executor before it acts as superuser: what a user planned
        is still theirs to act on, and a user runs today's actions only."""
        if self._relance_is_engine_or_manager():
            return
        today = fields.Date.context_today(self)
        for entry in self:
            if not entry.run_id:
                entry._check_user_choices()
                continue
            if entry.channel == "litigation":
                check_manager(
                    self.env,
                    _("Handing a customer over to litigation is a collections manager's decision."),
                )
            if entry.date > today:
                raise AccessError(
                    _(
                        "A dunning action dated %s cannot be carried out before that day.",
                        entry.date,
                    )
                )

    def _check_invoices_of_customer(self):
        partner = self.partner_id
        if partner != partner.commercial_partner_id:
            raise ValidationError(
                _(
                    "A dunning action is about a customer (%s), not one of its contacts.",
                    partner.commercial_partner_id.display_name,
                )
            )
        others = self.move_ids.filtered(
            lambda m: (
                m.commercial_partner_id != partner
                or m.company_id != self.company_id
                or m.move_type != "out_invoice"
                or m.state != "posted"
            )
        )
        if others:
            raise ValidationError(
                _(
                    "Only posted invoices of %(customer)s in %(company)s can be part of its "
                    "dunning action: %(moves)s.",
                    customer=partner.display_name,
                    company=self.company_id.name,
                    moves=", ".join(others.sudo().mapped("display_name")),
                )
            )

    def _check_level_of_customer(self):
        """The level belongs to the customer's plan, with its own channel; litigation
        is a manager's decision."""
        level = self.level_id
        plan = self.partner_id.with_company(self.company_id)._relance_effective_plan(
            self.company_id
        )
        if not level or level.plan_id != plan or self.channel != level.channel:
            raise ValidationError(
                _(
                    "A dunning action follows a level of %(customer)s's plan (%(plan)s) "
                    "with the level's own channel.",
                    customer=self.partner_id.display_name,
                    plan=plan.name or "-",
                )
            )
        if self.channel == "litigation":
            check_manager(
                self.env,
                _("Handing a customer over to litigation is a collections manager's decision."),
            )

    def _check_invoices_open(self):
        """A reminder is about invoices still due and not held (dispute, exclusion)."""
        if not self.move_ids:
            raise ValidationError(_("A reminder names the invoices it is about."))
        held = self.move_ids.filtered(
            lambda m: (
                m.relance_amount_due <= 0
                or m.relance_suspended
                or m.commercial_partner_id.relance_insolvency_date
                or m.commercial_partner_id.with_company(self.company_id).relance_excluded
            )
        )
        if held:
            raise ValidationError(
                _(
                    "These invoices are paid, suspended (e.g. a dispute) or excluded from "
                    "dunning: %s.",
                    ", ".join(held.mapped("display_name")),
                )
            )

    def _check_user_values(self, vals):
        """What a collector may write: plan, validate, cancel, log a call.

        Traces of what was sent (state done or failed, documents, messages) are
        written by the engine only; a user may only close a call they logged.
        """
        engine_fields = ENGINE_FIELDS.intersection(vals)
        if engine_fields:
            raise AccessError(
                _(
                    "Only the dunning engine writes these fields of a dunning action: %s.",
                    ", ".join(sorted(engine_fields)),
                )
            )
        channels = set(self.mapped("channel")) | (
            {vals["channel"]} if vals.get("channel") else set()
        )
        if vals.get("state") in ("done", "failed") or vals.get("executed"):
            if vals.get("state") == "failed" or channels - {"phone"}:
                raise AccessError(
                    _(
                        "A dunning action is carried out and marked done by the dunning "
                        "engine only: validate it instead."
                    )
                )

    def _check_content_unchanged(self, vals):
        changed = CONTENT_FIELDS.intersection(vals)
        if changed and self:
            raise AccessError(
                _(
                    "Only a collections manager can change the customer, invoices, amount, "
                    "level or channel of a dunning action (%s); exclude an invoice from "
                    "dunning or cancel the action instead.",
                    ", ".join(sorted(changed)),
                )
            )

    @api.ondelete(at_uninstall=False)
    def _unlink_except_done(self):
        if any(entry.state == "done" for entry in self):
            raise UserError(_("A dunning action that is done is a trace: it cannot be deleted."))

    def _relance_portal_url(self):
        """Link to the customer's open invoices; the disputes addon provides it."""
        return False

    def action_validate(self):
        """A collector validates planned actions: they run now."""
        pending = self.filtered(lambda e: e.state == "planned" and e.channel != "phone")
        pending.write({"to_validate": False})
        self.env["relance.executor"]._execute(pending)
        return True

    def action_log_call(self):
        self.ensure_one()
        check_collector(self.env)
        return {
            "type": "ir.actions.act_window",
            "name": _("Log the Call"),
            "res_model": "relance.call.outcome",
            "view_mode": "form",
            "target": "new",
            "context": {"default_history_id": self.id},
        }

    def action_cancel(self):
        for entry in self:
            if entry.state != "planned":
                raise UserError(_("Only planned actions can be cancelled."))
        self.activity_id.unlink()
        self.write({"state": "cancelled"})
        return True

    def action_mark_printed(self):
        self.write({"printed": True})
        return True

    def action_print_letters(self):
        letters = self.filtered("attachment_id")
        if not letters:
            raise UserError(_("None of the selected actions has a letter to print."))
        letters.action_mark_printed()
        return self.env.ref("relance_avancee.action_report_relance_reminder").report_action(letters)
