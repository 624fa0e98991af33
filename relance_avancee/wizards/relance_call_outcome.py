# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta

from markupsafe import Markup

from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError

from ..models.late_payment import (
    CALL_OUTCOME_REASONS,
    CALL_OUTCOMES_NEEDING_REASON,
    CALL_OUTCOMES_WITHOUT_REASON,
    LATE_REASONS,
)
from ..models.relance_history import (
    CALL_OUTCOMES,
    CALL_OUTCOMES_NEEDING_NOTE,
    CALL_OUTCOMES_UNCONFIRMED,
)


class RelanceCallOutcome(models.TransientModel):
    """Closes a collection call with what the customer said, and confirms it in writing."""

    _name = "relance.call.outcome"
    _description = "Collection Call Outcome"

    history_id = fields.Many2one("relance.history", string="Planned Call")
    partner_id = fields.Many2one("res.partner", string="Customer", required=True)
    move_ids = fields.Many2many("account.move", string="Invoices")
    outcome = fields.Selection(CALL_OUTCOMES, required=True, default="promise")
    currency_id = fields.Many2one(related="partner_id.relance_currency_id")
    promise_date = fields.Date(string="Promised Payment Date")
    promise_amount = fields.Monetary(currency_field="currency_id")
    reschedule_date = fields.Date(
        string="Call Again On",
        default=lambda self: fields.Date.context_today(self) + timedelta(days=2),
    )
    note = fields.Text(string="What was said")
    send_confirmation = fields.Boolean(
        string="Send Written Confirmation",
        default=True,
        help="Email the customer what was agreed (a letter to print when it has no email "
        "address): every call leaves a written trace.",
    )
    late_reason = fields.Selection(
        LATE_REASONS,
        string="Why Late",
        compute="_compute_late_reason",
        store=True,
        readonly=False,
        precompute=True,
        help="Why the customer pays late, as it said: counted by internal process in the "
        "analysis of why customers pay late. Suggested by the outcome; yours to change.",
    )
    note_required = fields.Boolean(compute="_compute_outcome_rules")
    confirmation_offered = fields.Boolean(compute="_compute_outcome_rules")
    reason_required = fields.Boolean(compute="_compute_outcome_rules")
    reason_offered = fields.Boolean(compute="_compute_outcome_rules")

    @api.depends("outcome")
    def _compute_outcome_rules(self):
        for wizard in self:
            wizard.note_required = wizard.outcome in CALL_OUTCOMES_NEEDING_NOTE
            wizard.confirmation_offered = wizard.outcome not in CALL_OUTCOMES_UNCONFIRMED
            wizard.reason_required = wizard.outcome in CALL_OUTCOMES_NEEDING_REASON
            wizard.reason_offered = wizard.outcome not in CALL_OUTCOMES_WITHOUT_REASON

    @api.depends("outcome")
    def _compute_late_reason(self):
        for wizard in self:
            wizard.late_reason = CALL_OUTCOME_REASONS.get(wizard.outcome, False)

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        history = self.env["relance.history"].browse(values.get("history_id"))
        if history:
            values.setdefault("partner_id", history.partner_id.id)
            values.setdefault("move_ids", [fields.Command.set(history.move_ids.ids)])
        partner = self.env["res.partner"].browse(values.get("partner_id")).commercial_partner_id
        if partner and not values.get("move_ids"):
            values["move_ids"] = [fields.Command.set(partner._relance_overdue_invoices().ids)]
        if "promise_amount" in fields_list and values.get("move_ids"):
            moves = self.env["account.move"].browse(values["move_ids"][0][2])
            # In the company's currency, as the promise is written and judged.
            values["promise_amount"] = moves._relance_company_amount_due()
        return values

    @api.constrains("partner_id", "move_ids", "history_id")
    def _check_invoices_of_the_customer(self):
        """The call is about the customer's own invoices, in the call's company: its
        outcome emails them (duplicates, confirmation) and writes on them."""
        for wizard in self:
            partner = wizard.partner_id.commercial_partner_id
            company = wizard._call_company()
            history = wizard.history_id.sudo()
            if history and history.partner_id != partner:
                raise ValidationError(_("The planned call is about another customer."))
            # Read as the engine: an invoice of a company the user cannot open is refused
            # with the same message, and nothing of it is shown.
            foreign = wizard.move_ids.sudo().filtered(
                lambda m, p=partner, c=company: (
                    m.commercial_partner_id != p or m.company_id != c or not m.is_sale_document()
                )
            )
            if foreign:
                raise ValidationError(
                    _(
                        "Only invoices of %(customer)s in %(company)s can be part of this call.",
                        customer=partner.display_name,
                        company=company.name,
                    )
                )

    def _call_company(self):
        """The company the call is made for: the planned call's, else the current one."""
        return self.history_id.sudo().company_id or self.env.company

    def action_confirm(self):
        self.ensure_one()
        self._check_invoices_of_the_customer()
        self._check_values()
        getattr(self, f"_apply_{self.outcome}")()
        entry = self._close_call()
        # The invoices were checked to be the customer's own in the call's company.
        self.move_ids._relance_note_late_reason(entry.late_reason, entry.date)
        if self.send_confirmation and self.confirmation_offered:
            self._send_confirmation(entry)
        return {"type": "ir.actions.act_window_close"}

    def _check_values(self):
        today = fields.Date.context_today(self)
        if self.outcome == "promise":
            if not self.promise_date or self.promise_date < today:
                raise UserError(_("Give the payment date the customer promised (today or later)."))
            if self.promise_amount <= 0:
                raise UserError(_("The promised amount must be positive."))
        if self.outcome == "no_answer" and (
            not self.reschedule_date or self.reschedule_date < today
        ):
            raise UserError(_("Choose when to call again (today or later)."))
        if self.note_required and not self.note:
            raise UserError(_("Describe what the customer said: the next person will need it."))
        if self.reason_required and not self.late_reason:
            raise UserError(
                _(
                    "Choose why the customer pays late: it is counted in the analysis of why "
                    "customers pay late."
                )
            )

    # --- outcomes ------------------------------------------------------------

    def _apply_promise(self):
        """The promise covers the invoices it names: they wait for it, the customer's
        other overdue invoices keep their rhythm. The customer keeps the latest promise
        made to the company whose invoices the call was about (worklist, chatter note)."""
        company = self.history_id.company_id or self.move_ids.company_id[:1] or self.env.company
        self.partner_id.commercial_partner_id.with_company(company).write(
            {
                "relance_promise_date": self.promise_date,
                "relance_promise_amount": self.promise_amount,
            }
        )
        # The invoices were checked to be the customer's own in this company.
        self.move_ids.sudo().write({"relance_promise_date": self.promise_date})

    def _apply_dispute(self):
        """Without the disputes addon: suspend the invoices with the reason given."""
        self.move_ids._relance_exclude_from_dunning(_("Dispute: %s", self.note))

    def _apply_not_received(self):
        customer = self.partner_id.commercial_partner_id
        recipient = customer._relance_invoice_recipient(self.move_ids)
        if not recipient:
            raise UserError(_("The customer has no email address: add one to send the duplicates."))
        self.move_ids._relance_send_duplicates(recipient)

    def _apply_wrong_contact(self):
        self._schedule_call(fields.Date.context_today(self), _("Find the right contact"))

    def _apply_no_answer(self):
        self._schedule_call(self.reschedule_date, _("Call again (no answer)"))

    def _apply_claims_paid(self):
        partner = self.partner_id.commercial_partner_id
        accountant = self.env.ref("account.group_account_manager").users.filtered(
            lambda u: self.env.company in u.company_ids
        )[:1]
        partner.activity_schedule(
            "mail.mail_activity_data_todo",
            summary=_("Check payment claimed by the customer"),
            note=Markup("<p>%s</p><p>%s</p>")
            % (self.note, ", ".join(self.move_ids.mapped("name"))),
            user_id=(accountant or self.env.user).id,
        )

    # --- helpers -------------------------------------------------------------

    def _schedule_call(self, when, summary):
        partner = self.partner_id.commercial_partner_id
        history = self.history_id
        self.env["relance.history"].create(
            {
                "partner_id": partner.id,
                "company_id": self.env.company.id,
                "move_ids": [fields.Command.set(self.move_ids.ids)],
                "level_id": history.level_id.id,
                "channel": "phone",
                "date": when,
                "state": "planned",
                "executed": True,
                "amount_due": history.amount_due or self.move_ids._relance_company_amount_due(),
                "user_id": self.env.user.id,
                "activity_id": partner.activity_schedule(
                    activity_type_id=self.env.ref(
                        "relance_avancee.mail_activity_type_relance_call"
                    ).id,
                    date_deadline=when,
                    summary=summary,
                    note=self.note or "",
                    user_id=self.env.user.id,
                ).id,
            }
        )

    def _close_call(self):
        """The planned call becomes a done trace (or a new trace for an unplanned call)."""
        values = {
            "state": "done",
            "outcome": self.outcome,
            "promise_date": self.promise_date if self.outcome == "promise" else False,
            "promise_amount": self.promise_amount if self.outcome == "promise" else 0.0,
            "late_reason": self.late_reason if self.reason_offered else False,
            "note": Markup("<p>%s</p>") % (self.note or ""),
            "user_id": self.env.user.id,
            "date": fields.Date.context_today(self),
        }
        entry = self.history_id
        if entry and entry.state == "planned":
            activity = entry.activity_id
            entry.write(values)
            if activity:
                activity.action_feedback(feedback=self.note or "")
        else:
            entry = self.env["relance.history"].create(
                {
                    **values,
                    "partner_id": self.partner_id.commercial_partner_id.id,
                    "company_id": self.env.company.id,
                    "move_ids": [fields.Command.set(self.move_ids.ids)],
                    "channel": "phone",
                    "executed": True,
                    "amount_due": self.move_ids._relance_company_amount_due(),
                }
            )
        return entry

    def _send_confirmation(self, entry):
        """Every call is confirmed in writing: by email, else by a letter to print."""
        partner = self.partner_id.commercial_partner_id
        recipient = partner._relance_invoice_recipient(self.move_ids)
        # The editable template, in the customer's language, whoever made the call.
        subject, body = self.env["mail.template"]._relance_render_in_their_language(
            "relance_avancee.mail_template_relance_call_confirmation",
            entry,
            add_context={"invoices": self.move_ids, "call_note": self.note},
        )
        if not recipient:
            entry._relance_confirm_by_letter(subject, body)
            return
        message = partner.with_context(mail_notify_force_send=False).message_post(
            subject=subject,
            body=body,
            partner_ids=recipient.ids,
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
            email_layout_xmlid="mail.mail_notification_light",
        )
        # The written confirmation is the call's trace (litigation file history): it
        # replaces the internal note logged when the call was planned, not an email.
        current = entry.message_id
        if not current or current.subtype_id.internal:
            entry.sudo().message_id = message
