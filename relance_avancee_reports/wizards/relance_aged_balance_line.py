# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models

from odoo.addons.relance_avancee.models.relance_einvoice_status import STATUSES


class RelanceAgedBalanceLine(models.TransientModel):
    """One open receivable item of an on-screen aged balance."""

    _name = "relance.aged.balance.line"
    _description = "Aged Balance Line"
    _order = "partner_id, date_due, id"

    report_id = fields.Many2one("relance.aged.balance.report", ondelete="cascade", index=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    typology_id = fields.Many2one("relance.typology", readonly=True)
    collector_id = fields.Many2one("res.users", readonly=True)
    payer_score = fields.Char(
        readonly=True, help="The customer's payer grade (A to D) in each company of the report."
    )
    move_id = fields.Many2one("account.move", string="Document", readonly=True)
    einvoice_status = fields.Selection(
        STATUSES,
        string="E-Invoicing Status",
        readonly=True,
        help="The latest lifecycle status the e-invoicing platform sent by the report's date.",
    )
    date_due = fields.Date(readonly=True)
    days_overdue = fields.Integer(readonly=True, aggregator="max")
    bucket = fields.Char(readonly=True)
    currency_id = fields.Many2one(
        "res.currency", default=lambda self: self.env.company.currency_id, readonly=True
    )
    residual = fields.Monetary(currency_field="currency_id", readonly=True)
    share = fields.Float(
        string="Share of Total (%)",
        digits=(5, 2),
        readonly=True,
        help="Part of the grand total of the report this item represents.",
    )
    in_dispute = fields.Monetary(currency_field="currency_id", readonly=True)
    in_process = fields.Monetary(currency_field="currency_id", readonly=True)

    def action_open_move(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "account.move",
            "res_id": self.move_id.id,
            "view_mode": "form",
        }
