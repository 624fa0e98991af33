# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class RelanceTypology(models.Model):
    """A family of customers that share one way of being reminded.

    Collectors think in typologies (risky customer, public body, key account...):
    each one points to the escalation plan that suits it and weighs the priority
    of its customers in the daily worklist.
    """

    _name = "relance.typology"
    _description = "Customer Typology (Dunning)"
    _order = "sequence, name"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True)
    code = fields.Char(help="Short code used in reports and imports.")
    sequence = fields.Integer(default=10)
    plan_id = fields.Many2one(
        "relance.plan",
        string="Dunning Plan",
        check_company=True,
        help="Plan applied to customers of this typology unless the customer overrides it.",
    )
    priority_weight = fields.Float(
        default=1.0,
        help="Multiplies the priority score of these customers in the collector worklist.",
    )
    public_body = fields.Boolean(
        help="Public buyers: long payment circuits and moratorium interest "
        "(ECB rate + 8 points) instead of the commercial rate.",
    )
    company_id = fields.Many2one("res.company", default=lambda self: self.env.company, index=True)
    active = fields.Boolean(default=True)
    description = fields.Text(translate=True)
    partner_count = fields.Integer(compute="_compute_partner_count")

    _sql_constraints = [
        (
            "code_company_uniq",
            "unique(code, company_id)",
            "The typology code must be unique per company.",
        ),
        (
            "priority_weight_positive",
            "CHECK(priority_weight >= 0)",
            "The priority weight cannot be negative.",
        ),
    ]

    def _compute_partner_count(self):
        counts = dict(
            self.env["res.partner"]._read_group(
                [("relance_typology_id", "in", self.ids), ("is_company", "=", True)],
                ["relance_typology_id"],
                ["__count"],
            )
        )
        for typology in self:
            typology.partner_count = counts.get(typology, 0)

    def action_open_partners(self):
        self.ensure_one()
        self.check_access("read")
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "account.res_partner_action_customer"
        )
        action["domain"] = [("relance_typology_id", "=", self.id)]
        action["context"] = {"default_relance_typology_id": self.id}
        return action
