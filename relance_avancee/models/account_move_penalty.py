# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import date as Date
from datetime import timedelta

from odoo import _, fields, models
from odoo.exceptions import UserError

from .account_move_credit import settled_on
from .res_company import STATUTORY_POINTS


def _half_year_start(day):
    return Date(day.year, 1 if day.month <= 6 else 7, 1)


def _next_half_year(day):
    start = _half_year_start(day)
    return Date(start.year, 7, 1) if start.month == 1 else Date(start.year + 1, 1, 1)


class AccountMove(models.Model):
    """Late-payment interest and fixed indemnity of one overdue customer invoice."""

    _inherit = "account.move"

    relance_penalty_ids = fields.One2many(
        "relance.penalty", "move_id", string="Penalties Charged", readonly=True
    )
    relance_is_penalty = fields.Boolean(
        string="Penalty Invoice",
        readonly=True,
        copy=False,
        index=True,
        help="Charges late-payment penalties: never charged penalties itself (no interest on "
        "interest), reminded together with the debt it comes from.",
    )
    relance_penalty_move_ids = fields.Many2many(
        "account.move",
        compute="_compute_relance_penalty_move_ids",
        string="Penalty Invoices",
    )

    relance_penalty_to_date = fields.Monetary(
        string="Penalties To Date",
        compute="_compute_relance_penalty_to_date",
        currency_field="currency_id",
        help="Late-payment interest and indemnity owed today (charged or not).",
    )

    def _compute_relance_penalty_to_date(self):
        today = fields.Date.context_today(self)
        rate_cache = {}  # one reference-rate search per kind and half-year, not per invoice
        allocation = self._relance_settlement_allocation()  # once for all these invoices
        for move in self:
            if (
                move.move_type != "out_invoice"
                or move.state != "posted"
                or not move.invoice_date_due
                or move.relance_is_penalty
            ):
                move.relance_penalty_to_date = 0.0
                continue
            try:
                penalty = move._relance_compute_penalty(
                    today, rate_cache=rate_cache, allocation=allocation
                )
            except UserError:  # a reference rate is missing: shown as 0, the run says why
                move.relance_penalty_to_date = 0.0
                continue
            owed = penalty["interest"] + penalty["indemnity"] if penalty["days"] else 0.0
            move.relance_penalty_to_date = owed

    def _compute_relance_penalty_move_ids(self):
        for move in self:
            move.relance_penalty_move_ids = move.relance_penalty_ids.penalty_move_id

    # --- public API ------------------------------------------------------------

    def _relance_compute_penalty(self, date, date_from=None, rate_cache=None, allocation=None):
        """Penalty of this invoice up to ``date`` (included), in the invoice's currency.

        Interest runs from the day after the due date (or after ``date_from`` when a
        previous charge covered the earlier days), on what was left unpaid over each
        period: a payment stops the accrual of the part it paid on its date. Periods
        are also split at each half-year, whose reference rate may differ.

        Returns ``{'days', 'rate', 'interest', 'indemnity', 'date_from', 'date_to',
        'periods'}``, ``rate`` being the rate of the last period, in percent per year.
        ``rate_cache`` (a dict) lets a caller computing many invoices share the
        reference rates it already read, ``allocation`` what settles the invoices
        without being reconciled yet (``_relance_settlement_allocation`` of all its
        invoices: unbooked payments, open credits).
        """
        self.ensure_one()
        date = fields.Date.to_date(date)
        currency = self.currency_id
        if rate_cache is None:
            rate_cache = {}
        # An invoice the e-invoicing platform rejected was never issued: nothing is late.
        never_issued = self._relance_never_issued()
        start = None if never_issued else self._relance_interest_start(date_from)
        periods = []
        end, missing_from = date, None
        if start and start <= date:
            end, missing_from = self._relance_rated_end(start, date, rate_cache)
        if start and start <= end:
            periods = self._relance_interest_periods(
                start, end, rate_cache=rate_cache, allocation=allocation
            )
        interest = currency.round(sum(p["interest"] for p in periods))
        return {
            "days": sum(p["days"] for p in periods),
            "rate": periods[-1]["rate"] if periods else 0.0,
            "interest": interest,
            "indemnity": 0.0 if never_issued else self._relance_indemnity(date),
            "date_from": start,
            "date_to": max(end, start - timedelta(days=1)) if start else date,
            "periods": periods,
            "missing_rate_from": missing_from,
        }

    def _relance_rated_end(self, start, end, rate_cache):
        """(last day that can be charged, first half-year without its rate or None).

        A half-year whose reference rate is not published yet is never charged with
        another half-year's figure: interest stops the day before it, and the next
        charge takes it up once a manager has entered the rate.
        """
        day = start
        while day <= end:
            try:
                self._relance_interest_rate(day, rate_cache=rate_cache)
            except UserError:
                missing = _half_year_start(day)
                return max(missing, start) - timedelta(days=1), missing
            day = _next_half_year(day)
        return end, None

    # --- rules ---------------------------------------------------------------

    def _relance_debtor_kind(self):
        """'public', 'individual' or 'professional': which legal rule applies."""
        return self.commercial_partner_id._relance_debtor_kind()

    def _relance_first_due_date(self):
        """Due date of the first instalment (the invoice's when paid in one)."""
        return self._relance_instalment_schedule()[0][0]

    def _relance_instalments(self):
        """[(first day of interest, amount in the invoice's currency)] of each
        instalment: interest on an instalment runs from the day after its own due date;
        for a consumer, from the day after the first formal notice that claimed it (one
        sent on or after its due date: Code civil 1231-6, 1344), else not at all."""
        schedule = self._relance_instalment_schedule()
        if self._relance_debtor_kind() != "individual":
            return [(day + timedelta(days=1), amount) for day, amount in schedule]
        notices = sorted(self._relance_formal_notices().mapped("date"))
        instalments = []
        for day, amount in schedule:
            claimed_by = next((notice for notice in notices if notice >= day), None)
            if claimed_by:
                instalments.append((claimed_by + timedelta(days=1), amount))
        return instalments or [(schedule[-1][0] + timedelta(days=1), 0.0)]

    def _relance_formal_notices(self):
        """The formal notices sent that put this invoice on notice: those where it was
        at the notice's own level. An invoice at an earlier level is listed in the
        customer's one message of the day as a reminder, not put on notice."""
        self.ensure_one()
        return self.relance_history_ids.filtered(
            lambda h: (
                h.channel == "formal_notice"
                and h.state == "done"
                and h._relance_level_by_move().get(self) == h.level_id
            )
        )

    def _relance_interest_start(self, date_from=None):
        """First day of interest: after the first instalment's due date (B2B), after the
        formal notice (B2C)."""
        first_day = self._relance_first_due_date() + timedelta(days=1)
        if self._relance_debtor_kind() == "individual":
            notice = self._relance_formal_notices().sorted("date")[:1]
            if not notice:
                return None
            first_day = max(first_day, notice.date + timedelta(days=1))
        if date_from:
            first_day = max(first_day, fields.Date.to_date(date_from))
        return first_day

    def _relance_interest_rate(self, day, rate_cache=None):
        """Annual rate in percent for ``day``, following the company's settings.

        Between professionals the reference of each half-year applies to its days
        (L441-10); a public buyer's moratorium rate is the one of the half-year in
        which interest began, for the whole delay (R2192-31). The floor of three
        times the legal rate bounds a contractual rate only: the statutory default
        (ECB + 10 points) applies as is.
        """
        company = self.company_id
        debtor = self._relance_debtor_kind()
        if debtor == "public":
            day = self._relance_first_due_date() + timedelta(days=1)
        half_year = _half_year_start(day)
        cache = {} if rate_cache is None else rate_cache

        def reference(kind):
            # A missing rate is remembered too: many invoices ask for the same half-year.
            if (kind, half_year) not in cache:
                try:
                    cache[kind, half_year] = self.env["relance.rate"]._get_rate(kind, half_year)
                except UserError as missing:
                    cache[kind, half_year] = missing
            if isinstance(cache[kind, half_year], UserError):
                raise cache[kind, half_year]
            return cache[kind, half_year]

        if debtor == "individual":
            return reference("legal_pro")
        if debtor == "public":
            return reference("ecb") + company.relance_public_points
        if company._relance_statutory_rate():
            return reference("ecb") + STATUTORY_POINTS
        if company.relance_penalty_mode == "fixed":
            rate = company.relance_fixed_rate
        else:
            rate = reference("ecb") + company.relance_penalty_points
        return max(rate, 3 * reference("legal_pro"))

    def _relance_indemnity(self, date):
        """Fixed recovery indemnity (D441-5): professionals and public buyers only,
        once the invoice is late on ``date``."""
        date = fields.Date.to_date(date)
        if self._relance_debtor_kind() == "individual":
            return 0.0
        if not self.invoice_date_due or date <= self._relance_first_due_date():
            return 0.0
        company = self.company_id
        return company.currency_id._convert(
            company.relance_indemnity_amount, self.currency_id, company, date
        )

    # --- timeline ------------------------------------------------------------

    def _relance_payment_events(self, allocation=None):
        """[(date, amount in invoice currency)] of what reduced the amount due, by date.

        Booked payments and credit notes (reconciliation partials), payments
        registered but not booked (Odoo 18 'in process' without journal entry) and
        the customer's open credits not reconciled yet, each on its own date.
        """
        partials, _exchange = self._get_reconciled_invoices_partials()
        events = [(counterpart.date, amount) for _partial, amount, counterpart in partials]
        if allocation is None:
            allocation = self._relance_settlement_allocation()
        for (payment, invoice), amount in allocation.items():
            if invoice == self:
                events.append((settled_on(payment), amount))
        return sorted(events)

    def _relance_interest_periods(self, start, end, rate_cache=None, allocation=None):
        """Split [start, end] at payment dates and half-years; interest of each piece."""
        currency = self.currency_id
        # A part paid on day D bears interest through D: it stops bearing from D + 1.
        events = [
            (day + timedelta(days=1), amount)
            for day, amount in self._relance_payment_events(allocation)
        ]
        # Each instalment bears interest from the day after its own due date; what is
        # paid settles the oldest instalments first.
        instalments = self._relance_instalments()
        cuts = sorted(
            {day for day, _amount in events if start < day <= end}
            | {day for day, _amount in instalments if start < day <= end}
            | self._relance_half_year_cuts(start, end)
        )
        periods = []
        period_start = start
        for cut in [*cuts, end + timedelta(days=1)]:
            days = (cut - period_start).days
            matured = sum(amount for day, amount in instalments if day <= period_start)
            paid = sum(amount for day, amount in events if day <= period_start)
            unpaid = max(matured - paid, 0.0)
            if days > 0 and currency.compare_amounts(unpaid, 0) > 0:
                rate = self._relance_interest_rate(period_start, rate_cache=rate_cache)
                periods.append(
                    {
                        "date_from": period_start,
                        "date_to": cut - timedelta(days=1),
                        "days": days,
                        "base": unpaid,
                        "rate": rate,
                        "interest": unpaid * rate / 100.0 * days / 365.0,
                    }
                )
            period_start = cut
        return periods

    def _relance_half_year_cuts(self, start, end):
        cuts = set()
        cut = _next_half_year(start)
        while cut <= end:
            cuts.add(cut)
            cut = _next_half_year(cut)
        return cuts

    # --- charging --------------------------------------------------------------

    def _relance_uncharged_penalty(self, date):
        """What remains to charge up to ``date``: interest since the last charge,
        the indemnity if never charged."""
        self.ensure_one()
        charged = self.relance_penalty_ids
        last = max(charged.mapped("date_to"), default=None)
        penalty = self._relance_compute_penalty(
            date, date_from=last + timedelta(days=1) if last else None
        )
        if charged.filtered(lambda p: p.indemnity):
            penalty["indemnity"] = 0.0
        return penalty

    def _relance_check_penalty_setup(self):
        company = self.company_id
        if not company.relance_penalty_product_id:
            raise UserError(
                _(
                    "Set the penalty product in Settings > Collections before charging "
                    "late-payment penalties (company %s).",
                    company.name,
                )
            )
