# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class AccountMove(models.Model):
    _inherit = "account.move"

    relance_payment_terms_disputed = fields.Boolean(
        string="Disputed (Payment Terms Table)",
        copy=False,
        tracking=True,
        groups="account.group_account_readonly,account.group_account_manager",
        help="A supplier bill the company disputes: the payment terms table of the "
        "management report (Code de commerce D441-6) leaves it out of the late invoices "
        "and counts it among the excluded ones.",
    )
