# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from collections import defaultdict
from datetime import timedelta

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL, float_round

from odoo.addons.relance_avancee.access import check_receivables_reader, is_collector
from odoo.addons.relance_avancee.performance import collector_paused, column_values

# Partial reconciliations dated after %(date)s, summed per line and signed as its
# balance (a partial is dated by the later of its two lines, Odoo's max_date): what
# was still open on that date on top of the line's residual today. Joined as ``late``
# to the lines read with RESIDUAL_AS_OF_SQL.
LATE_PARTIALS_SQL = """
    SELECT line_id, SUM(amount) AS amount
      FROM (SELECT debit_move_id AS line_id, amount
              FROM account_partial_reconcile WHERE max_date > %(date)s
             UNION ALL
            SELECT credit_move_id, -amount
              FROM account_partial_reconcile WHERE max_date > %(date)s) parts
     GROUP BY line_id
"""

# Residual of a receivable or payable line ``aml`` as of %(date)s: its balance less
# the partials dated up to that date, i.e. Odoo's residual today (the balance less
# every partial, stored on the line) plus the ``late`` ones: payments, credit notes and
# reconciliations dated after that date do not count. One pass over the partials of
# the recent days instead of a look-up per line. One formula for every report that
# reads the ledger as of a date (aged balance, payment terms table).
RESIDUAL_AS_OF_SQL = "aml.amount_residual + COALESCE(late.amount, 0)"

# The lines of the accounts of one type (%(account_type)s), for a query on ``aml``: the
# accounts' ids as an array rather than a join, which PostgreSQL estimates as a few
# lines (2 accounts in 50) when they are half the ledger, and then looks every
# line's partner up one by one (65 ms of 125 at 20,000 invoices) instead of hashing.
ACCOUNT_TYPE_SQL = """aml.account_id = ANY(ARRAY(
    SELECT id FROM account_account WHERE account_type = %(account_type)s))"""

# The open items of one account type (receivable by default) as of a date.
AGED_LINES_SQL = """
    WITH late AS (%(late)s)
    SELECT line_id, move_id, partner_id, commercial_partner_id, company_id, date_due,
           residual
      FROM (
    SELECT aml.id AS line_id,
           aml.move_id,
           aml.partner_id,
           p.commercial_partner_id,
           aml.company_id,
           COALESCE(aml.date_maturity, aml.date) AS date_due,
           %(residual)s AS residual
      FROM account_move_line aml
      JOIN res_partner p ON p.id = aml.partner_id
      LEFT JOIN late ON late.line_id = aml.id
     WHERE %(of_account_type)s
       AND aml.parent_state = 'posted'
       AND aml.date <= %(date)s
       AND aml.company_id = ANY(%(company_ids)s)
       %(partner_filter)s
    ) aged
    WHERE ROUND(residual::numeric, 2) != 0
    ORDER BY commercial_partner_id, date_due, line_id
"""

# The columns of AGED_LINES_SQL, in order.
LINE_COLUMNS = (
    "line_id",
    "move_id",
    "partner_id",
    "commercial_partner_id",
    "company_id",
    "date_due",
    "residual",
)

