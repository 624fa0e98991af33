# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import _, fields, models

from ..access import check_manager


class RelanceBlockPartner(models.TransientModel):
    """A manager blocks or unblocks a customer by hand, with a reason."""

    _name = "relance.block.partner"
    _description = "Block or Unblock a Customer"

    partner_id = fields.Many2one("res.partner", required=True)
    block = fields.Boolean(default=True)
    reason = fields.Char(required=True)

    def action_apply(self):
        self.ensure_one()
        check_manager(self.env, _("Only a collections manager can block or unblock a customer."))
        partner = self.partner_id.commercial_partner_id
        if self.block:
            partner._relance_block(self.reason)
        else:
            partner._relance_unblock(self.reason)
        return {"type": "ir.actions.act_window_close"}
