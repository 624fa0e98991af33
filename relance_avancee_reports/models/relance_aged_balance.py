# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from collections import defaultdict
from datetime import timedelta

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from odoo.addons.relance_avancee.access import check_receivables_reader, is_collector

# Residual of a receivable or payable line ``aml`` as of %(date)s: payments, credit
# notes and reconciliations dated after that date do not count (partials are dated by
# the later of their two lines, Odoo's max_date). One formula for every report that
# reads the ledger as of a date (aged balance, payment terms table).
RESIDUAL_AS_OF_SQL = """
    aml.balance
      - COALESCE((SELECT SUM(pr.amount) FROM account_partial_reconcile pr
                   WHERE pr.debit_move_id = aml.id AND pr.max_date <= %(date)s), 0)
      + COALESCE((SELECT SUM(pr.amount) FROM account_partial_reconcile pr
                   WHERE pr.credit_move_id = aml.id AND pr.max_date <= %(date)s), 0)
"""

# The open items of one account type (receivable by default) as of a date.
AGED_LINES_SQL = """
    SELECT * FROM (
    SELECT aml.id AS line_id,
           aml.move_id,
           aml.partner_id,
           p.commercial_partner_id,
           aml.company_id,
           COALESCE(aml.date_maturity, aml.date) AS date_due,
           %(residual)s AS residual
      FROM account_move_line aml
      JOIN account_account acc ON acc.id = aml.account_id
      JOIN res_partner p ON p.id = aml.partner_id
     WHERE acc.account_type = %(account_type)s
       AND aml.parent_state = 'posted'
       AND aml.date <= %(date)s
       AND aml.company_id = ANY(%(company_ids)s)
       %(partner_filter)s
    ) aged
    WHERE ROUND(residual::numeric, 2) != 0
    ORDER BY commercial_partner_id, date_due, line_id
"""

# The lines of one account type settled in full during [date_from, date]: nothing left
# on ``date``, and settled on the date of the last payment (or credit note) matched to
# them, the counterpart's own date (a bill booked after its payment was paid on the
# payment's date).
SETTLED_LINES_SQL = """
    SELECT * FROM (
    SELECT aml.id AS line_id,
           aml.move_id,
           aml.partner_id,
           aml.company_id,
           COALESCE(aml.date_maturity, aml.date) AS date_due,
           aml.balance,
           %(residual)s AS residual,
           (SELECT MAX(other.date) FROM account_partial_reconcile pr
              JOIN account_move_line other
                ON other.id = CASE WHEN pr.debit_move_id = aml.id
                                   THEN pr.credit_move_id ELSE pr.debit_move_id END
             WHERE (pr.debit_move_id = aml.id OR pr.credit_move_id = aml.id)
               AND pr.max_date <= %(date)s) AS date_settled
      FROM account_move_line aml
      JOIN account_account acc ON acc.id = aml.account_id
      JOIN account_move move ON move.id = aml.move_id
     WHERE acc.account_type = %(account_type)s
       AND aml.parent_state = 'posted'
       AND aml.date <= %(date)s
       AND aml.company_id = ANY(%(company_ids)s)
       AND aml.partner_id IS NOT NULL
       AND aml.balance != 0
       AND move.move_type = ANY(%(move_types)s)
    ) settled
    WHERE ROUND(residual::numeric, 2) = 0
      AND date_settled >= %(date_from)s
    ORDER BY date_settled, line_id
"""

# Payments registered but not booked (Odoo 18 'in process' payments without entry),
# with every customer invoice each one was registered for and Odoo's due date of that
# invoice (its last instalment's), oldest payment first.
IN_PROCESS_SQL = """
    SELECT pay.id, pay.amount_company_currency_signed, rel.invoice_id,
           COALESCE(move.invoice_date_due, move.date) AS invoice_due
      FROM account_payment pay
      JOIN account_move__account_payment rel ON rel.payment_id = pay.id
      JOIN account_move move ON move.id = rel.invoice_id
     WHERE pay.move_id IS NULL
       AND pay.state IN ('in_process', 'paid')
       AND pay.date <= %(date)s
       AND move.move_type = 'out_invoice'
       AND move.state = 'posted'
       AND pay.id IN (SELECT sub.payment_id FROM account_move__account_payment sub
                       WHERE sub.invoice_id = ANY(%(move_ids)s))
     ORDER BY pay.date, pay.id
"""


