# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta

from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import float_compare

# Points over the ECB rate of the statutory default rate (Code de commerce L441-10).
STATUTORY_POINTS = 10.0

# Bounds of the penalty settings: beyond them, a typing error rather than a policy.
MAX_RATE = 50.0
MAX_INDEMNITY = 1000.0


class ResCompany(models.Model):
    _inherit = "res.company"

    relance_default_plan_id = fields.Many2one(
        "relance.plan",
        string="Default Dunning Plan",
        default=lambda self: self.env.ref(
            "relance_avancee.relance_plan_standard", raise_if_not_found=False
        ),
        help="Plan used for customers with neither a typology nor a plan of their own.",
    )
    relance_auto_run = fields.Boolean(
        string="Automatic Daily Run",
        default=True,
        help="The daily scheduled action reminds the customers of this company.",
    )
    relance_auto_unblock = fields.Boolean(
        string="Unblock When Paid",
        default=True,
        help="A blocked customer is unblocked as soon as nothing overdue remains.",
    )
    relance_typology_rules_in_run = fields.Boolean(
        string="Apply Typology Rules In The Daily Run",
        help="The daily run gives each customer the typology its first matching typology "
        "rule proposes, before deciding the reminders. Locked typologies are left alone.",
    )
    relance_penalty_mode = fields.Selection(
        [("ecb_plus", "ECB rate + points"), ("fixed", "Fixed annual rate")],
        string="Interest Mode",
        default="ecb_plus",
        required=True,
    )
    relance_penalty_points = fields.Float(
        string="Points Above ECB Rate",
        default=STATUTORY_POINTS,
        help="10 points is the statutory default rate (L441-10), applied as is; other "
        "points are a contractual rate, never below three times the legal interest rate.",
    )
    relance_public_points = fields.Float(
        string="Points Above ECB Rate (Public Buyers)", default=8.0
    )
    relance_fixed_rate = fields.Float(string="Fixed Annual Rate (%)")
    relance_indemnity_amount = fields.Monetary(
        string="Fixed Recovery Indemnity",
        currency_field="currency_id",
        default=40.0,
        help="Owed by professional customers for each late invoice (Code de commerce D441-5).",
    )
    relance_notice_deadline_days = fields.Integer(
        string="Formal Notice Deadline (days)",
        default=8,
        help="Days given to the customer to pay, counted from the date of the formal notice.",
    )
    relance_penalty_product_id = fields.Many2one(
        "product.product",
        string="Penalty Product",
        default=lambda self: self.env.ref(
            "relance_avancee.product_relance_penalty", raise_if_not_found=False
        ),
        help="Service without taxes used on penalty invoices.",
    )
    relance_penalty_tax_ids = fields.Many2many(
        "account.tax",
        "res_company_relance_penalty_tax_rel",
        "company_id",
        "tax_id",
        string="Penalty Taxes",
        domain="[('type_tax_use', '=', 'sale'), ('company_id', '=', id)]",
        help="Taxes of penalty invoice lines. Leave empty in France: late-payment interest "
        "and the recovery indemnity are compensation, not subject to VAT.",
    )
    relance_penalty_journal_id = fields.Many2one(
        "account.journal",
        string="Penalty Journal",
        domain="[('type', '=', 'sale'), ('company_id', '=', id)]",
        help="Sales journal of penalty invoices (the default sales journal when empty).",
    )
    relance_penalty_post = fields.Boolean(
        string="Post Penalty Invoices",
        help="Post penalty invoices at once; otherwise they are created as drafts to review.",
    )
    relance_litigation_review_days = fields.Integer(
        string="Litigation Review (days)",
        default=90,
        help="Maximum duration of the litigation phase before the manager reviews the file.",
    )
    relance_writeoff_account_id = fields.Many2one(
        "account.account",
        string="Write-off Account",
        help="Loss account of uncollectable debts (e.g. 654 in France).",
    )
    relance_writeoff_journal_id = fields.Many2one(
        "account.journal",
        string="Write-off Journal",
        domain="[('type', '=', 'general'), ('company_id', '=', id)]",
        help="Miscellaneous journal of the cents a write-off credit note cannot reach "
        "(rounding); the first miscellaneous journal when empty. The debt itself is written "
        "off by credit notes on the invoices (VAT regularisation, CGI art. 272).",
    )
    relance_invoice_check_mode = fields.Selection(
        [("warn", "Warn"), ("block", "Block posting")],
        string="Invoice Checks",
        default="warn",
        required=True,
    )

    @api.model_create_multi
    def create(self, vals_list):
        companies = super().create(vals_list)
        self.env["res.partner"]._relance_create_indexes(companies.ids)
        return companies

    @api.constrains(
        "relance_fixed_rate",
        "relance_penalty_points",
        "relance_public_points",
        "relance_indemnity_amount",
    )
    def _check_relance_penalty_settings(self):
        labels = {
            "relance_fixed_rate": _("The fixed annual rate"),
            "relance_penalty_points": _("The points above the ECB rate"),
            "relance_public_points": _("The points above the ECB rate for public buyers"),
        }
        for company in self:
            for field_name, label in labels.items():
                if not 0.0 <= company[field_name] <= MAX_RATE:
                    raise ValidationError(
                        _(
                            "%(setting)s must be between 0 and %(max)s %% (got %(value)s).",
                            setting=label,
                            max=MAX_RATE,
                            value=company[field_name],
                        )
                    )
            if not 0.0 <= company.relance_indemnity_amount <= MAX_INDEMNITY:
                raise ValidationError(
                    _(
                        "The fixed recovery indemnity must be between 0 and %(max)s "
                        "(got %(value)s); the legal amount in France is 40 euros.",
                        max=MAX_INDEMNITY,
                        value=company.relance_indemnity_amount,
                    )
                )

    _sql_constraints = [
        (
            "relance_notice_deadline_days_positive",
            "CHECK(relance_notice_deadline_days IS NULL OR relance_notice_deadline_days > 0)",
            "The deadline of a formal notice must be at least one day.",
        ),
    ]

    def _relance_notice_deadline(self, day):
        """Date by which a formal notice issued on ``day`` asks to be paid."""
        self.ensure_one()
        return day + timedelta(days=self.relance_notice_deadline_days or 8)

    def _relance_missing_rate_warning(self, day=None):
        """A sentence for the manager when the half-year of ``day`` (today) has no
        published reference rate yet: penalties for it wait until one is entered."""
        day = fields.Date.to_date(day) or fields.Date.context_today(self)
        rates = self.env["relance.rate"].sudo()
        missing = []
        for kind in ("ecb", "legal_pro"):
            try:
                rates._get_rate(kind, day)
            except UserError:
                kinds = dict(rates.fields_get(["kind"], ["selection"])["kind"]["selection"])
                missing.append(kinds[kind])
        if not missing:
            return False
        return _(
            "No %(rates)s entered for the half-year starting %(start)s: late-payment "
            "interest for that half-year is not charged until a manager enters the "
            "published figures (Collections > Configuration > Reference Rates).",
            rates=_(" and ").join(missing),
            start=day.replace(month=1 if day.month <= 6 else 7, day=1),
        )

    def _relance_statutory_rate(self):
        """Interest at the statutory default rate (ECB + 10 points, L441-10), which
        applies as is; any other setting is a contractual rate, floored at three
        times the legal interest rate."""
        self.ensure_one()
        return (
            self.relance_penalty_mode == "ecb_plus"
            and float_compare(self.relance_penalty_points, STATUTORY_POINTS, 3) == 0
        )
