# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import models


class ResPartner(models.Model):
    """Disputes in the payer score: those found unfounded (rejected) count as incidents."""

    _inherit = "res.partner"

    def _relance_payer_disputes(self, company, start, date):
        """Disputes of these customers rejected from ``start`` to ``date`` in ``company``:
        the customer held its payment without cause. Open disputes and those resolved
        in the customer's favour (often the company's own error) do not count."""
        counts = dict(super()._relance_payer_disputes(company, start, date))
        groups = (
            self.env["relance.dispute"]
            .sudo()
            ._read_group(
                [
                    ("partner_id", "in", self.ids),
                    ("company_id", "=", company.id),
                    ("state", "=", "rejected"),
                    ("date_closed", ">=", start),
                    ("date_closed", "<=", date),
                ],
                ["partner_id"],
                ["__count"],
            )
        )
        for partner, count in groups:
            counts[partner.id] = counts.get(partner.id, 0) + count
        return counts
