# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class RelanceKpiBucketLine(models.TransientModel):
    _name = "relance.kpi.bucket.line"
    _description = "Receivable by Bucket Over Time"
    _order = "date, bucket"

    dashboard_id = fields.Many2one("relance.kpi.dashboard", ondelete="cascade", index=True)
    date = fields.Date()
    bucket = fields.Char()
    currency_id = fields.Many2one(related="dashboard_id.currency_id")
    amount = fields.Monetary(currency_field="currency_id")
