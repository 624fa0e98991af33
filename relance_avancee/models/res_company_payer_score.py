# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

# Two halves of a year whose weighted days late differ by less than this are "stable".
TREND_MARGIN_DAYS = 5.0


class ResCompany(models.Model):
    """The payer score rule (A to D) and its thresholds, set per company."""

    _inherit = "res.company"

    relance_payer_a_days = fields.Integer(
        string="Grade A: Days Late At Most",
        default=5,
        help="Weighted average days late at most for grade A (with the on-time share "
        "below and no promise broken nor dispute rejected).",
    )
    relance_payer_a_on_time = fields.Float(
        string="Grade A: Amount Paid On Time At Least (%)", default=80.0
    )
    relance_payer_b_days = fields.Integer(string="Grade B: Days Late At Most", default=15)
    relance_payer_c_days = fields.Integer(
        string="Grade C: Days Late At Most",
        default=45,
        help="Beyond it, grade D.",
    )
    relance_payer_d_incidents = fields.Integer(
        string="Grade D: Incidents From",
        default=2,
        help="Promises broken plus disputes rejected in twelve months that make the "
        "customer a D payer whatever its days late.",
    )

    @api.constrains(
        "relance_payer_a_days",
        "relance_payer_a_on_time",
        "relance_payer_b_days",
        "relance_payer_c_days",
        "relance_payer_d_incidents",
    )
    def _check_relance_payer_thresholds(self):
        for company in self:
            if not (
                0
                <= company.relance_payer_a_days
                <= company.relance_payer_b_days
                <= company.relance_payer_c_days
            ):
                raise ValidationError(
                    _(
                        "The days late of the payer grades must grow from A to C "
                        "(A at most B, B at most C, none negative)."
                    )
                )
            if not 0 <= company.relance_payer_a_on_time <= 100:
                raise ValidationError(
                    _("The on-time share of grade A is a percentage between 0 and 100.")
                )
            if company.relance_payer_d_incidents < 1:
                raise ValidationError(_("The incidents that make a D payer must be at least one."))

    def _relance_payer_grade(self, days_late, on_time_share, incidents):
        """The payer grade ('a' to 'd') of a customer of this company.

        ``days_late``: average days between due date and payment, weighted by amount
        (unpaid amounts count up to today); ``on_time_share``: percent of the amount
        paid by its due date; ``incidents``: promises broken plus disputes rejected
        in the twelve months.

        - D: ``incidents`` reach the D threshold (default 2), or days late beyond C's
          limit (default 45);
        - A: days late within A's limit (5) and on-time share at least A's (80 %) and
          no incident;
        - B: days late within B's limit (15);
        - C: within C's limit.
        A customer with one incident is B at best. No invoice due in the twelve months:
        no grade (the caller does not ask).
        """
        self.ensure_one()
        if incidents >= self.relance_payer_d_incidents or days_late > self.relance_payer_c_days:
            return "d"
        if (
            days_late <= self.relance_payer_a_days
            and on_time_share >= self.relance_payer_a_on_time
            and not incidents
        ):
            return "a"
        if days_late <= self.relance_payer_b_days:
            return "b"
        return "c"

    @api.model
    def _relance_payer_trend(self, recent_days_late, previous_days_late):
        """'improving', 'worsening' or 'stable': weighted days late of the invoices due
        in the last six months against the six before, within TREND_MARGIN_DAYS
        stable. None when either half has no invoice due."""
        if recent_days_late is None or previous_days_late is None:
            return None
        if recent_days_late < previous_days_late - TREND_MARGIN_DAYS:
            return "improving"
        if recent_days_late > previous_days_late + TREND_MARGIN_DAYS:
            return "worsening"
        return "stable"
