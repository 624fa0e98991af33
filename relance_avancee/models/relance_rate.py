# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError

# The legal interest rate for a creditor who is a natural person acting outside any
# profession never applies to a company dunning its customers: only "other cases".
RATE_KINDS = [
    ("ecb", "ECB main refinancing rate"),
    ("legal_pro", "Legal interest rate (other cases)"),
]


class RelanceRate(models.Model):
    """A published reference rate, valid from a date until the next one of its kind.

    French rules fix the ECB rate of a half-year on its first day; managers add the
    next half-year's values here, the code never hard-codes a figure.
    """

    _name = "relance.rate"
    _description = "Reference Interest Rate"
    _order = "kind, date_from desc"
    _rec_name = "kind"

    kind = fields.Selection(RATE_KINDS, required=True)
    date_from = fields.Date(required=True)
    rate = fields.Float(string="Rate (%/year)", digits=(6, 3), required=True)
    source = fields.Char(help="Where the figure was published.")

    _sql_constraints = [
        ("kind_date_uniq", "unique(kind, date_from)", "One rate per kind and start date."),
    ]

    @api.constrains("rate")
    def _check_rate(self):
        for record in self:
            if not 0 <= record.rate <= 50:
                raise ValidationError(
                    _(
                        "A reference rate must be between 0 and 50 %% per year (got %s).",
                        record.rate,
                    )
                )

    @api.constrains("date_from")
    def _check_half_year(self):
        """French reference rates are published per half-year, in force on its first day."""
        for record in self:
            if (record.date_from.month, record.date_from.day) not in ((1, 1), (7, 1)):
                raise ValidationError(
                    _(
                        "A reference rate applies to a half-year: date it 1 January or 1 July "
                        "(got %s).",
                        record.date_from,
                    )
                )

    @api.depends("kind", "date_from", "rate")
    def _compute_display_name(self):
        kinds = dict(self.fields_get(["kind"], ["selection"])["kind"]["selection"])
        for record in self:
            record.display_name = (
                f"{kinds.get(record.kind, '')} {record.date_from}: {record.rate} %"
            )

    @api.model
    def _get_rate(self, kind, date):
        """The rate of ``kind`` published for the half-year of ``date``; a clear error
        when none is: a half-year's figure is never reused for the next one."""
        date = fields.Date.to_date(date)
        half_year = date.replace(month=1 if date.month <= 6 else 7, day=1)
        rate = self.search(
            [("kind", "=", kind), ("date_from", "<=", date), ("date_from", ">=", half_year)],
            order="date_from desc",
            limit=1,
        )
        if not rate:
            kinds = dict(self.fields_get(["kind"], ["selection"])["kind"]["selection"])
            raise UserError(
                _(
                    "No %(kind)s is known for %(date)s. A manager must add it in "
                    "Collections > Configuration > Reference Rates.",
                    kind=kinds[kind],
                    date=date,
                )
            )
        return rate.rate
