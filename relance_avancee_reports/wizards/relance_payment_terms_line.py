# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class RelancePaymentTermsLine(models.TransientModel):
    """One line behind a figure of the payment terms table: an open item (table I),
    an instalment settled in the year (table II) or an excluded invoice."""

    _name = "relance.payment.terms.line"
    _description = "Payment Terms Table Line"
    _order = "side, bracket, partner_id, date_due, id"

    report_id = fields.Many2one("relance.payment.terms.report", ondelete="cascade", index=True)
    side = fields.Selection(
        [("received", "Invoices received"), ("issued", "Invoices issued")], readonly=True
    )
    partner_id = fields.Many2one("res.partner", readonly=True)
    move_id = fields.Many2one("account.move", string="Document", readonly=True)
    date_due = fields.Date(readonly=True)
    date_settled = fields.Date(readonly=True)
    days_late = fields.Integer(readonly=True, aggregator="max")
    bracket = fields.Char(readonly=True)
    currency_id = fields.Many2one(
        "res.currency", default=lambda self: self.env.company.currency_id, readonly=True
    )
    amount = fields.Monetary(currency_field="currency_id", readonly=True)
    excluded = fields.Selection(
        [("disputed", "Disputed"), ("unrecorded", "Not booked")],
        readonly=True,
        help="Left out of (A) and counted in (B).",
    )

    def action_open_move(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "account.move",
            "res_id": self.move_id.id,
            "view_mode": "form",
        }
