# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import models
from odoo.tools import sql


class AccountMoveLine(models.Model):
    _inherit = "account.move.line"

    def init(self):
        """Index the open credit items (credit notes, receipts not matched yet) by
        partner: a customer's open credits (``account.move._relance_open_credits``) are
        a handful of lines that PostgreSQL would otherwise find by reading the whole
        ledger, on every worklist page and call screen. The condition is written as
        the ORM writes that search's, so that the planner can use the index."""
        result = super().init()
        sql.create_index(
            self.env.cr,
            "account_move_line_relance_open_credit_index",
            self._table,
            ["partner_id"],
            where="amount_residual_currency < 0 AND parent_state = 'posted'",
        )
        return result
