# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.tools import SQL

from .relance_late_payment_analysis import SOURCE_COUNT

# Rank of this source in the view's row ids (calls 0, unconfirmed copies 1, disputes 2).
REJECTED_RANK = 3


class RelanceLatePaymentAnalysis(models.Model):
    """An invoice the e-invoicing platform rejected was never issued: a cause of late
    payment of the invoicing process, that the checks before sending would have caught."""

    _inherit = "relance.late.payment.analysis"
    _depends = {
        "relance.einvoice.status": ["move_id", "company_id", "partner_id", "status", "date"],
    }

    source = fields.Selection(
        selection_add=[("einvoice_rejected", "Rejected by the e-invoicing platform")]
    )

    @api.model
    def _relance_sources(self):
        return [*super()._relance_sources(), self._relance_rejected_rows()]

    @api.model
    def _relance_rejected_rows(self):
        """Each rejection received, by the day it was received, for the invoice's total."""
        return SQL(
            """
            SELECT s.id * %(count)s + %(rank)s, s.company_id, s.partner_id, s.date::date,
                   'einvoice_rejected', NULL::varchar, 'invoicing', TRUE, c.currency_id,
                   m.amount_total_signed, 1
              FROM relance_einvoice_status s
              JOIN account_move m ON m.id = s.move_id
              JOIN res_company c ON c.id = s.company_id
             WHERE s.status = 'rejected' AND s.direction = 'incoming'
            """,
            count=SOURCE_COUNT,
            rank=REJECTED_RANK,
        )
