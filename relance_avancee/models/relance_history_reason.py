# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models

from .late_payment import LATE_REASONS


class RelanceHistory(models.Model):
    """Why the customer pays late, as the collector heard it on the call."""

    _inherit = "relance.history"

    late_reason = fields.Selection(
        LATE_REASONS,
        string="Why Late",
        index="btree_not_null",
        help="Why the customer pays late, as said on this call: counted by internal "
        "process in the analysis of why customers pay late.",
    )
