# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class RelanceKpiLateLine(models.TransientModel):
    _name = "relance.kpi.late.line"
    _description = "Top Late Payer"
    _order = "sequence"

    dashboard_id = fields.Many2one("relance.kpi.dashboard", ondelete="cascade", index=True)
    sequence = fields.Integer(string="Rank")
    partner_id = fields.Many2one("res.partner", string="Customer")
    currency_id = fields.Many2one(related="dashboard_id.currency_id")
    overdue = fields.Monetary(string="Overdue Amount", currency_field="currency_id")
