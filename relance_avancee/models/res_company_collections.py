# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import models


class ResCompany(models.Model):
    """Who handles the company's litigation files."""

    _inherit = "res.company"

    def _relance_litigation_manager(self):
        """The first active dunning manager of the company, else the current user."""
        group = self.env.ref("relance_avancee.group_relance_manager")
        managers = group.users.filtered(lambda u: self in u.company_ids and u.active)
        return managers[:1] or self.env.user
