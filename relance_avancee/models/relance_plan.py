# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import _, api, fields, models
from odoo.exceptions import ValidationError


class RelancePlan(models.Model):
    """An escalation plan: the ordered steps a reminder goes through."""

    _name = "relance.plan"
    _description = "Dunning Plan"
    _order = "sequence, name"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    level_ids = fields.One2many("relance.level", "plan_id", string="Levels", copy=True)
    min_amount = fields.Monetary(
        string="Minimum Amount",
        currency_field="currency_id",
        help="Customers whose amount due is below this are not reminded by this plan.",
    )
    grace_days = fields.Integer(
        default=3,
        help="Days after a promised payment date before dunning resumes.",
    )
    company_id = fields.Many2one("res.company", default=lambda self: self.env.company, index=True)
    currency_id = fields.Many2one(
        "res.currency",
        compute="_compute_currency_id",
        help="Currency of the minimum amount: the company's, or the current one when shared.",
    )
    active = fields.Boolean(default=True)
    description = fields.Text(translate=True)
    level_count = fields.Integer(compute="_compute_level_count")
    typology_ids = fields.One2many("relance.typology", "plan_id", string="Typologies")

    @api.constrains("min_amount", "grace_days")
    def _check_amounts(self):
        for plan in self:
            if plan.min_amount < 0:
                raise ValidationError(_("The minimum amount of a plan cannot be negative."))
            if plan.grace_days < 0:
                raise ValidationError(_("The grace days of a plan cannot be negative."))

    @api.depends("company_id")
    def _compute_currency_id(self):
        for plan in self:
            plan.currency_id = (plan.company_id or self.env.company).currency_id

    @api.depends("level_ids")
    def _compute_level_count(self):
        for plan in self:
            plan.level_count = len(plan.level_ids)

    @api.model_create_multi
    def create(self, vals_list):
        plans = super(RelancePlan, self.with_context(relance_defer_level_check=True)).create(
            vals_list
        )
        plans._check_level_order()
        return plans.with_env(self.env)

    def write(self, vals):
        res = super(RelancePlan, self.with_context(relance_defer_level_check=True)).write(vals)
        if "level_ids" in vals:
            self._check_level_order()
        return res

    def _check_level_order(self):
        """Levels run in sequence order: their offsets must increase with it.

        Checked on the whole plan once its levels are all written, so that editing
        several levels in one save never trips on an intermediate state.
        """
        for plan in self:
            levels = plan.level_ids.sorted(lambda lvl: (lvl.sequence, lvl.id))
            for previous, level in zip(levels, levels[1:], strict=False):
                if level.sequence == previous.sequence:
                    raise ValidationError(
                        _(
                            'Plan "%(plan)s": levels "%(a)s" and "%(b)s" have the same '
                            "sequence (%(seq)s). Each level needs its own place in the plan.",
                            plan=plan.name,
                            a=previous.name,
                            b=level.name,
                            seq=level.sequence,
                        )
                    )
                if level.offset_days <= previous.offset_days:
                    raise ValidationError(
                        _(
                            'Plan "%(plan)s": level "%(b)s" (%(b_days)s days) comes after '
                            '"%(a)s" (%(a_days)s days) but does not act later. Offsets must '
                            "strictly increase with the sequence.",
                            plan=plan.name,
                            a=previous.name,
                            b=level.name,
                            a_days=previous.offset_days,
                            b_days=level.offset_days,
                        )
                    )
