# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models

# Which legal rule applies to a debtor: interest, indemnity, court.
DEBTOR_KINDS = [
    ("professional", "Professional"),
    ("public", "Public buyer"),
    ("individual", "Consumer"),
]


class ResPartner(models.Model):
    """The customer's legal kind as a debtor, one rule for penalties and documents."""

    _inherit = "res.partner"

    relance_professional = fields.Boolean(
        string="Professional Customer",
        compute="_compute_relance_professional",
        store=True,
        readonly=False,
        help="Acts for its business (a company, or a sole trader): owes late-payment "
        "interest from the due date and the fixed recovery indemnity (Code de commerce "
        "L441-10, D441-5). Set by default for companies and for customers with a VAT "
        "number or a company registry number (SIREN/SIRET); a consumer owes neither.",
    )

    @api.depends("is_company", "vat", "company_registry")
    def _compute_relance_professional(self):
        for partner in self:
            partner.relance_professional = bool(
                partner.is_company or partner.vat or partner.company_registry
            )

    def _relance_debtor_kind(self):
        """'public', 'professional' or 'individual' (a consumer), from the customer."""
        self.ensure_one()
        customer = self.commercial_partner_id
        if customer.relance_typology_id.public_body:
            return "public"
        return "professional" if customer.relance_professional else "individual"
