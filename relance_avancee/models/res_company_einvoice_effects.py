# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models

# Days a payment announced by the customer's platform (e-invoicing "Payment sent")
# holds its amount out of the reminders before the collector is asked to check.
DEFAULT_PAYMENT_GRACE_DAYS = 10


class ResCompany(models.Model):
    """What the e-invoicing lifecycle statuses received from the platform do."""

    _inherit = "res.company"

    relance_einvoice_grace_days = fields.Integer(
        string="Announced Payment Grace (days)",
        default=DEFAULT_PAYMENT_GRACE_DAYS,
        help="A payment the customer's platform announced (status Payment sent) is not "
        "reminded nor charged penalties for this many days after its payment date; if it "
        "is not booked by then, the collector gets a task to check it.",
    )
    relance_invoicing_user_id = fields.Many2one(
        "res.users",
        string="Invoicing Responsible",
        help="Gets the tasks about invoices the e-invoicing platform rejected (never "
        "legally issued: to correct and issue again). Empty: whoever created the invoice.",
    )

    _sql_constraints = [
        (
            "relance_einvoice_grace_days_positive",
            "CHECK(relance_einvoice_grace_days IS NULL OR relance_einvoice_grace_days >= 0)",
            "The grace period of an announced payment cannot be negative.",
        ),
    ]

    def _relance_einvoice_grace_days(self):
        self.ensure_one()
        grace = self.relance_einvoice_grace_days
        return DEFAULT_PAYMENT_GRACE_DAYS if grace is None or grace is False else grace
