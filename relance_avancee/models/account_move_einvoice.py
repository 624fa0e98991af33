# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models

from .relance_einvoice_status import STATUSES


class AccountMove(models.Model):
    """The e-invoicing lifecycle of a customer invoice: its dated statuses and the
    latest one received (aged balance, worklist filter)."""

    _inherit = "account.move"

    relance_einvoice_status_ids = fields.One2many(
        "relance.einvoice.status",
        "move_id",
        string="E-Invoicing Statuses",
        readonly=True,
        groups="relance_avancee.group_relance_user,account.group_account_invoice",
    )
    relance_einvoice_status = fields.Selection(
        STATUSES,
        string="E-Invoicing Status",
        compute="_compute_relance_einvoice_status",
        store=True,
        index=True,
        help="The latest lifecycle status received from the e-invoicing platform.",
    )
    relance_einvoice_status_date = fields.Datetime(
        string="E-Invoicing Status Date", compute="_compute_relance_einvoice_status", store=True
    )

    @api.depends(
        "relance_einvoice_status_ids.status",
        "relance_einvoice_status_ids.date",
        "relance_einvoice_status_ids.direction",
    )
    def _compute_relance_einvoice_status(self):
        for move in self:
            latest = move._relance_einvoice_latest()
            move.relance_einvoice_status = latest.status
            move.relance_einvoice_status_date = latest.date

    def _relance_einvoice_latest(self):
        """The latest status received (by date, then by arrival)."""
        self.ensure_one()
        incoming = self.sudo().relance_einvoice_status_ids.filtered(
            lambda s: s.direction == "incoming"
        )
        return incoming.sorted(lambda s: (s.date, s.id))[-1:]
