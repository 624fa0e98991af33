# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import models


class AccountMove(models.Model):
    _inherit = "account.move"

    def _relance_disputed_on(self, date):
        """Ids of these invoices that were in a dispute open on ``date`` (a set).

        Extension point: the base addon knows no dispute, so none; the disputes addon
        answers from its own records. Reports (the aged balance) ask here rather than
        read the disputes addon's tables.
        """
        return set()
