# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import base64
import binascii

from odoo import api, fields, models
from odoo.exceptions import UserError

from ..access import check_einvoice_importer
from ..models.relance_einvoice_status import EinvoiceRefused


class RelanceEinvoiceImport(models.TransientModel):
    """Import the lifecycle statuses of a CDAR file downloaded from the platform."""

    _name = "relance.einvoice.import"
    _description = "Import E-Invoicing Lifecycle Statuses"
    _check_company_auto = True

    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, readonly=True
    )
    file = fields.Binary(string="Lifecycle Message (XML)", required=True, attachment=False)
    filename = fields.Char()

    @api.model
    def default_get(self, fields_list):
        check_einvoice_importer(self.env)
        return super().default_get(fields_list)

    def action_import(self):
        """Record the file's statuses on the company's invoices, or refuse it whole."""
        self.ensure_one()
        check_einvoice_importer(self.env)
        company = self.company_id
        if company not in self.env.companies:
            raise UserError(self.env._("Import statuses for a company you are working in."))
        content = self._relance_content()
        statuses = self.env["relance.einvoice.status"]
        try:
            created = statuses._relance_import_cdar(company, content, "upload")
        except EinvoiceRefused as refusal:
            statuses._relance_refuse_logged_only(company, refusal, self.filename)
            raise
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Imported Statuses"),
            "res_model": "relance.einvoice.status",
            "view_mode": "list,form",
            "domain": [("id", "in", created.ids)],
            "target": "current",
        }

    def _relance_content(self):
        try:
            content = base64.b64decode(self.file or b"", validate=True)
        except (binascii.Error, ValueError):
            raise UserError(self.env._("The file could not be read.")) from None
        limit = self.company_id._relance_einvoice_max_bytes()
        if len(content) > limit:
            raise UserError(
                self.env._(
                    "The file is larger than %(limit)s KB, the largest lifecycle message "
                    "the company accepts.",
                    limit=limit // 1024,
                )
            )
        return content
