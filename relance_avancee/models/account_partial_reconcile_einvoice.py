# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, models


class AccountPartialReconcile(models.Model):
    """A payment reconciled with an invoice bearing VAT on payments queues its Cashed
    status for the e-invoicing platform; undone before it is sent, the status goes."""

    _inherit = "account.partial.reconcile"

    @api.model_create_multi
    def create(self, vals_list):
        partials = super().create(vals_list)
        self.env["relance.einvoice.status"]._relance_queue_cashed(partials)
        return partials

    @api.ondelete(at_uninstall=False)
    def _unlink_relance_cashed_status(self):
        self.env["relance.einvoice.status"]._relance_unqueue_cashed(self)
