# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models

from .relance_dispute_reason import CATEGORIES


class RelanceDisputeRoute(models.Model):
    """Routing rule: the first rule (by sequence) that matches a dispute assigns it."""

    _name = "relance.dispute.route"
    _description = "Dispute Routing Rule"
    _order = "sequence, id"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    category = fields.Selection(CATEGORIES, help="Empty: any category.")
    reason_ids = fields.Many2many("relance.dispute.reason", string="Reasons", help="Empty: any.")
    min_amount = fields.Monetary(currency_field="currency_id", help="Disputed amount from.")
    currency_id = fields.Many2one("res.currency", default=lambda self: self.env.company.currency_id)
    typology_ids = fields.Many2many("relance.typology", string="Typologies", help="Empty: any.")
    company_id = fields.Many2one("res.company", help="Empty: every company.")
    team_id = fields.Many2one("relance.dispute.team", required=True)
    user_id = fields.Many2one("res.users", string="Responsible", help="Empty: the team leader.")
    sla_days = fields.Integer(string="SLA (days)", help="Empty: the reason's SLA.")
    active = fields.Boolean(default=True)

    def _matches(self, dispute):
        self.ensure_one()
        typology = dispute.partner_id.commercial_partner_id.relance_typology_id
        return (
            (not self.category or self.category == dispute.category)
            and (not self.reason_ids or dispute.reason_id in self.reason_ids)
            and (not self.company_id or self.company_id == dispute.company_id)
            and (not self.typology_ids or typology in self.typology_ids)
            and dispute.amount >= self._min_amount_in(dispute.currency_id, dispute.company_id)
        )

    def _min_amount_in(self, currency, company):
        source = self.currency_id or company.currency_id
        return source._convert(self.min_amount, currency, company, fields.Date.today())

    @api.model
    def _find(self, dispute):
        """(team, user, sla_days) for ``dispute``: first matching rule, else the default team."""
        for route in self.search([]):
            if route._matches(dispute):
                return (
                    route.team_id,
                    route.user_id or route.team_id.leader_id,
                    route.sla_days or dispute.reason_id.sla_days,
                )
        team = self.env["relance.dispute.team"].search(
            [("is_default", "=", True), ("company_id", "in", (False, dispute.company_id.id))],
            limit=1,
        )
        return team, team.leader_id, dispute.reason_id.sla_days