# The lines of one account type settled in full during [date_from, date]: nothing left
# on ``date``, and settled on the date of the last payment (or credit note) matched to
# them, the counterpart's own date (a bill booked after its payment was paid on the
# payment's date).
SETTLED_LINES_SQL = """
    WITH late AS (%(late)s)
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
      JOIN account_move move ON move.id = aml.move_id
      LEFT JOIN late ON late.line_id = aml.id
     WHERE %(of_account_type)s
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

# Payments registered but not booked on %(date)s (Odoo 18 'in process' payments
# without entry), with every document each one was registered for, whether it is a
# posted customer invoice (the ones a payment is spread over) and Odoo's due date of
# that invoice (its last instalment's), oldest payment first. No list of invoices to
# match: the caller keeps the payments of the invoices it shows.
IN_PROCESS_SQL = """
    SELECT pay.id, pay.amount_company_currency_signed, rel.invoice_id,
           move.move_type = 'out_invoice' AND move.state = 'posted' AS spread,
           COALESCE(move.invoice_date_due, move.date) AS invoice_due
      FROM account_payment pay
      JOIN account_move__account_payment rel ON rel.payment_id = pay.id
      JOIN account_move move ON move.id = rel.invoice_id
     WHERE pay.move_id IS NULL
       AND pay.state IN ('in_process', 'paid')
       AND pay.date <= %(date)s
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
        with collector_paused():  # a dict per open item: tens of thousands
            partners, lines = self._build_partners(
                date, bounds, self._query_lines(date, companies, partner_ids)
            )
            self._add_line_states(date, companies, lines)
            self._add_partner_info(partners, companies)
            return sorted(partners.values(), key=lambda p: (-p["total"], p["partner_id"]))

    def _build_partners(self, date, bounds, rows):
        """({commercial partner id: compute() row}, {line id: (line dict, its
        customer's row)}) from the open items ``rows`` (tuples of LINE_COLUMNS), the
        dispute, process and e-invoicing states left blank for :meth:`_add_line_states`."""
        partners = {}
        lines = {}  # {line id: (line dict, its customer's row)}
        ages = {}  # {due date: (days overdue, bucket)}: far fewer due dates than lines
        for line_id, move_id, _partner, commercial_id, _company, date_due, residual in rows:
            age = ages.get(date_due)
            if age is None:
                days = (date - date_due).days
                age = ages[date_due] = (max(days, 0), self._bucket_index(days, bounds))
            line = {
                "move_id": move_id,
                "line_id": line_id,
                "date_due": date_due,
                "residual": residual,
                "days_overdue": age[0],
                "bucket": age[1],
                "in_dispute": False,
                "in_process": 0.0,
                "einvoice_status": False,
            }
            entry = partners.get(commercial_id)
            if entry is None:
                entry = partners[commercial_id] = {
                    "partner_id": commercial_id,
                    "total": 0.0,
                    "buckets": [0.0] * (len(bounds) + 2),
                    "lines": [],
                    "in_dispute": 0.0,
                    "in_process": 0.0,
                    "overdue": 0.0,
                }
            lines[line_id] = (line, entry)
            entry["lines"].append(line)
            entry["total"] += residual
            entry["buckets"][age[1]] += residual
            if age[1] > 0:
                entry["overdue"] += residual
        return partners, lines

    def _add_line_states(self, date, companies, lines):
        """Mark the lines (``{line id: (line, customer's row)}``) in dispute, covered by
        payments registered but not booked and their e-invoicing status on ``date``,
        and add up the first two per customer. Only the lines concerned are visited:
        tens of thousands of open items, a few in dispute or covered."""
        move_ids = list({line["move_id"] for line, _entry in lines.values()})
        in_process = self._in_process(date, companies, [line for line, _entry in lines.values()])
        for line_id, covered in in_process.items():
            line, entry = lines.get(line_id, (None, None))
            if line is not None:  # not another customer's item outside the filters
                line["in_process"] = covered
                entry["in_process"] += covered
        disputed = self._disputed_moves(date, move_ids)
        einvoice = self._einvoice_statuses(date, move_ids)
        if not (disputed or einvoice):
            return
        for line, entry in lines.values():
            if line["move_id"] in disputed:
                line["in_dispute"] = True
                entry["in_dispute"] += line["residual"]
            line["einvoice_status"] = einvoice.get(line["move_id"], False)

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
        rows = self._query_lines(date, companies, partner_ids, move_ids, account_type)
        return [dict(zip(LINE_COLUMNS, row, strict=True)) for row in rows]

    def _query_lines(
        self, date, companies, partner_ids=None, move_ids=None, account_type="asset_receivable"
    ):
        """:meth:`_fetch_lines` as tuples of LINE_COLUMNS (no dict per row)."""
        self.env["account.move.line"].flush_model()
        self.env["account.partial.reconcile"].flush_model()
        filters = []
        if partner_ids:
            # On the line's own partner (indexed): a filter on the joined partner's
            # commercial partner would read every line of the ledger.
            filters.append(
                SQL(
                    "AND aml.partner_id = ANY(ARRAY("
                    "SELECT id FROM res_partner WHERE commercial_partner_id = ANY(%s)))",
                    list(partner_ids),
                )
            )
        if move_ids is not None:
            filters.append(SQL("AND aml.move_id = ANY(%s)", list(move_ids)))
        self.env.cr.execute(
            SQL(
                AGED_LINES_SQL,
                date=date,
                company_ids=companies.ids,
                of_account_type=SQL(ACCOUNT_TYPE_SQL, account_type=account_type),
                late=SQL(LATE_PARTIALS_SQL, date=date),
                residual=SQL(RESIDUAL_AS_OF_SQL),
                partner_filter=SQL(" ").join(filters),
            )
        )
        return self.env.cr.fetchall()

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
                of_account_type=SQL(ACCOUNT_TYPE_SQL, account_type=account_type),
                move_types=list(move_types),
                late=SQL(LATE_PARTIALS_SQL, date=date),
                residual=SQL(RESIDUAL_AS_OF_SQL),
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
        payments, invoice_due = self._payments_in_process(date, {row["move_id"] for row in rows})
        if not payments:
            return {}
        wanted = {inv for _amount, invoices in payments.values() for inv in invoices}
        by_move = defaultdict(list)
        for line in rows:
            if line["move_id"] in wanted:
                by_move[line["move_id"]].append(line)
        others = wanted - by_move.keys()
        if others:
            # Open items of the other invoices of these payments (another customer of the
            # group, outside the filters): they take their share too.
            for line in self._fetch_lines(date, companies, move_ids=others):
                by_move[line["move_id"]].append(line)
        left = {line["line_id"]: line["residual"] for found in by_move.values() for line in found}
        covered = defaultdict(float)
        for amount, invoices in payments.values():
            available = amount
            candidates = sorted(
                (line for move_id in invoices for line in by_move.get(move_id, ())),
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
        rounding = companies[:1].currency_id.rounding
        return {
            line_id: float_round(value, precision_rounding=rounding)
            for line_id, value in covered.items()
        }

    def _payments_in_process(self, date, move_ids):
        """({payment id: [amount, {invoice ids}]}, {invoice id: due date}): the payments
        registered but not booked on ``date`` for any of ``move_ids``, oldest first, each
        with the customer invoices it is spread over."""
        self.env["account.payment"].flush_model()
        self.env["account.move"].flush_model(["move_type", "state", "invoice_date_due", "date"])
        self.env.cr.execute(SQL(IN_PROCESS_SQL, date=date))
        found = {}
        for payment_id, amount, move_id, spread, due in self.env.cr.fetchall():
            payment = found.setdefault(payment_id, [amount, set(), set()])
            payment[1].add(move_id)
            if spread:
                payment[2].add((move_id, due))
        payments = {}
        invoice_due = {}
        for payment_id, (amount, moves, invoices) in found.items():
            if invoices and not moves.isdisjoint(move_ids):
                payments[payment_id] = [amount, {move_id for move_id, _due in invoices}]
                invoice_due.update(invoices)
        return payments, invoice_due

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
        self.env["relance.einvoice.status"].flush_model(["move_id", "status", "date", "direction"])
        # Without e-invoicing, no status at all: spare the look-up of every open invoice.
        if not self.env.execute_query(
            SQL("SELECT 1 FROM relance_einvoice_status WHERE direction = 'incoming' LIMIT 1")
        ):
            return {}
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
        # Read by column: thousands of customers, two fields each.
        info = column_values(records, ["relance_typology_id", "relance_collector_id"])
        # The payer score is the collectors' (its fields' groups), not every reader's.
        scores = self._payer_scores(records, companies) if is_collector(self.env) else {}
        for partner_id, entry in partners.items():
            typology_id, collector_id = info[partner_id]
            entry.update(
                {
                    "typology_id": typology_id or False,
                    "collector_id": collector_id or False,
                    "payer_score": scores.get(partner_id, ""),
                }
            )

    def _payer_scores(self, partners, companies):
        """{partner id: payer grade label}: 'B' for one company; with several, each
        company's grade named ('A (Company 1) / D (Company 2)'), a grade being per company."""
        field = partners.fields_get(["relance_payer_score"], ["selection"])["relance_payer_score"]
        labels = dict(field["selection"])
        grades = {}
        for company in companies:
            in_company = partners.with_company(company)
            in_company.fetch(["relance_payer_score"])
            for partner_id, score in zip(
                in_company._ids, in_company.mapped("relance_payer_score"), strict=True
            ):
                if score:
                    grades.setdefault(partner_id, []).append((labels[score], company.name))
        if len(companies) == 1:
            return {pid: found[0][0] for pid, found in grades.items()}
        return {
            pid: " / ".join(f"{grade} ({name})" for grade, name in found)
            for pid, found in grades.items()
        }
