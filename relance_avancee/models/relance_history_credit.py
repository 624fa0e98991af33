# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from collections import defaultdict

from odoo import api, fields, models
from odoo.tools.misc import format_date


class RelanceHistory(models.Model):
    """Open credits a reminder deducted from the amounts it claims, as its documents say."""

    _inherit = "relance.history"

    deducted_credits = fields.Text(
        compute="_compute_deducted_credits",
        help="Credit notes and payments not reconciled yet that were deducted from the "
        "amounts due, one per line, in the customer's language.",
    )

    @api.depends("move_ids.amount_residual")
    @api.depends_context("lang")
    def _compute_deducted_credits(self):
        credits = self.move_ids._relance_deducted_credits()  # one allocation for the batch
        for entry in self:
            deducted = defaultdict(float)  # a credit over several invoices: one line
            for credit in credits:
                if credit["invoice"] in entry.move_ids:
                    key = (credit["date"], credit["kind"], credit["reference"], credit["currency"])
                    deducted[key] += credit["amount"]
            entry.deducted_credits = "\n".join(
                entry._relance_credit_line(*key, amount)
                for key, amount in sorted(deducted.items(), key=lambda item: item[0][:3])
            )

    def _relance_credit_line(self, day, kind, reference, currency, amount):
        values = {
            "reference": reference or "",
            "date": format_date(self.env, day),
            "amount": currency.format(amount),
        }
        if kind == "payment":
            return self.env._("Payment %(reference)s of %(date)s: %(amount)s", **values)
        return self.env._("Credit note %(reference)s of %(date)s: %(amount)s", **values)
