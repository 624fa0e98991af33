# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    relance_aged_buckets = fields.Char(related="company_id.relance_aged_buckets", readonly=False)
    relance_cost_phone = fields.Float(related="company_id.relance_cost_phone", readonly=False)
    relance_cost_letter = fields.Float(related="company_id.relance_cost_letter", readonly=False)
    relance_cost_email = fields.Float(related="company_id.relance_cost_email", readonly=False)
    relance_cost_formal_notice = fields.Float(
        related="company_id.relance_cost_formal_notice", readonly=False
    )
