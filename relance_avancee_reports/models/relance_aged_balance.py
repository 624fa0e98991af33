from collections import defaultdict

from odoo import _, api, fields, models
from odoo.tools import SQL

# Residual of each receivable line as of a date: payments, credit notes and
# reconciliations dated after that date do not count (partials are dated by the
# later of their two lines, Odoo's max_date).
AGED_LINES_SQL = """
    SELECT * FROM (
    SELECT aml.id AS line_id,
           aml.move_id,
           aml.partner_id,
           p.commercial_partner_id,
           aml.company_id,
           COALESCE(aml.date_maturity, aml.date) AS date_due,
           aml.balance
             - COALESCE((SELECT SUM(pr.amount) FROM account_partial_reconcile pr
                          WHERE pr.debit_move_id = aml.id AND pr.max_date <= %(date)s), 0)
             + COALESCE((SELECT SUM(pr.amount) FROM account_partial_reconcile pr
                          WHERE pr.credit_move_id = aml.id AND pr.max_date <= %(date)s), 0)
             AS residual
      FROM account_move_line aml
      JOIN account_account acc ON acc.id = aml.account_id
      JOIN res_partner p ON p.id = aml.partner_id
     WHERE acc.account_type = 'asset_receivable'
       AND aml.parent_state = 'posted'
       AND aml.date <= %(date)s
       AND aml.company_id = ANY(%(company_ids)s)
       %(partner_filter)s
    ) aged
    WHERE ROUND(residual::numeric, 2) != 0
    ORDER BY commercial_partner_id, date_due, line_id
"""

# Payments registered but not booked (Odoo 18 'in process' payments without entry).
IN_PROCESS_SQL = """
    SELECT rel.invoice_id, SUM(pay.amount_company_currency_signed)
      FROM account_move__account_payment rel
      JOIN account_payment pay ON pay.id = rel.payment_id
     WHERE pay.move_id IS NULL
       AND pay.state IN ('in_process', 'paid')
       AND pay.date <= %(date)s
       AND rel.invoice_id = ANY(%(move_ids)s)
     GROUP BY rel.invoice_id
"""


class RelanceAgedBalance(models.AbstractModel):
    """Detailed aged balance ("balance âgée détaillée") as of any date, in SQL."""

    _name = "relance.aged.balance"
    _description = "Detailed Aged Balance"

    @api.model
    def compute(self, date, company_ids=None, partner_ids=None):
        """One dict per customer with an open receivable on ``date``.

        ``{'partner_id', 'total', 'buckets', 'lines', 'typology_id', 'collector_id',
        'in_dispute', 'in_process', 'overdue'}``; ``lines`` holds one dict per open item:
        ``{'move_id', 'line_id', 'date_due', 'residual', 'days_overdue', 'bucket',
        'in_dispute', 'in_process'}``. Amounts in company currency; buckets in the order
        of :meth:`bucket_labels`.
        """
        date = fields.Date.to_date(date)
        companies = self._companies(company_ids)
        bounds = companies[:1]._relance_bucket_bounds()
        rows = self._fetch_lines(date, companies, partner_ids)
        move_ids = [row["move_id"] for row in rows]
        in_process = self._in_process(date, move_ids)
        disputed = self._disputed_moves(date, move_ids)
        partners = {}
        for row in rows:
            days = (date - row["date_due"]).days
            bucket = self._bucket_index(days, bounds)
            line = {
                "move_id": row["move_id"],
                "line_id": row["line_id"],
                "date_due": row["date_due"],
                "residual": row["residual"],
                "days_overdue": max(days, 0),
                "bucket": bucket,
                "in_dispute": row["move_id"] in disputed,
                "in_process": in_process.get(row["move_id"], 0.0),
            }
            entry = partners.setdefault(
                row["commercial_partner_id"],
                {
                    "partner_id": row["commercial_partner_id"],
                    "total": 0.0,
                    "buckets": [0.0] * (len(bounds) + 2),
                    "lines": [],
                    "in_dispute": 0.0,
                    "in_process": 0.0,
                    "overdue": 0.0,
                },
            )
            entry["lines"].append(line)
            entry["total"] += line["residual"]
            entry["buckets"][bucket] += line["residual"]
            entry["in_process"] += line["in_process"]
            if line["in_dispute"]:
                entry["in_dispute"] += line["residual"]
            if bucket > 0:
                entry["overdue"] += line["residual"]
        self._add_partner_info(partners)
        return sorted(partners.values(), key=lambda p: (-p["total"], p["partner_id"]))

    @api.model
    def bucket_labels(self, company=None):
        bounds = (company or self.env.company)._relance_bucket_bounds()
        labels = [_("Not due")]
        low = 1
        for bound in bounds:
            labels.append(f"{low}-{bound}")
            low = bound + 1
        labels.append(_("Over %s", bounds[-1]))
        return labels

    @api.model
    def summarize(self, partners, key):
        """Subtotals of ``compute()`` rows by ``key`` ('typology_id' or 'collector_id')."""
        groups = defaultdict(lambda: {"total": 0.0, "buckets": None, "count": 0})
        for partner in partners:
            group = groups[partner[key]]
            group["total"] += partner["total"]
            group["count"] += 1
            if group["buckets"] is None:
                group["buckets"] = [0.0] * len(partner["buckets"])
            group["buckets"] = [
                a + b for a, b in zip(group["buckets"], partner["buckets"], strict=True)
            ]
        return dict(groups)

    # --- helpers ---------------------------------------------------------------

    def _companies(self, company_ids):
        if company_ids:
            return self.env["res.company"].browse(company_ids)
        return self.env.companies

    def _fetch_lines(self, date, companies, partner_ids):
        self.env["account.move.line"].flush_model()
        self.env["account.partial.reconcile"].flush_model()
        partner_filter = SQL()
        if partner_ids:
            partner_filter = SQL("AND p.commercial_partner_id = ANY(%s)", list(partner_ids))
        self.env.cr.execute(
            SQL(
                AGED_LINES_SQL,
                date=date,
                company_ids=companies.ids,
                partner_filter=partner_filter,
            )
        )
        return self.env.cr.dictfetchall()

    def _in_process(self, date, move_ids):
        if not move_ids:
            return {}
        self.env.cr.execute(SQL(IN_PROCESS_SQL, date=date, move_ids=move_ids))
        return dict(self.env.cr.fetchall())

    def _disputed_moves(self, date, move_ids):
        """Invoices in a dispute open on ``date`` (when the disputes addon is installed)."""
        if "relance.dispute" not in self.env or not move_ids:
            return set()
        self.env["relance.dispute"].flush_model()
        self.env.cr.execute(
            SQL(
                """
                SELECT rel.move_id
                  FROM relance_dispute_account_move_rel rel
                  JOIN relance_dispute d ON d.id = rel.dispute_id
                 WHERE rel.move_id = ANY(%(move_ids)s)
                   AND d.date_open <= %(date)s
                   AND (d.date_closed IS NULL OR d.date_closed > %(date)s)
                """,
                date=date,
                move_ids=move_ids,
            )
        )
        return {row[0] for row in self.env.cr.fetchall()}

    @staticmethod
    def _bucket_index(days, bounds):
        if days <= 0:
            return 0
        for index, bound in enumerate(bounds, start=1):
            if days <= bound:
                return index
        return len(bounds) + 1

    def _add_partner_info(self, partners):
        records = self.env["res.partner"].browse(list(partners)).sudo()
        for partner in records:
            partners[partner.id].update(
                {
                    "typology_id": partner.relance_typology_id.id,
                    "collector_id": partner.relance_collector_id.id,
                }
            )
