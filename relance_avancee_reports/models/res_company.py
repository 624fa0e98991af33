# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
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
