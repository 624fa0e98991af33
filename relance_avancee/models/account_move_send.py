# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import _, api, models


class AccountMoveSend(models.AbstractModel):
    _inherit = "account.move.send"

    @api.model
    def _get_alerts(self, moves, moves_data):
        """Sending an invoice runs the prevention checks again, as a warning."""
        alerts = super()._get_alerts(moves, moves_data)
        problems = []
        for move in moves._relance_checked_invoices():
            problems += [
                f"{move.name}: {problem}" if len(moves) > 1 else problem
                for problem in move._relance_check_problems() + move._relance_check_notices()
            ]
        if problems:
            alerts["relance_invoice_checks"] = {
                "level": "warning",
                "message": "\n".join(
                    [_("Invoice checks found problems that may delay the payment:"), *problems]
                ),
            }
        return alerts
