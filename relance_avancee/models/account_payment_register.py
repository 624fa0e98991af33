# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import models


class AccountPaymentRegister(models.TransientModel):
    _inherit = "account.payment.register"

    def _reconcile_payments(self, to_process, edit_mode=False):
        """Payments registered but not booked (journal without outstanding account)
        are only linked to their invoices here, after ``action_post``: unblock now."""
        res = super()._reconcile_payments(to_process, edit_mode=edit_mode)
        unbooked = self.env["account.payment"].union(
            *(vals["payment"] for vals in to_process if not vals["payment"].move_id)
        )
        if unbooked:
            unbooked.invoice_ids._relance_refresh_blocked()
        return res
