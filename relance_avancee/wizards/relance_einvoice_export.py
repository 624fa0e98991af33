# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import _, api, fields, models
from odoo.exceptions import AccessError

from ..access import check_einvoice_exporter


class RelanceEinvoiceExport(models.TransientModel):
    """Exports the Cashed statuses waiting to be sent as one lifecycle message (CDAR)
    to hand to the e-invoicing platform."""

    _name = "relance.einvoice.export"
    _description = "Export E-Invoicing Statuses"

    company_id = fields.Many2one(
        "res.company", required=True, readonly=True, default=lambda self: self.env.company
    )
    status_count = fields.Integer(string="Statuses To Send", compute="_compute_status_count")
    attachment_id = fields.Many2one("ir.attachment", readonly=True)

    @api.depends("company_id")
    def _compute_status_count(self):
        for wizard in self:
            wizard.status_count = len(wizard._queued_statuses())

    def _queued_statuses(self):
        self.ensure_one()
        return (
            self.env["relance.einvoice.status"]
            .sudo()
            .search(
                [
                    ("company_id", "=", self.company_id.id),
                    ("direction", "=", "outgoing"),
                    ("state", "=", "queued"),
                ]
            )
        )

    def action_export(self):
        """The lifecycle message of the company's queued statuses, to download."""
        self.ensure_one()
        check_einvoice_exporter(self.env)
        if self.company_id not in self.env.companies and not self.env.su:
            raise AccessError(_("Export the statuses of a company you work in."))
        attachment = self._queued_statuses()._relance_export_cdar()
        self.attachment_id = attachment
        return {
            "type": "ir.actions.act_url",
            "url": f"/web/content/{attachment.id}?download=true",
            "target": "self",
        }
