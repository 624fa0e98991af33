# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models

from odoo.addons.relance_avancee.models.late_payment import PROCESSES

CATEGORIES = [
    ("accounting", "Accounting"),
    ("commercial", "Commercial"),
    ("administrative", "Administrative"),
    ("logistics", "Logistics"),
    ("quality", "Quality"),
]

# The processes are the base addon's one list: call reasons and disputes add up in
# the "why customers pay late" analysis.
ROOT_PROCESSES = PROCESSES


class RelanceDisputeReason(models.Model):
    """Why a customer does not pay, and which internal process it points to."""

    _name = "relance.dispute.reason"
    _description = "Dispute Reason"
    _order = "sequence, name"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    category = fields.Selection(CATEGORIES, required=True)
    root_process = fields.Selection(
        ROOT_PROCESSES,
        required=True,
        help="The internal process to fix so that this cause of late payment disappears.",
    )
    sla_days = fields.Integer(string="SLA (days)", default=10, required=True)
    preventable = fields.Boolean(
        help="Would have been avoided by the checks made when the invoice is posted "
        "(invoice not received, wrong recipient, missing purchase order reference).",
    )
    portal_visible = fields.Boolean(
        string="Offered to Customers", default=True, help="Customers can choose it on the portal."
    )
    active = fields.Boolean(default=True)

    _sql_constraints = [
        ("sla_days_positive", "CHECK(sla_days > 0)", "The SLA must be at least one day."),
    ]
