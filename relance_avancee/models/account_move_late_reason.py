# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models

from .late_payment import LATE_REASONS


class AccountMove(models.Model):
    """The latest reason the customer gave on a call for paying this invoice late."""

    _inherit = "account.move"

    relance_late_reason = fields.Selection(
        LATE_REASONS,
        string="Why Late",
        copy=False,
        readonly=True,
        help="Why the customer pays this invoice late, as said on the latest call about it.",
    )
    relance_late_reason_date = fields.Date(
        string="Reason Given On",
        copy=False,
        readonly=True,
    )

    def _relance_note_late_reason(self, reason, day):
        """The call about these invoices gave ``reason``: the invoices keep the latest."""
        if reason:
            self.sudo().write({"relance_late_reason": reason, "relance_late_reason_date": day})
