# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.tools import SQL

from odoo.addons.relance_avancee.models.relance_late_payment_analysis import SOURCE_COUNT

# Context key: the view as the base addon alone builds it (this addon is uninstalled).
WITHOUT_DISPUTES_KEY = "relance_analysis_without_disputes"


class RelanceLatePaymentAnalysis(models.Model):
    """Disputes join the reasons given on calls, by their root process. A call that
    opened a dispute is counted by its dispute (its root process, not the call's)."""

    _inherit = "relance.late.payment.analysis"
    _depends = {
        "relance.dispute": [
            "company_id",
            "partner_id",
            "date_open",
            "root_process",
            "preventable",
            "amount",
            "state",
        ],
    }

    source = fields.Selection(selection_add=[("dispute", "Dispute")])

    @api.model
    def _relance_sources(self):
        if self.env.context.get(WITHOUT_DISPUTES_KEY):
            return super()._relance_sources()
        return [*super()._relance_sources(), self._relance_dispute_rows()]

    @api.model
    def _relance_call_rows_condition(self):
        if self.env.context.get(WITHOUT_DISPUTES_KEY):
            return super()._relance_call_rows_condition()
        return SQL("h.outcome IS DISTINCT FROM 'dispute'")

    @api.model
    def _relance_drop_disputes(self):
        """Uninstalling this addon: the view is built again without the disputes, so
        that dropping their table leaves the base's analysis in place."""
        self.with_context(**{WITHOUT_DISPUTES_KEY: True}).init()

    @api.model
    def _relance_dispute_rows(self):
        """Disputes by the month they were opened; a rejected one was no cause of ours."""
        return SQL(
            """
            SELECT d.id * %(count)s + 2, d.company_id, d.partner_id, d.date_open, 'dispute',
                   'dispute', d.root_process, COALESCE(d.preventable, FALSE), c.currency_id,
                   d.amount, 1
              FROM relance_dispute d
              JOIN res_company c ON c.id = d.company_id
             WHERE d.state != 'rejected'
            """,
            count=SOURCE_COUNT,
        )
