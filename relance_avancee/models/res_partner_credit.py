# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from markupsafe import Markup

from odoo import api, models
from odoo.tools.misc import format_date

from .account_move_credit import credit_reference


class ResPartner(models.Model):
    """Open credits to reconcile: the collector is asked to match them with invoices."""

    _inherit = "res.partner"

    @api.model
    def _relance_schedule_credit_reconciliation(self, company):
        """A to-do for the collector of each customer who has, in ``company``, open
        credits (credit notes, payments not matched) beside open invoices in the same
        currency: the engine already nets them, the books should too. One to-do per
        customer at a time."""
        moves = self.env["account.move"]
        credits = moves._relance_open_credits(None, company)
        if not credits:
            return
        by_partner = {}
        for source, partner, _company, currency, amount, _reversed in credits:
            by_partner.setdefault(partner, []).append((source, currency, amount))
        debts = {
            (partner.id, currency.id)
            for partner, currency in moves.sudo()._read_group(
                [
                    *moves._relance_open_invoice_domain(
                        self.browse([p.id for p in by_partner]), company
                    )
                ],
                ["commercial_partner_id", "currency_id"],
            )
        }
        activity_type = self.env.ref("relance_avancee.mail_activity_type_relance_reconcile")
        already = set(
            self.env["mail.activity"]
            .sudo()
            .search(
                [
                    ("res_model", "=", "res.partner"),
                    ("res_id", "in", [p.id for p in by_partner]),
                    ("activity_type_id", "=", activity_type.id),
                ]
            )
            .mapped("res_id")
        )
        for partner, items in by_partner.items():
            items = [item for item in items if (partner.id, item[1].id) in debts]
            if not items or partner.id in already:
                continue
            partner.sudo().with_context(mail_activity_quick_update=True).activity_schedule(
                activity_type_id=activity_type.id,
                note=Markup("<ul>%s</ul>")
                % Markup().join(
                    Markup("<li>%s (%s): %s</li>")
                    % (
                        credit_reference(source),
                        format_date(self.env, source.date),
                        currency.format(amount),
                    )
                    for source, currency, amount in items
                ),
                user_id=partner._relance_collector().id,
            )
