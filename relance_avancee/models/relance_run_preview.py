# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models


class RelanceRunPreview(models.Model):
    """What a run would do (its decisions), listed before anything is done."""

    _name = "relance.run.preview"
    _description = "Dunning Run Preview Line"
    _order = "partner_id, id"

    run_id = fields.Many2one("relance.run", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="run_id.company_id")
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    level_id = fields.Many2one("relance.level", readonly=True)
    channel = fields.Selection(related="level_id.channel")
    # The invoices the action would be about, as a list of ids: thousands of lines on
    # a large ledger, whose links and their foreign keys cost more than deciding them.
    invoice_id_list = fields.Json(string="Invoice IDs", readonly=True)
    move_ids = fields.Many2many(
        "account.move", string="Invoices", compute="_compute_move_ids", readonly=True
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    amount_due = fields.Monetary(currency_field="currency_id", readonly=True)
    to_validate = fields.Boolean(readonly=True)

    @api.depends("invoice_id_list")
    def _compute_move_ids(self):
        for line in self:
            line.move_ids = self.env["account.move"].browse(line.invoice_id_list or []).exists()
