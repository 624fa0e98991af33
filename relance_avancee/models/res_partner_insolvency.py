# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta

from markupsafe import Markup

from odoo import _, api, fields, models
from odoo.tools.misc import format_date

INSOLVENCY_KINDS = [
    ("safeguard", "Safeguard (sauvegarde)"),
    ("reorganisation", "Reorganisation (redressement judiciaire)"),
    ("liquidation", "Compulsory liquidation (liquidation judiciaire)"),
]
# Months to declare a claim from the publication of the judgment in the BODACC
# (Code de commerce L622-24, R622-24).
CLAIM_DECLARATION_MONTHS = 2


class ResPartner(models.Model):
    """Insolvency proceedings of a customer: the legal stay (Code de commerce L622-21,
    L622-28) stops every reminder, penalty, block and litigation at once; what remains
    is to declare the claim to the creditors' representative in time."""

    _inherit = "res.partner"

    relance_insolvency_kind = fields.Selection(
        INSOLVENCY_KINDS, string="Insolvency Proceedings", tracking=True, copy=False
    )
    relance_insolvency_date = fields.Date(
        string="Judgment Date", tracking=True, copy=False, help="Opening judgment."
    )
    relance_insolvency_publication_date = fields.Date(
        string="BODACC Publication",
        copy=False,
        help="Publication of the judgment: claims are declared within two months of it.",
    )
    relance_insolvency_court = fields.Char(string="Court", copy=False)
    relance_insolvency_administrator_id = fields.Many2one(
        "res.partner",
        string="Creditors' Representative",
        copy=False,
        help="Mandataire judiciaire (or liquidator) to whom the claim is declared.",
    )
    relance_insolvency_claim_deadline = fields.Date(
        string="Declare the Claim By", compute="_compute_relance_insolvency_claim_deadline"
    )

    @api.depends("relance_insolvency_publication_date", "relance_insolvency_date")
    @api.depends_context("company")
    def _compute_relance_insolvency_claim_deadline(self):
        months = self.env.company._relance_claim_declaration_months()
        for partner in self:
            start = partner.relance_insolvency_publication_date
            partner.relance_insolvency_claim_deadline = start and fields.Date.add(
                start, months=months
            )

    def write(self, vals):
        """Who may record proceedings: see the dunning fields' rule (res_partner.py)."""
        result = super().write(vals)
        if vals.get("relance_insolvency_date"):
            self._relance_open_insolvency()
        return result

    def _relance_in_insolvency(self):
        """Under the legal stay of insolvency proceedings (the customer, as a company)."""
        self.ensure_one()
        return bool(self.commercial_partner_id.relance_insolvency_date)

    def _relance_open_insolvency(self):
        """Stop what was planned and leave the claim to declare as a dated task."""
        for partner in self.commercial_partner_id.filtered("relance_insolvency_date"):
            planned = (
                self.env["relance.history"]
                .sudo()
                .search([("partner_id", "=", partner.id), ("state", "=", "planned")])
            )
            planned.activity_id.sudo().unlink()
            planned.write(
                {
                    "state": "cancelled",
                    "note": Markup("<p>%s</p>")
                    % _("Cancelled: the customer is in insolvency proceedings."),
                }
            )
            partner._relance_schedule_claim_declaration()

    def _relance_claim_declaration(self, company=None):
        """The claim to declare in this customer's proceedings, as of the opening judgment:
        one dict per open invoice issued by then (of ``company`` only if given), oldest
        due first, with ``move``, ``company``, ``currency``, ``principal`` (still due on
        the judgment date), ``interest`` and ``indemnity`` (accrued up to the judgment and
        not yet invoiced: interest stops running on the judgment, L622-28), ``total`` in
        the invoice's currency, and ``total_company``, converted into the company's
        currency at the judgment date's rate (L622-25).

        A penalty invoice still open is a claim of interest already invoiced: its unpaid
        amount is in ``interest``, the periods it charged are not counted again on the
        invoice they come from. The one computation behind the claim-declaration task and
        the litigation file's export.
        """
        self.ensure_one()
        partner = self.commercial_partner_id
        judgment = partner.relance_insolvency_date
        if not judgment:
            return []
        # Every company's claim, whoever recorded the judgment (a manager, checked).
        moves = self.env["account.move"].sudo()
        invoices = moves.search(
            [
                *moves._relance_open_invoice_domain(partners=partner, company=company),
                # Born before the opening: the judgment takes effect from 0h on its day.
                ("invoice_date", "<", judgment),
            ],
            order="company_id, invoice_date_due, id",
        )
        allocation, rate_cache = invoices._relance_settlement_allocation(), {}
        lines = []
        for invoice in invoices:
            currency = invoice.currency_id
            # What the customer still owed on the judgment date: payments and credit notes
            # dated after it do not change the claim as it stood then.
            unpaid = invoice.amount_total - sum(
                amount
                for day, amount in invoice._relance_payment_events(allocation)
                if day <= judgment
            )
            unpaid = max(currency.round(unpaid), 0.0)
            if currency.is_zero(unpaid):
                continue
            if invoice.relance_is_penalty:
                principal, interest, indemnity = 0.0, unpaid, 0.0
            else:
                charges = invoice.relance_penalty_ids  # charged or waived: never again
                last = max(charges.mapped("date_to"), default=None)
                penalty = invoice._relance_compute_penalty(
                    judgment,
                    date_from=last + timedelta(days=1) if last else None,
                    rate_cache=rate_cache,
                    allocation=allocation,
                )
                principal, interest = unpaid, penalty["interest"]
                indemnity = 0.0 if charges.filtered("indemnity") else penalty["indemnity"]
            total = principal + interest + indemnity
            lines.append(
                {
                    "move": invoice,
                    "company": invoice.company_id,
                    "currency": currency,
                    "principal": principal,
                    "interest": interest,
                    "indemnity": indemnity,
                    "total": total,
                    "total_company": currency._convert(
                        total, invoice.company_currency_id, invoice.company_id, judgment
                    ),
                }
            )
        return lines

    def _relance_claim_figures(self):
        """{company: (principal, interest and indemnities)} of the claim to declare, in
        the company's currency (see ``_relance_claim_declaration``)."""
        self.ensure_one()
        figures = {}
        for line in self._relance_claim_declaration():
            company, day = line["company"], self.commercial_partner_id.relance_insolvency_date
            principal, interest = figures.get(company, (0.0, 0.0))
            convert = line["currency"]._convert
            args = (company.currency_id, company, day)
            figures[company] = (
                principal + convert(line["principal"], *args),
                interest + convert(line["interest"] + line["indemnity"], *args),
            )
        return figures

    def _relance_schedule_claim_declaration(self):
        deadline = self.relance_insolvency_claim_deadline or fields.Date.add(
            self.relance_insolvency_date,
            months=self.env.company._relance_claim_declaration_months(),
        )
        for company, (principal, interest) in self._relance_claim_figures().items():
            manager = (
                self.env.user
                if not self.env.su and company in self.env.user.company_ids
                else company._relance_litigation_manager()
            )
            self.with_company(company).activity_schedule(
                "mail.mail_activity_data_todo",
                date_deadline=deadline - timedelta(days=7),
                summary=_("Declare the claim (insolvency proceedings) by %s", deadline),
                note=Markup("<p>%s</p>")
                % _(
                    "Judgment of %(date)s (%(court)s). Claim of %(company)s as of that date: "
                    "principal %(principal)s, interest and indemnities %(interest)s. Declare it "
                    "to %(administrator)s by %(deadline)s.",
                    date=format_date(self.env, self.relance_insolvency_date),
                    court=self.relance_insolvency_court or "-",
                    company=company.name,
                    principal=company.currency_id.format(principal),
                    interest=company.currency_id.format(interest),
                    administrator=self.relance_insolvency_administrator_id.display_name
                    or _("the creditors' representative"),
                    deadline=format_date(self.env, deadline),
                ),
                user_id=manager.id,
            )
