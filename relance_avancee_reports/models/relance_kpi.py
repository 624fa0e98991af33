# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from collections import defaultdict
from datetime import timedelta

from odoo import api, models
from odoo.tools import SQL

PERIOD_DAYS = 30
EFFECT_WINDOWS = (7, 15, 30)


class RelanceKpi(models.AbstractModel):
    """Collection KPIs: DSO (countback), CEI, average days delinquent, overdue ratio,
    promises kept, and the effectiveness of each reminder channel."""

    _name = "relance.kpi"
    _description = "Collection KPIs"

    # --- ledger figures ----------------------------------------------------------

    @api.model
    def _receivable(self, date, company):
        """Receivable balance of ``company`` on ``date`` (posted lines dated up to it)."""
        self.env["account.move.line"].flush_model()
        self.env.cr.execute(
            SQL(
                """
                SELECT COALESCE(SUM(aml.balance), 0)
                  FROM account_move_line aml
                  JOIN account_account acc ON acc.id = aml.account_id
                 WHERE acc.account_type = 'asset_receivable'
                   AND aml.parent_state = 'posted'
                   AND aml.company_id = %(company)s
                   AND aml.date <= %(date)s
                """,
                company=company.id,
                date=date,
            )
        )
        return self.env.cr.fetchone()[0]

    @api.model
    def _sales(self, date_from, date_to, company):
        """Customer invoicing (net of credit notes) between two dates, company currency."""
        groups = self.env["account.move"]._read_group(
            [
                ("company_id", "=", company.id),
                ("move_type", "in", ("out_invoice", "out_refund")),
                ("state", "=", "posted"),
                ("invoice_date", ">=", date_from),
                ("invoice_date", "<=", date_to),
            ],
            [],
            ["amount_total_signed:sum"],
        )
        return groups[0][0] or 0.0

    @api.model
    def _current_receivable(self, date, company):
        """Part of the receivable not due yet on ``date``."""
        rows = self.env["relance.aged.balance"].compute(date, company_ids=company.ids)
        return sum(row["buckets"][0] for row in rows)

    # --- KPIs ------------------------------------------------------------------------

    @api.model
    def _dso(self, date, company, receivable=None):
        """Days sales outstanding, countback method over 30-day periods.

        The receivable is matched against the sales of the latest period, then the one
        before, and so on: each period fully absorbed counts 30 days, the last one the
        share it absorbs.
        """
        remaining = self._receivable(date, company) if receivable is None else receivable
        days = 0.0
        period_end = date
        for _period in range(24):
            if remaining <= 0:
                break
            period_start = period_end - timedelta(days=PERIOD_DAYS - 1)
            sales = self._sales(period_start, period_end, company)
            if sales <= 0:
                days += PERIOD_DAYS
            elif remaining >= sales:
                days += PERIOD_DAYS
                remaining -= sales
            else:
                days += PERIOD_DAYS * remaining / sales
                remaining = 0
            period_end = period_start - timedelta(days=1)
        return round(days, 1)

    @api.model
    def _average_days_delinquent(self, date, company):
        """Average days delinquent: DSO minus the best possible DSO (current part only)."""
        best = self._dso(date, company, receivable=self._current_receivable(date, company))
        return round(self._dso(date, company) - best, 1)

    @api.model
    def _cei(self, date_from, date_to, company):
        """Collection effectiveness index over a period, in percent."""
        begin = self._receivable(date_from - timedelta(days=1), company)
        sales = self._sales(date_from, date_to, company)
        end = self._receivable(date_to, company)
        end_current = self._current_receivable(date_to, company)
        collectible = begin + sales - end_current
        return round((begin + sales - end) / collectible * 100.0, 1) if collectible else 0.0

    @api.model
    def _overdue_ratio(self, date, company):
        total = self._receivable(date, company)
        return (
            round((total - self._current_receivable(date, company)) / total * 100.0, 1)
            if total
            else 0.0
        )

    @api.model
    def _bucket_history(self, date, company, months=6):
        """[(month end, [amount per bucket])] for the last ``months`` month ends up to
        ``date`` (the last one being ``date`` itself)."""
        aged = self.env["relance.aged.balance"]
        points = [date]
        day = date.replace(day=1) - timedelta(days=1)
        while len(points) < months:
            points.append(day)
            day = day.replace(day=1) - timedelta(days=1)
        history = []
        for point in reversed(points):
            rows = aged.compute(point, company_ids=company.ids)
            width = len(aged._bucket_labels(company))
            history.append((point, [sum(r["buckets"][i] for r in rows) for i in range(width)]))
        return history

    @api.model
    def _top_late_payers(self, date, company, limit=10):
        rows = self.env["relance.aged.balance"].compute(date, company_ids=company.ids)
        late = sorted((row for row in rows if row["overdue"] > 0), key=lambda r: -r["overdue"])[
            :limit
        ]
        return [(row["partner_id"], row["overdue"]) for row in late]

    # --- dunning effectiveness -----------------------------------------------------

    @api.model
    def _paid_after(self, entries, days):
        """{entry id: cash collected on its invoices within ``days`` days after it}.

        Capped at the amount the entry reminded. See ``relance.history._relance_cash_events``.
        """
        if not entries:
            return {}
        events = entries._relance_cash_events(days)
        result = {}
        for entry in entries:
            end = entry.date + timedelta(days=days)
            paid = sum(amount for day, amount in events.get(entry.id, ()) if day <= end)
            result[entry.id] = min(paid, entry.amount_due)
        return result

    @api.model
    def _effect_entries(self, date_from, date_to, company):
        """The actions whose effect is measured: done in the period, with an amount."""
        return self.env["relance.history"].search(
            [
                ("company_id", "=", company.id),
                ("state", "=", "done"),
                ("date", ">=", date_from),
                ("date", "<=", date_to),
                ("amount_due", ">", 0),
            ]
        )

    @api.model
    def _collected_by_week(self, date_from, date_to, company):
        """{(monday, channel): cash collected that week within 30 days after an action
        of the channel}, each action's cash capped at the amount it reminded, as in
        ``_effectiveness``; payments up to ``date_to``."""
        entries = self._effect_entries(date_from, date_to, company)
        events = entries._relance_cash_events(EFFECT_WINDOWS[-1]) if entries else {}
        collected = defaultdict(float)
        for entry in entries:
            left = entry.amount_due
            for day, amount in sorted(events.get(entry.id, ())):
                if left <= 0 or day > date_to:
                    break
                share = min(amount, left)
                left -= share
                collected[day - timedelta(days=day.weekday()), entry.channel] += share
        return dict(collected)

    @api.model
    def _effectiveness(self, date_from, date_to, company, group_by="channel"):
        """Per channel (or level, typology): actions, reminded amount, share paid within
        7, 15 and 30 days, cost, and cost per euro collected within 30 days."""
        entries = self._effect_entries(date_from, date_to, company)
        paid = {days: self._paid_after(entries, days) for days in EFFECT_WINDOWS}
        costs = company._relance_channel_costs()
        groups = defaultdict(
            lambda: {
                "count": 0,
                "reminded": 0.0,
                "cost": 0.0,
                **{f"paid_{d}": 0.0 for d in EFFECT_WINDOWS},
            }
        )
        for entry in entries:
            key = self._group_key(entry, group_by)
            group = groups[key]
            group["count"] += 1
            group["reminded"] += entry.amount_due
            group["cost"] += costs.get(entry.channel, 0.0)
            for days in EFFECT_WINDOWS:
                group[f"paid_{days}"] += paid[days][entry.id]
        for group in groups.values():
            for days in EFFECT_WINDOWS:
                share = group[f"paid_{days}"] / group["reminded"] if group["reminded"] else 0.0
                group[f"share_{days}"] = round(share * 100.0, 1)
            collected = group["paid_30"]
            group["cost_per_euro"] = round(group["cost"] / collected, 4) if collected else 0.0
        return dict(groups)

    @api.model
    def _group_key(self, entry, group_by):
        if group_by == "level":
            return entry.level_id.id
        if group_by == "typology":
            return entry.partner_id.relance_typology_id.id
        return entry.channel

    @api.model
    def _promises(self, date_from, date_to, company):
        """(kept, broken, pending) promises made in the period, as known on ``date_to``
        (the one rule of ``relance.history._relance_promise_states``)."""
        entries = self.env["relance.history"].search(
            [
                ("company_id", "=", company.id),
                ("outcome", "=", "promise"),
                ("promise_date", "!=", False),
                ("date", ">=", date_from),
                ("date", "<=", date_to),
            ]
        )
        states = list(entries._relance_promise_states(date_to).values())
        return states.count("kept"), states.count("broken"), states.count("pending")
