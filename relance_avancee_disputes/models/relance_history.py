# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import models


class RelanceHistory(models.Model):
    _inherit = "relance.history"

    def _relance_portal_url(self):
        """Reminder emails link to the customer's statement in the sending company, where
        problems are reported."""
        self.ensure_one()
        return self.partner_id._relance_statement_url(self.company_id, issued=self.date)
