from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    relance_aged_buckets = fields.Char(related="company_id.relance_aged_buckets", readonly=False)
