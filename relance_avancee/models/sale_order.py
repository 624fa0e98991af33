from markupsafe import Markup

from odoo import _, api, fields, models
from odoo.exceptions import UserError

OVERRIDE_GROUP = "relance_avancee.group_relance_block_override"


class SaleOrder(models.Model):
    """Salespeople see, on the quotation, that the customer is blocked for unpaid invoices."""

    _inherit = "sale.order"

    relance_blocked = fields.Boolean(
        string="Customer Blocked (Unpaid)", compute="_compute_relance_block_message"
    )
    relance_block_message = fields.Text(compute="_compute_relance_block_message")
    relance_override_reason = fields.Char(
        string="Block Override Reason", readonly=True, copy=False, tracking=True
    )

    @api.depends("partner_id", "partner_credit_warning")
    def _compute_relance_block_message(self):
        for order in self:
            partner = order.partner_id.commercial_partner_id
            messages = []
            if partner.relance_blocked:
                messages.append(partner._relance_block_banner())
            if order.partner_credit_warning:
                messages.append(order.partner_credit_warning)
            order.relance_blocked = bool(messages)
            order.relance_block_message = "\n".join(messages)

    @api.onchange("partner_id")
    def _onchange_partner_id_relance_warning(self):
        partner = self.partner_id.commercial_partner_id
        if not partner:
            return None
        messages = []
        if partner.relance_blocked:
            messages.append(partner._relance_block_banner())
        # Odoo's own credit limit check (company setting and partner limit)
        credit_warning = self.partner_credit_warning
        if credit_warning:
            messages.append(credit_warning)
        if not messages:
            return None
        title = (
            _("Customer blocked for unpaid invoices")
            if partner.relance_blocked
            else _("Customer over its credit limit")
        )
        return {"warning": {"title": title, "message": "\n".join(messages)}}

    def action_confirm(self):
        blocked = self.filtered("relance_blocked")
        reason = self.env.context.get("relance_block_override_reason")
        if blocked:
            # A reason in the context is no pass: only the override group may use one.
            if not self.env.user.has_group(OVERRIDE_GROUP):
                raise UserError(
                    _(
                        "%(order)s cannot be confirmed: %(message)s\n"
                        "Ask the collections team, or a user allowed to confirm sales "
                        "for blocked customers.",
                        order=blocked[0].name,
                        message=blocked[0].relance_block_message,
                    )
                )
            if not (reason or "").strip():
                return blocked._relance_override_wizard()
            blocked._relance_log_override(reason)
        return super().action_confirm()

    def _relance_override_wizard(self):
        return {
            "type": "ir.actions.act_window",
            "name": _("Confirm For a Blocked Customer"),
            "res_model": "relance.block.override",
            "view_mode": "form",
            "target": "new",
            "context": {"default_order_ids": self.ids},
        }

    def _relance_log_override(self, reason):
        self.relance_override_reason = reason
        for order in self:
            text = _(
                "Confirmed by %(user)s although the customer is blocked. Reason: %(reason)s",
                user=self.env.user.name,
                reason=reason,
            )
            order.message_post(body=Markup("<p>%s</p>") % text)
            order.partner_id.commercial_partner_id.sudo().message_post(
                body=Markup("<p>%s (%s)</p>") % (text, order.name)
            )
