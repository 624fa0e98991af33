from datetime import timedelta

from odoo import _, api, fields, models
from odoo.exceptions import ValidationError


class ResCompany(models.Model):
    _inherit = "res.company"

    relance_aged_buckets = fields.Char(
        string="Aged Balance Buckets",
        default="30,60,90,120",
        help="Upper bounds (days overdue) of the aged balance columns, comma separated: "
        "30,60,90,120 gives not due, 1-30, 31-60, 61-90, 91-120 and over 120.",
    )

    relance_cost_phone = fields.Float(string="Cost of a Call", default=14.0)
    relance_cost_letter = fields.Float(string="Cost of a Letter", default=2.0)
    relance_cost_email = fields.Float(string="Cost of an Email", default=0.10)
    relance_cost_formal_notice = fields.Float(
        string="Cost of a Formal Notice", default=6.0, help="Registered letter."
    )

    relance_notice_deadline_days = fields.Integer(
        string="Formal Notice Deadline (days)",
        default=8,
        help="Days given to the customer to pay, counted from the date of the formal notice.",
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

    def _relance_channel_costs(self):
        self.ensure_one()
        return {
            "phone": self.relance_cost_phone,
            "letter": self.relance_cost_letter,
            "email": self.relance_cost_email,
            "formal_notice": self.relance_cost_formal_notice,
        }

    @api.constrains("relance_aged_buckets")
    def _check_relance_aged_buckets(self):
        for company in self:
            company._relance_bucket_bounds()

    def _relance_bucket_bounds(self):
        """[30, 60, 90, 120] from the setting; a clear error when it makes no sense."""
        self.ensure_one()
        text = (self.relance_aged_buckets or "30,60,90,120").replace(" ", "")
        try:
            bounds = [int(part) for part in text.split(",") if part]
        except ValueError:
            bounds = []
        if not bounds or any(b <= 0 for b in bounds) or bounds != sorted(set(bounds)):
            raise ValidationError(
                _(
                    "Aged balance buckets must be increasing positive numbers of days, "
                    "separated by commas (e.g. 30,60,90,120); got %s.",
                    self.relance_aged_buckets,
                )
            )
        return bounds
