from odoo import _, api, fields, models
from odoo.exceptions import UserError

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

# Fields a done entry may still receive (links added after the fact).
FIELDS_WRITABLE_WHEN_DONE = {"attachment_id", "message_id", "printed", "document_state", "error"}


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

    def write(self, vals):
        protected = set(vals) - FIELDS_WRITABLE_WHEN_DONE
        if protected and any(entry.state == "done" for entry in self):
            if not self.env.context.get("relance_history_closing"):
                raise UserError(
                    _("A dunning action that is done is a trace: it cannot be changed.")
                )
        return super().write(vals)

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
