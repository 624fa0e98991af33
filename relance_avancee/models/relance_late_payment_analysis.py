# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models, tools
from odoo.tools import SQL

from .late_payment import LATE_REASONS, PREVENTABLE_REASONS, PROCESSES, REASON_PROCESSES

# Where an occurrence comes from; the disputes addon adds its disputes.
SOURCES = [
    ("call", "Reason given on a call"),
    ("unconfirmed", "Not received, receipt unconfirmed"),
]
# Row ids: each source's record id times this, plus the source's rank (stable ids).
SOURCE_COUNT = 4


class RelanceLatePaymentAnalysis(models.Model):
    """Why customers pay late: one row per cause heard or found (a reason given on a
    call, a copy whose receipt was not confirmed in time, a dispute with the disputes
    addon), with the internal process it points to, to count and sum by process and
    month. Read-only (a database view)."""

    _name = "relance.late.payment.analysis"
    _description = "Why Customers Pay Late"
    _auto = False
    _order = "date desc, id desc"
    _rec_name = "process"
    _depends = {
        "relance.history": [
            "company_id",
            "partner_id",
            "date",
            "channel",
            "state",
            "outcome",
            "late_reason",
            "amount_due",
        ],
        "account.move": [
            "company_id",
            "commercial_partner_id",
            "relance_receipt_unconfirmed_date",
            "amount_total_signed",
        ],
    }

    date = fields.Date(readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    source = fields.Selection(SOURCES, readonly=True)
    late_reason = fields.Selection(LATE_REASONS, string="Reason", readonly=True)
    process = fields.Selection(PROCESSES, string="Internal Process", readonly=True)
    preventable = fields.Boolean(
        readonly=True,
        help="The checks made when an invoice is posted or sent would have avoided it.",
    )
    currency_id = fields.Many2one("res.currency", readonly=True)
    amount = fields.Monetary(
        readonly=True,
        help="In the company's currency: the amount due at the call, the disputed amount, "
        "the amount of the invoice whose receipt was not confirmed.",
    )
    occurrences = fields.Integer(readonly=True)

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            SQL(
                "CREATE OR REPLACE VIEW %s AS (%s)",
                SQL.identifier(self._table),
                SQL(" UNION ALL ").join(self._relance_sources()),
            )
        )

    @api.model
    def _relance_sources(self):
        """The SELECTs whose rows the view unites (same columns, same order)."""
        return [self._relance_call_rows(), self._relance_unconfirmed_rows()]

    @api.model
    def _relance_call_rows_condition(self):
        """Which calls with a reason count; the disputes addon counts the disputes
        opened on a call instead of the call."""
        return SQL("TRUE")

    @api.model
    def _relance_call_rows(self):
        process = SQL(
            "CASE h.late_reason %s END",
            SQL(" ").join(
                SQL("WHEN %s THEN %s", reason, target)
                for reason, target in REASON_PROCESSES.items()
            ),
        )
        return SQL(
            """
            SELECT h.id * %(count)s AS id, h.company_id, h.partner_id, h.date,
                   'call' AS source, h.late_reason, %(process)s AS process,
                   h.late_reason IN %(preventable)s AS preventable,
                   c.currency_id, h.amount_due AS amount, 1 AS occurrences
              FROM relance_history h
              JOIN res_company c ON c.id = h.company_id
             WHERE h.channel = 'phone' AND h.state = 'done' AND h.late_reason IS NOT NULL
               AND %(condition)s
            """,
            count=SOURCE_COUNT,
            process=process,
            preventable=PREVENTABLE_REASONS,
            condition=self._relance_call_rows_condition(),
        )

    @api.model
    def _relance_unconfirmed_rows(self):
        """Invoices whose copy the customer did not confirm receiving in time: once."""
        return SQL(
            """
            SELECT m.id * %(count)s + 1 AS id, m.company_id, m.commercial_partner_id,
                   m.relance_receipt_unconfirmed_date, 'unconfirmed', 'not_received',
                   %(process)s, TRUE, c.currency_id, m.amount_total_signed, 1
              FROM account_move m
              JOIN res_company c ON c.id = m.company_id
             WHERE m.relance_receipt_unconfirmed_date IS NOT NULL
            """,
            count=SOURCE_COUNT,
            process=REASON_PROCESSES["not_received"],
        )
