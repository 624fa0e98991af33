# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import _, api, fields, models
from odoo.exceptions import UserError


class RelancePenaltyWaive(models.TransientModel):
    """A collections manager waives some penalty charges, saying why."""

    _name = "relance.penalty.waive"
    _description = "Waive Late-Payment Penalties"

    penalty_ids = fields.Many2many("relance.penalty", string="Penalties", required=True)
    currency_id = fields.Many2one(related="penalty_ids.currency_id")
    amount = fields.Monetary(
        string="Amount Waived", compute="_compute_amount", currency_field="currency_id"
    )
    reason = fields.Char(required=True)

    @api.depends("penalty_ids.total")
    def _compute_amount(self):
        for wizard in self:
            wizard.amount = sum(wizard.penalty_ids.mapped("total"))

    def action_waive(self):
        self.ensure_one()
        if not (self.reason or "").strip():
            raise UserError(_("Give the reason for waiving the penalty."))
        self.penalty_ids.action_waive(self.reason)
        return {"type": "ir.actions.act_window_close"}
