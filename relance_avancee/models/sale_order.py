# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from markupsafe import Markup

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError

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

    @api.depends("partner_id", "company_id", "partner_credit_warning")
    def _compute_relance_block_message(self):
        for order in self:
            partner = order._relance_customer()
            messages = []
            if partner.relance_blocked:
                messages.append(partner._relance_block_banner())
            if order.partner_credit_warning:
                messages.append(order.partner_credit_warning)
            order.relance_blocked = bool(messages)
            order.relance_block_message = "\n".join(messages)

    def _relance_customer(self):
        """The customer with its dunning state in the order's company (the state is per
        company, and the order may belong to another company than the current one)."""
        self.ensure_one()
        return self.partner_id.commercial_partner_id.with_company(
            self.company_id or self.env.company
        )

    @api.onchange("partner_id")
    def _onchange_partner_id_relance_warning(self):
        partner = self._relance_customer()
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

    @api.model_create_multi
    def create(self, vals_list):
        if any(vals.get("relance_override_reason") for vals in vals_list):
            self._relance_refuse_override_reason()
        orders = super().create(vals_list)
        orders.filtered(lambda o: o.state == "sale")._relance_check_block()
        return orders

    def write(self, vals):
        if vals.get("relance_override_reason"):
            self._relance_refuse_override_reason()
        confirming = self.browse()
        if vals.get("state") == "sale":
            confirming = self.filtered(lambda o: o.state != "sale")
            confirming._relance_check_block()
        result = super().write(vals)
        if confirming and {"partner_id", "company_id"}.intersection(vals):
            confirming._relance_check_block()  # confirmed for another customer or company
        return result

    def _action_confirm(self):
        self._relance_check_block()
        return super()._action_confirm()

    def _relance_refuse_override_reason(self):
        """The reason is written by the logged override only (``_relance_log_override``)."""
        if not self.env.su:
            raise AccessError(
                _("The block override reason is given through the override confirmation only.")
            )

    def _relance_check_block(self):
        """Refuse confirming the orders of a customer blocked by the order's company,
        unless a user of the override group confirmed them with a logged reason."""
        allowed = self.env.user.has_group(OVERRIDE_GROUP)
        for order in self:
            if not order._relance_customer().relance_blocked:
                continue
            if allowed and order.relance_override_reason:
                continue
            raise UserError(
                _(
                    "%(order)s cannot be confirmed: the customer is blocked for unpaid "
                    "invoices by %(company)s.\nAsk the collections team, or a user allowed "
                    "to confirm sales for blocked customers.",
                    order=order.name,
                    company=order.company_id.name,
                )
            )

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
        # Written as the engine: only this logged path sets the reason.
        self.sudo().relance_override_reason = reason
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
