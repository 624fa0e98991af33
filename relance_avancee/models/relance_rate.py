from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError

RATE_KINDS = [
    ("ecb", "ECB main refinancing rate"),
    ("legal_pro", "Legal interest rate (other cases)"),
    ("legal_individual", "Legal interest rate (creditor is an individual)"),
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

    @api.depends("kind", "date_from", "rate")
    def _compute_display_name(self):
        kinds = dict(self._fields["kind"]._description_selection(self.env))
        for record in self:
            record.display_name = (
                f"{kinds.get(record.kind, '')} {record.date_from}: {record.rate} %"
            )

    @api.model
    def _get_rate(self, kind, date):
        """The rate of ``kind`` in force on ``date``; a clear error when none is known."""
        rate = self.search(
            [("kind", "=", kind), ("date_from", "<=", date)], order="date_from desc", limit=1
        )
        if not rate:
            kinds = dict(self._fields["kind"]._description_selection(self.env))
            raise UserError(
                _(
                    "No %(kind)s is known for %(date)s. A manager must add it in "
                    "Collections > Configuration > Reference Rates.",
                    kind=kinds[kind],
                    date=date,
                )
            )
        return rate.rate
