# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import _, fields, models
from odoo.exceptions import UserError


class RelanceCallOutcome(models.TransientModel):
    _inherit = "relance.call.outcome"

    dispute_reason_id = fields.Many2one("relance.dispute.reason")

    def _check_values(self):
        res = super()._check_values()
        if self.outcome == "dispute" and not self.dispute_reason_id:
            raise UserError(_("Choose the reason of the dispute."))
        return res

    def _apply_dispute(self):
        """Hand the problem to the disputes workflow: routed, and dunning suspended."""
        self.env["relance.dispute"].create(
            {
                "partner_id": self.partner_id.commercial_partner_id.id,
                "move_ids": [fields.Command.set(self.move_ids.ids)],
                "reason_id": self.dispute_reason_id.id,
                "description": self.note,
                "source": "call",
            }
        )
