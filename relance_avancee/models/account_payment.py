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
