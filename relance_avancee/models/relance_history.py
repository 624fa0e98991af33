from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError

from .relance_level import CHANNELS

OUTCOMES = [
    ("sent", "Sent"),
    ("promise", "Promise to pay"),
    ("dispute", "Dispute"),
    ("not_received", "Invoice not received"),
    ("wrong_contact", "Wrong contact"),
    ("no_answer", "No answer"),
    ("claims_paid", "Claims already paid"),
]

# Fields the engine may still write on a done entry (links added after the fact).
FIELDS_WRITABLE_WHEN_DONE = {"attachment_id", "message_id", "printed", "document_state", "error"}
# Fields a user may still write on a done entry: a letter was printed and posted.
FIELDS_USER_WRITABLE_WHEN_DONE = {"printed"}
# Links a user may add to a done entry when it has none yet (e.g. the written
# confirmation of a call), never replace.
LINKS_USER_MAY_ADD = {"attachment_id", "message_id"}
# Fields only the engine writes (as superuser): by which run, how the document went.
ENGINE_FIELDS = {"run_id", "document_state", "error", "penalty_ids"}
# What a planned action is about: set by the engine or a manager, never by a collector
# (who validates, cancels, reassigns or annotates it instead).
CONTENT_FIELDS = {
    "partner_id",
    "move_ids",
    "amount_due",
    "level_id",
    "channel",
    "recipient_id",
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
    level_id = fields.Many2one("relance.level", ondelete="restrict", index=True)
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
    attachment_id = fields.Many2one("ir.attachment", ondelete="set null")
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
    invoice_count = fields.Integer(compute="_compute_invoice_count")
    penalty_ids = fields.One2many("relance.penalty", "history_id", string="Penalties")
    penalty_total = fields.Monetary(compute="_compute_penalty_total", currency_field="currency_id")

    @api.depends("move_ids")
    def _compute_invoice_count(self):
        for entry in self:
            entry.invoice_count = len(entry.move_ids)

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
        if not self._relance_is_engine_or_manager():
            for vals in vals_list:
                self._check_user_values(vals)
                links = LINKS_USER_MAY_ADD.intersection(key for key, v in vals.items() if v)
                if links:
                    raise AccessError(
                        _(
                            "Only the dunning engine writes these fields of a dunning action: %s.",
                            ", ".join(sorted(links)),
                        )
                    )
        return super().create(vals_list)

    def write(self, vals):
        if not self.env.su:
            done = self.filtered(lambda e: e.state == "done")
            changed = set(vals) - FIELDS_USER_WRITABLE_WHEN_DONE
            if done and any(
                name not in LINKS_USER_MAY_ADD or any(done.mapped(name)) for name in changed
            ):
                raise UserError(
                    _("A dunning action that is done is a trace: it cannot be changed.")
                )
            if set(vals) & LINKS_USER_MAY_ADD and any(
                entry[name] for entry in self for name in set(vals) & LINKS_USER_MAY_ADD
            ):
                raise UserError(
                    _("The document or message of a dunning action cannot be replaced.")
                )
            if not self._relance_is_engine_or_manager():
                self._check_user_values(vals)
                self._check_content_unchanged(vals)
        elif set(vals) - FIELDS_WRITABLE_WHEN_DONE and any(e.state == "done" for e in self):
            if not self.env.context.get("relance_history_closing"):
                raise UserError(
                    _("A dunning action that is done is a trace: it cannot be changed.")
                )
        return super().write(vals)

    def _relance_is_engine_or_manager(self):
        return self.env.su or self.env.user.has_group("relance_avancee.group_relance_manager")

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
