# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class RelanceDisputeTeam(models.Model):
    """The department that can solve a dispute (accounting, sales administration...)."""

    _name = "relance.dispute.team"
    _description = "Dispute Team"
    _order = "sequence, name"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    leader_id = fields.Many2one("res.users", string="Team Leader")
    member_ids = fields.Many2many("res.users", string="Members")
    company_id = fields.Many2one("res.company", default=lambda self: self.env.company)
    is_default = fields.Boolean(
        string="Default Team", help="Receives the disputes that no routing rule matches."
    )
    active = fields.Boolean(default=True)
