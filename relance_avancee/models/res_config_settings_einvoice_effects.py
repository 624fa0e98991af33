# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    relance_einvoice_grace_days = fields.Integer(
        related="company_id.relance_einvoice_grace_days", readonly=False
    )
    relance_invoicing_user_id = fields.Many2one(
        related="company_id.relance_invoicing_user_id", readonly=False
    )
