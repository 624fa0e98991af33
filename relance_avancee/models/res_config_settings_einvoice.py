# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models

from ..access import check_manager


class ResConfigSettings(models.TransientModel):
    """E-invoicing platform connection: the endpoint's secret and size limit."""

    _inherit = "res.config.settings"

    relance_einvoice_secret_set = fields.Boolean(related="company_id.relance_einvoice_secret_set")
    relance_einvoice_max_kb = fields.Integer(
        related="company_id.relance_einvoice_max_kb", readonly=False
    )

    def action_relance_einvoice_generate_secret(self):
        """Replace the company's endpoint secret and show the new one, once."""
        self.ensure_one()
        check_manager(
            self.env, self.env._("Only a collections manager may generate the endpoint secret.")
        )
        secret = self.company_id._relance_einvoice_new_secret()
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": self.env._("New e-invoicing endpoint secret"),
                "message": self.env._(
                    "Copy it into the platform connector now: it is not shown again. "
                    "The previous secret no longer works. Secret: %s",
                    secret,
                ),
                "type": "warning",
                "sticky": True,
            },
        }
