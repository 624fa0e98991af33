# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.tools.misc import format_date


class RelanceCallOutcome(models.TransientModel):
    """A customer who says it never received an invoice: the e-invoicing platform's
    "made available" date says otherwise, and the collector sees it."""

    _inherit = "relance.call.outcome"

    einvoice_proof = fields.Text(
        string="Proof Of Receipt",
        compute="_compute_einvoice_proof",
        help="When the e-invoicing platform made these invoices available to the customer.",
    )

    @api.depends("move_ids")
    def _compute_einvoice_proof(self):
        for wizard in self:
            lines = []
            for move in wizard.move_ids.sudo():
                day = move._relance_einvoice_made_available_on()
                if day:
                    lines.append(
                        self.env._(
                            "The e-invoicing platform made invoice %(invoice)s available to "
                            "the customer on %(date)s.",
                            invoice=move.name,
                            date=format_date(self.env, day),
                        )
                    )
            wizard.einvoice_proof = "\n".join(lines) or False
