# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models

PAYER_SCORES = [("a", "A"), ("b", "B"), ("c", "C"), ("d", "D")]
PAYER_TRENDS = [("improving", "Improving"), ("stable", "Stable"), ("worsening", "Worsening")]
COLLECTOR = "relance_avancee.group_relance_user"


class ResPartner(models.Model):
    """How the customer pays, graded A to D in each company from its last twelve months
    (``res.company._relance_payer_grade`` is the rule). Kept by the daily run and the
    managers' "Recompute payer scores" button; the inputs are kept too, so the customer
    form explains the grade. Collectors only: a portal user never reads them."""

    _inherit = "res.partner"

    relance_payer_score = fields.Selection(
        PAYER_SCORES,
        string="Payer Score",
        company_dependent=True,
        copy=False,
        readonly=True,
        groups=COLLECTOR,
        help="A: pays on time; B: a little late; C: late; D: very late, or promises broken "
        "or disputes rejected. From the invoices due in the last twelve months in this "
        "company; none without such invoices.",
    )
    relance_payer_trend = fields.Selection(
        PAYER_TRENDS,
        string="Payer Trend",
        company_dependent=True,
        copy=False,
        readonly=True,
        groups=COLLECTOR,
        help="Days late (weighted by amount) of the invoices due in the last six months "
        "against the six months before.",
    )
    relance_payer_days_late = fields.Float(
        string="Days Late (Weighted, 12 Months)",
        digits=(6, 1),
        company_dependent=True,
        copy=False,
        readonly=True,
        groups=COLLECTOR,
        help="Average days between due date and payment, weighted by amount; what is still "
        "unpaid counts up to the day of the score.",
    )
    relance_payer_on_time_share = fields.Float(
        string="Amount Paid On Time (12 Months, %)",
        digits=(5, 1),
        company_dependent=True,
        copy=False,
        readonly=True,
        groups=COLLECTOR,
    )
    relance_payer_broken_promises = fields.Integer(
        string="Promises Broken (12 Months)",
        company_dependent=True,
        copy=False,
        readonly=True,
        groups=COLLECTOR,
    )
    relance_payer_disputes = fields.Integer(
        string="Disputes Rejected (12 Months)",
        company_dependent=True,
        copy=False,
        readonly=True,
        groups=COLLECTOR,
        help="Disputes found unfounded: the customer held its payment without cause.",
    )
    relance_payer_score_date = fields.Date(
        string="Payer Score Computed On",
        company_dependent=True,
        copy=False,
        readonly=True,
        groups=COLLECTOR,
    )