class RelanceAgedBalance(models.AbstractModel):
    """Detailed aged balance ("balance âgée détaillée") as of any date, in SQL."""

    _name = "relance.aged.balance"
    _description = "Detailed Aged Balance"

    @api.model
    def compute(self, date, company_ids=None, partner_ids=None):
        """One dict per customer with an open receivable on ``date``.

        ``{'partner_id', 'total', 'buckets', 'lines', 'typology_id', 'collector_id',
        'payer_score', 'in_dispute', 'in_process', 'overdue'}``; ``lines`` holds one
        dict per open item: ``{'move_id', 'line_id', 'date_due', 'residual',
        'days_overdue', 'bucket', 'in_dispute', 'in_process', 'einvoice_status'}``
        (the latest e-invoicing lifecycle status received by that date, or False).
        Amounts in company currency; buckets in the order of :meth:`_bucket_labels`. Collectors and
        accounting users only: the SQL reads every customer's receivables, whatever
        the record rules.
        """
        check_receivables_reader(self.env)
        date = fields.Date.to_date(date)
        companies = self._companies(company_ids)
        bounds = companies[:1]._relance_bucket_bounds()
        rows = self._fetch_lines(date, companies, partner_ids)
        move_ids = list({row["move_id"] for row in rows})
        in_process = self._in_process(date, companies, rows)
        disputed = self._disputed_moves(date, move_ids)
        einvoice = self._einvoice_statuses(date, move_ids)
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
                "in_process": in_process.get(row["line_id"], 0.0),
                "einvoice_status": einvoice.get(row["move_id"], False),
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
        self._add_partner_info(partners, companies)
        return sorted(partners.values(), key=lambda p: (-p["total"], p["partner_id"]))

    @api.model
    def _bucket_labels(self, company=None):
        bounds = (company or self.env.company)._relance_bucket_bounds()
        labels = [_("Not due")]
        low = 1
        for bound in bounds:
            labels.append(f"{low}-{bound}")
            low = bound + 1
        labels.append(_("Over %s", bounds[-1]))
        return labels

    @api.model
    def _summarize(self, partners, key):
        """Subtotals of ``compute()`` rows by ``key`` ('typology_id' or 'collector_id'):
        ``{key: {'total', 'buckets', 'count', 'in_dispute', 'in_process'}}``."""
        groups = {}
        for partner in partners:
            group = groups.setdefault(
                partner[key],
                {
                    "total": 0.0,
                    "buckets": [0.0] * len(partner["buckets"]),
                    "count": 0,
                    "in_dispute": 0.0,
                    "in_process": 0.0,
                },
            )
            group["total"] += partner["total"]
            group["count"] += 1
            group["in_dispute"] += partner["in_dispute"]
            group["in_process"] += partner["in_process"]
            group["buckets"] = [
                a + b for a, b in zip(group["buckets"], partner["buckets"], strict=True)
            ]
        return groups

    # --- helpers ---------------------------------------------------------------

    def _companies(self, company_ids):
        """The companies asked for that the user may see (his allowed companies: the
        SQL below bypasses record rules), all in one currency."""
        allowed = self.env.companies
        asked = self.env["res.company"].browse(company_ids or [])
        if self.env.su and asked:
            companies = asked  # the system (cron, sudo) sees every company
        else:
            companies = allowed & asked if asked else allowed
        if not companies:
            raise UserError(_("You have no access to the companies chosen for the aged balance."))
        if len(companies.currency_id) > 1:
            raise UserError(
                _(
                    "The aged balance adds amounts in company currency: choose companies that "
                    "share one currency (%(currencies)s found).",
                    currencies=", ".join(companies.currency_id.mapped("name")),
                )
            )
        return companies

    def _fetch_lines(
        self, date, companies, partner_ids=None, move_ids=None, account_type="asset_receivable"
    ):
        """Open items on ``date`` (receivable ones unless ``account_type`` says
        otherwise): ``{'line_id', 'move_id', 'partner_id', 'commercial_partner_id',
        'company_id', 'date_due', 'residual'}``, residual signed as the balance."""
        self.env["account.move.line"].flush_model()
        self.env["account.partial.reconcile"].flush_model()
        filters = []
        if partner_ids:
            filters.append(SQL("AND p.commercial_partner_id = ANY(%s)", list(partner_ids)))
        if move_ids is not None:
            filters.append(SQL("AND aml.move_id = ANY(%s)", list(move_ids)))
        self.env.cr.execute(
            SQL(
                AGED_LINES_SQL,
                date=date,
                company_ids=companies.ids,
                account_type=account_type,
                residual=SQL(RESIDUAL_AS_OF_SQL, date=date),
                partner_filter=SQL(" ").join(filters),
            )
        )
        return self.env.cr.dictfetchall()

    def _fetch_settled_lines(self, date_from, date, companies, account_type, move_types):
        """Lines of ``account_type`` on documents of ``move_types`` settled in full
        between ``date_from`` and ``date`` (the same residual as of a date as the open
        items): ``{'line_id', 'move_id', 'partner_id', 'company_id', 'date_due',
        'balance', 'date_settled'}``."""
        self.env["account.move.line"].flush_model()
        self.env["account.partial.reconcile"].flush_model()
        self.env["account.move"].flush_model(["move_type"])
        self.env.cr.execute(
            SQL(
                SETTLED_LINES_SQL,
                date=date,
                date_from=date_from,
                company_ids=companies.ids,
                account_type=account_type,
                move_types=list(move_types),
                residual=SQL(RESIDUAL_AS_OF_SQL, date=date),
            )
        )
        return self.env.cr.dictfetchall()

    def _in_process(self, date, companies, rows):
        """{line id: part of the payments registered but not booked on ``date`` that
        covers the line}, in company currency.

        The rule of the amount still due of an invoice
        (``account.move._relance_unbooked_allocation``), on the ledger as of ``date``: a
        payment is spread over the customer invoices it was registered for, by Odoo's
        due date of each invoice (its last instalment's), each taking at most its
        residual on ``date``, its instalments oldest first; so a payment matched to
        several invoices is never counted in full on each of them, and each invoice
        gets the same share here as in the amount still due.
        """
        if not rows:
            return {}
        self.env["account.payment"].flush_model()
        self.env.cr.execute(
            SQL(IN_PROCESS_SQL, date=date, move_ids=list({row["move_id"] for row in rows}))
        )
        payments = {}
        invoice_due = {}
        for payment_id, amount, invoice_id, due in self.env.cr.fetchall():
            payments.setdefault(payment_id, [amount, set()])[1].add(invoice_id)
            invoice_due[invoice_id] = due
        if not payments:
            return {}
        lines = list(rows)
        known = {row["move_id"] for row in rows}
        others = {inv for _amount, invoices in payments.values() for inv in invoices} - known
        if others:
            # Open items of the other invoices of these payments (another customer of the
            # group, outside the filters): they take their share too.
            lines += self._fetch_lines(date, companies, move_ids=others)
        by_move = defaultdict(list)
        for line in lines:
            by_move[line["move_id"]].append(line)
        left = {line["line_id"]: line["residual"] for line in lines}
        covered = defaultdict(float)
        for amount, invoices in payments.values():
            available = amount
            candidates = sorted(
                (line for move_id in invoices for line in by_move.get(move_id, [])),
                key=lambda line: (
                    invoice_due[line["move_id"]],
                    line["move_id"],
                    line["date_due"],
                    line["line_id"],
                ),
            )
            for line in candidates:
                if available <= 0.005:
                    break
                part = min(available, left[line["line_id"]])
                if part <= 0:
                    continue
                covered[line["line_id"]] += part
                left[line["line_id"]] -= part
                available -= part
        currency = companies[:1].currency_id
        return {line_id: currency.round(value) for line_id, value in covered.items()}

    def _disputed_moves(self, date, move_ids):
        """Invoices in a dispute open on ``date``: the invoices answer (none unless the
        disputes addon is installed); this report knows no dispute table."""
        if not move_ids:
            return set()
        return self.env["account.move"].browse(move_ids)._relance_disputed_on(date)

    def _einvoice_statuses(self, date, move_ids):
        """{invoice id: latest e-invoicing status received by the end of ``date``}."""
        if not move_ids:
            return {}
        self.env["relance.einvoice.status"].flush_model(["move_id", "status", "date"])
        rows = self.env.execute_query(
            SQL(
                """
                SELECT DISTINCT ON (move_id) move_id, status
                  FROM relance_einvoice_status
                 WHERE move_id = ANY(%(moves)s)
                   AND direction = 'incoming'
                   AND date < %(until)s
              ORDER BY move_id, date DESC, id DESC
                """,
                moves=list(move_ids),
                until=date + timedelta(days=1),
            )
        )
        return dict(rows)

    @staticmethod
    def _bucket_index(days, bounds):
        if days <= 0:
            return 0
        for index, bound in enumerate(bounds, start=1):
            if days <= bound:
                return index
        return len(bounds) + 1

    def _add_partner_info(self, partners, companies):
        records = self.env["res.partner"].browse(list(partners)).sudo()
        # The payer score is the collectors' (its fields' groups), not every reader's.
        scores = self._payer_scores(records, companies) if is_collector(self.env) else {}
        for partner in records:
            partners[partner.id].update(
                {
                    "typology_id": partner.relance_typology_id.id,
                    "collector_id": partner.relance_collector_id.id,
                    "payer_score": scores.get(partner.id, ""),
                }
            )

    def _payer_scores(self, partners, companies):
        """{partner id: payer grade label}: 'B' for one company; with several, each
        company's grade named ('A (Company 1) / D (Company 2)'), a grade being per company."""
        field = partners.fields_get(["relance_payer_score"], ["selection"])["relance_payer_score"]
        labels = dict(field["selection"])
        grades = {}
        for company in companies:
            for partner in partners.with_company(company):
                if partner.relance_payer_score:
                    grades.setdefault(partner.id, []).append(
                        (labels[partner.relance_payer_score], company.name)
                    )
        if len(companies) == 1:
            return {pid: found[0][0] for pid, found in grades.items()}
        return {
            pid: " / ".join(f"{grade} ({name})" for grade, name in found)
            for pid, found in grades.items()
        }
