# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class RelanceHistoryLine(models.Model):
    """One invoice of a dunning action, at its own level.

    A customer gets one message a day, written at the most advanced level due among
    its invoices; each invoice still reaches its own level (the one it was decided
    at), which these lines record: the invoice's next step, the penalties and the
    legal effect of a formal notice follow the line, not the message.
    """

    _name = "relance.history.line"
    _description = "Dunning Action Invoice"
    _order = "history_id, id"
    _check_company_auto = True

    history_id = fields.Many2one(
        "relance.history", required=True, index=True, ondelete="cascade", readonly=True
    )
    company_id = fields.Many2one(related="history_id.company_id", store=True, index=True)
    move_id = fields.Many2one(
        "account.move",
        string="Invoice",
        required=True,
        index=True,
        ondelete="cascade",
        readonly=True,
        check_company=True,
    )
    level_id = fields.Many2one(
        "relance.level", ondelete="restrict", readonly=True, check_company=True
    )
    due_soon = fields.Boolean(
        related="level_id.preventive",
        string="Falling Due Soon",
        help="Listed for information, in its own section: not yet due, nothing is claimed.",
    )
    currency_id = fields.Many2one(related="history_id.currency_id")
    amount = fields.Monetary(
        currency_field="currency_id",
        readonly=True,
        help="What the invoice's level claims on the action's date (a preventive level: "
        "what falls due), in the company's currency.",
    )

    _sql_constraints = [
        ("history_move_uniq", "unique(history_id, move_id)", "An invoice is once in an action."),
    ]
