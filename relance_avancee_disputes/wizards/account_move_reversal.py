# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import models


class AccountMoveReversal(models.TransientModel):
    _inherit = "account.move.reversal"

    def reverse_moves(self, is_modify=False):
        """Opened from a dispute: link the credit notes to it and resolve it."""
        action = super().reverse_moves(is_modify=is_modify)
        dispute_id = self.env.context.get("relance_dispute_id")
        if dispute_id:
            dispute = self.env["relance.dispute"].browse(dispute_id).exists()
            credit_notes = (
                self.move_ids.reversal_move_ids.filtered(lambda m: m.move_type == "out_refund")
                - dispute.credit_note_ids
            )
            resolution = self.env.context.get("relance_dispute_resolution") or "credit_note"
            if is_modify and resolution == "credit_note":
                resolution = "reinvoicing"  # full refund and a new, corrected invoice
            dispute._link_credit_notes(credit_notes, resolution)
        return action
