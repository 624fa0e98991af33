# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from collections import defaultdict
from datetime import timedelta

from odoo import api, models
from odoo.tools import SQL


class RelanceHistory(models.Model):
    """Promises to pay: one rule for kept, broken and pending, used by the engine's
    chatter note, the call screen and the KPIs. A promise names its invoices and an
    amount; it is kept when the cash received on those invoices from the call to the
    promised date plus the grace days of the customer's plan reaches that amount."""

    _inherit = "relance.history"

    def _relance_promise_deadline(self):
        """Promised date plus the grace days of the customer's plan in the company."""
        self.ensure_one()
        plan = self.partner_id.with_company(self.company_id)._relance_effective_plan(
            self.company_id
        )
        return self.promise_date + timedelta(days=plan.grace_days if plan else 0)

    def _relance_promise_states(self, as_of):
        """{entry id: 'kept', 'broken' or 'pending'} for these promises, as known on
        ``as_of``: cash that arrived later does not count yet."""
        promises = self.filtered(lambda e: e.outcome == "promise" and e.promise_date)
        if not promises:
            return {}
        deadlines = {entry.id: entry._relance_promise_deadline() for entry in promises}
        longest = max((min(deadlines[e.id], as_of) - e.date).days for e in promises)
        events = promises._relance_cash_events(max(longest, 0))
        states = {}
        for entry in promises:
            end = min(deadlines[entry.id], as_of)
            paid = sum(amount for day, amount in events.get(entry.id, ()) if day <= end)
            promised = entry.promise_amount or entry.amount_due
            if entry.currency_id.compare_amounts(paid, promised) >= 0:
                states[entry.id] = "kept"
            elif deadlines[entry.id] >= as_of:
                states[entry.id] = "pending"
            else:
                states[entry.id] = "broken"
        return states

    def _relance_cash_events(self, days):
        """{entry id: [(date, amount)]}: cash received on the entry's invoices from its
        date to ``days`` days later, in company currency.

        Cash is a booked payment or a bank statement line reconciled with the invoice,
        or a payment registered but not booked (Odoo 18 'in process', no journal
        entry), spread over its invoices oldest due date first like the amount still
        due. Credit notes and write-offs reduce the debt but collect nothing.
        """
        self.env["account.move.line"].flush_model()
        self.env["account.partial.reconcile"].flush_model()
        self.env.cr.execute(
            SQL(
                """
                SELECT h.id, pr.max_date, SUM(pr.amount)
                  FROM relance_history h
                  JOIN relance_history_account_move_rel rel ON rel.history_id = h.id
                  JOIN account_move_line aml ON aml.move_id = rel.move_id
                  JOIN account_account acc ON acc.id = aml.account_id
                                          AND acc.account_type = 'asset_receivable'
                  JOIN account_partial_reconcile pr ON pr.debit_move_id = aml.id
                  JOIN account_move_line counterpart ON counterpart.id = pr.credit_move_id
                  JOIN account_move cash ON cash.id = counterpart.move_id
                 WHERE h.id = ANY(%(ids)s)
                   AND pr.max_date >= h.date
                   AND pr.max_date <= h.date + %(days)s
                   AND (cash.origin_payment_id IS NOT NULL OR cash.statement_line_id IS NOT NULL)
                 GROUP BY h.id, pr.max_date
                """,
                ids=self.ids,
                days=days,
            )
        )
        events = defaultdict(list)
        for entry_id, day, amount in self.env.cr.fetchall():
            events[entry_id].append((day, amount))
        by_invoice = defaultdict(list)
        for (_payment, invoice_id), event in self._relance_unbooked_cash(self.move_ids).items():
            by_invoice[invoice_id].append(event)
        if by_invoice:
            for entry in self:
                end = entry.date + timedelta(days=days)
                for invoice_id in entry.move_ids.ids:
                    for day, amount in by_invoice.get(invoice_id, ()):
                        if entry.date <= day <= end:
                            events[entry.id].append((day, amount))
        return events

    @api.model
    def _relance_unbooked_cash(self, invoices):
        """{(payment id, invoice id): (payment date, amount in company currency)} for the
        payments registered but not booked that were matched to ``invoices``."""
        allocation = {}
        for (payment, invoice), covered in invoices._relance_unbooked_allocation().items():
            # company_id.currency_id: company_currency_id (related, not stored) would be
            # computed one invoice at a time, each scanning the prefetch set.
            in_company_currency = invoice.currency_id._convert(
                covered, invoice.company_id.currency_id, invoice.company_id, payment.date
            )
            allocation[payment.id, invoice.id] = (payment.date, in_company_currency)
        return allocation
