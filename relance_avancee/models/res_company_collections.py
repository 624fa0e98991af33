# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from .account_move_receipt import RECEIPT_DAYS
from .res_partner_insolvency import CLAIM_DECLARATION_MONTHS

# A creditor established outside metropolitan France gets two more months to declare
# its claim (Code de commerce R622-24): overseas departments have their own countries.
METROPOLITAN_FRANCE = "FR"


class ResCompany(models.Model):
    """Who handles the company's litigation files, its claims' declaration time, and
    how long a customer has to confirm receipt of a copy."""

    _inherit = "res.company"

    relance_receipt_days = fields.Integer(
        string="Receipt To Confirm Within (days)",
        default=RECEIPT_DAYS,
        help="Days a customer has to confirm on the portal that it received the copy of an "
        "invoice it said it had not received; then the collector gets a task.",
    )

    @api.constrains("relance_receipt_days")
    def _check_relance_receipt_days(self):
        if any(company.relance_receipt_days < 1 for company in self):
            raise ValidationError(_("The delay to confirm receipt must be at least one day."))

    def _relance_litigation_manager(self):
        """The first active dunning manager of the company, else the current user."""
        group = self.env.ref("relance_avancee.group_relance_manager")
        managers = group.users.filtered(lambda u: self in u.company_ids and u.active)
        return managers[:1] or self.env.user

    def _relance_claim_declaration_months(self):
        """Months to declare a claim from the BODACC publication (R622-24): two, four
        for a creditor established outside metropolitan France."""
        self.ensure_one()
        if self.country_id.code == METROPOLITAN_FRANCE:
            return CLAIM_DECLARATION_MONTHS
        return CLAIM_DECLARATION_MONTHS + 2
