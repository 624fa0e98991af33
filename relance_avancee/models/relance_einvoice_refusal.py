# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta

from odoo import api, fields, models

from .relance_einvoice_status import REFUSALS, SOURCES

# Refusals are kept this long: enough to answer a platform's complaint or see a probe.
KEEP_DAYS = 180


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

    @api.autovacuum
    def _gc_old_refusals(self):
        """Forget refusals older than KEEP_DAYS (probes would otherwise pile up)."""
        limit = fields.Datetime.now() - timedelta(days=KEEP_DAYS)
        self.sudo().search([("date", "<", limit)]).unlink()
