# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import _, fields, models
from odoo.exceptions import UserError


class RelanceBlockOverride(models.TransientModel):
    """An authorised user confirms sales of a blocked customer, saying why."""

    _name = "relance.block.override"
    _description = "Confirm Sale For a Blocked Customer"

    order_ids = fields.Many2many("sale.order", required=True)
    reason = fields.Char(required=True)

    def action_confirm(self):
        self.ensure_one()
        if not self.env.user.has_group("relance_avancee.group_relance_block_override"):
            raise UserError(_("You are not allowed to confirm sales for blocked customers."))
        if not (self.reason or "").strip():
            raise UserError(_("Give the reason for confirming despite the block."))
        self.order_ids.with_context(relance_block_override_reason=self.reason).action_confirm()
        return {"type": "ir.actions.act_window_close"}
