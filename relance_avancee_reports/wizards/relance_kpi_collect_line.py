# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class RelanceKpiCollectLine(models.TransientModel):
    _name = "relance.kpi.collect.line"
    _description = "Collected After Reminders per Week"
    _order = "week, channel"

    dashboard_id = fields.Many2one("relance.kpi.dashboard", ondelete="cascade", index=True)
    week = fields.Date(help="Monday of the week the cash was received.")
    channel = fields.Selection(lambda self: self.env["relance.level"]._fields["channel"].selection)
    currency_id = fields.Many2one(related="dashboard_id.currency_id")
    amount = fields.Monetary(string="Collected", currency_field="currency_id")
