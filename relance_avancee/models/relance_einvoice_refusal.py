# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models

from .relance_einvoice_status import REFUSALS, SOURCES


class RelanceEinvoiceRefusal(models.Model):
    """A lifecycle message the e-invoicing endpoint refused, and why: the trace a
    manager reads when a platform connector complains, or when someone probes."""

    _name = "relance.einvoice.refusal"
    _description = "Refused E-Invoicing Lifecycle Message"
    _order = "date desc, id desc"
    _rec_name = "reason"

    date = fields.Datetime(required=True, default=fields.Datetime.now, readonly=True)
    company_id = fields.Many2one(
        "res.company", readonly=True, index=True, help="Empty when the secret was unknown."
    )
    reason = fields.Selection(REFUSALS, required=True, readonly=True)
    detail = fields.Char(readonly=True)
    source = fields.Selection(SOURCES, readonly=True)
    message_id = fields.Char(string="Message ID", readonly=True)
    remote_addr = fields.Char(string="Sender Address", readonly=True)
