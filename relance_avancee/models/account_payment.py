from odoo import api, models


def _refresh_blocked(moves):
    """A payment may clear what kept a customer blocked: unblock at once when allowed."""
    for company in moves.company_id:
        partners = moves.filtered(lambda m, c=company: m.company_id == c).commercial_partner_id
        blocked = partners.filtered("relance_blocked")
        if blocked and company.relance_auto_unblock:
            blocked.with_company(company).sudo()._relance_refresh_state()


class AccountPartialReconcile(models.Model):
    _inherit = "account.partial.reconcile"

    @api.model_create_multi
    def create(self, vals_list):
        partials = super().create(vals_list)
        _refresh_blocked((partials.debit_move_id | partials.credit_move_id).move_id)
        return partials


class AccountPayment(models.Model):
    _inherit = "account.payment"

    def action_post(self):
        res = super().action_post()
        _refresh_blocked(self.invoice_ids)
        return res


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
            _refresh_blocked(unbooked.invoice_ids)
        return res
