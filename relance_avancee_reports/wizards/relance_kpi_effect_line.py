# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class RelanceKpiEffectLine(models.TransientModel):
    _name = "relance.kpi.effect.line"
    _description = "Reminder Effectiveness"
    _order = "group_by, reminded desc"

    dashboard_id = fields.Many2one("relance.kpi.dashboard", ondelete="cascade", index=True)
    group_by = fields.Selection(
        [("channel", "Channel"), ("level", "Level"), ("typology", "Typology")], required=True
    )
    channel = fields.Selection(lambda self: self.env["relance.level"]._fields["channel"].selection)
    level_id = fields.Many2one("relance.level")
    typology_id = fields.Many2one("relance.typology")
    currency_id = fields.Many2one(related="dashboard_id.currency_id")
    count = fields.Integer(string="Actions")
    reminded = fields.Monetary(string="Amount Reminded", currency_field="currency_id")
    share_7 = fields.Float(string="Paid in 7 Days (%)")
    share_15 = fields.Float(string="Paid in 15 Days (%)")
    share_30 = fields.Float(string="Paid in 30 Days (%)")
    cost = fields.Monetary(currency_field="currency_id")
    cost_per_euro = fields.Float(string="Cost per Euro Collected", digits=(12, 4))
