# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from collections import defaultdict

from odoo import api, models
from odoo.tools import float_round

from ..performance import RecordsById, column_values

# What is read of the open credits (thousands on a daily run), without the other columns.
CREDIT_LINE_FIELDS = [
    "date",
    "move_id",
    "partner_id",
    "company_id",
    "currency_id",
    "amount_residual_currency",
]
UNBOOKED_PAYMENT_FIELDS = [
    "date",
    "partner_id",
    "company_id",
    "currency_id",
    "amount",
    "invoice_ids",
]


class AccountMove(models.Model):
    """Open credits of a customer netted against its open invoices.

    What a customer owes is its open invoices minus its open credits in the same
    company and currency: credit notes not reconciled yet, payments received but not
    matched to an invoice (booked, or registered without journal entry). Until the
    accountant reconciles them, each credit is spread over the customer's open
    invoices as a reconciliation would: the invoice a credit note reverses first,
    then the oldest due date first (invoices not suspended before suspended ones).
    """

    _inherit = "account.move"

    @api.model
    def _relance_open_credits(self, partners, companies, known=None):
        """Open credits of these customers (all when ``partners`` is None) in these
        companies, oldest first: a list of
        ``(source, commercial partner, company, currency, amount, reversed invoice)``,
        ``source`` being a receivable journal item or an unbooked payment (both have a
        ``date``), ``amount`` positive, in ``currency``. ``known``: see
        ``_relance_unbooked_receipts_left``."""
        if (partners is not None and not partners) or not companies:
            return []
        by_partner = (
            [("partner_id.commercial_partner_id", "in", partners.ids)]
            if partners is not None
            else []
        )
        lines = (
            self.env["account.move.line"]
            .sudo()
            .search_fetch(
                [
                    ("account_id.account_type", "=", "asset_receivable"),
                    ("parent_state", "=", "posted"),
                    ("reconciled", "=", False),
                    ("amount_residual_currency", "<", 0),
                    ("partner_id", "!=", False),
                    *by_partner,
                    ("company_id", "in", companies.ids),
                ],
                CREDIT_LINE_FIELDS,
                order="date, id",
            )
        )
        credits = self._relance_credit_notes_and_receipts(lines)
        domain = [
            ("partner_id", "!=", False),
            *by_partner,
            ("company_id", "in", companies.ids),
            ("partner_type", "=", "customer"),
            ("payment_type", "=", "inbound"),
            ("move_id", "=", False),
            # Odoo marks such a payment 'paid' once it covers its invoices; one matched
            # to no invoice is only 'in process' (the bank shows it otherwise).
            "|",
            ("state", "=", "in_process"),
            "&",
            ("state", "=", "paid"),
            ("invoice_ids", "!=", False),
        ]
        payments = (
            self.env["account.payment"]
            .sudo()
            .search_fetch(domain, UNBOOKED_PAYMENT_FIELDS, order="date, id")
        )
        credits += self._relance_unbooked_receipts_left(payments, known)
        return sorted(credits, key=lambda credit: (credit[0].date, credit[0]._name, credit[0].id))

    @api.model
    def _relance_credit_notes_and_receipts(self, lines):
        """Credits booked on the receivable: credit notes (less what was refunded to the
        customer by a payment registered but not booked) and receipts not matched."""
        refunds_left = {}
        credits = []
        for line in lines:
            amount = -line.amount_residual_currency
            move = line.move_id
            if move.move_type == "out_refund":
                amount -= self._relance_refunded(move, line.currency_id, refunds_left)
            if line.currency_id.compare_amounts(amount, 0) <= 0:
                continue
            partner = line.partner_id.commercial_partner_id
            credits.append(
                (line, partner, line.company_id, line.currency_id, amount, move.reversed_entry_id)
            )
        return credits

    @api.model
    def _relance_refunded(self, refund, currency, refunds_left):
        """Part of ``refund`` paid back by refunds registered but not booked (Odoo 18
        'in process' without journal entry): the credit note's line stays open in the
        books although the customer got the money. ``refunds_left`` keeps what each
        such payment has not yet used up."""
        refunded = 0.0
        for payment in refund.matched_payment_ids.filtered(
            lambda p: (
                p.payment_type == "outbound" and p.state in ("in_process", "paid") and not p.move_id
            )
        ):
            left = refunds_left.setdefault(payment, payment.amount)
            if payment.currency_id.compare_amounts(left, 0) <= 0:
                continue
            wanted = currency._convert(
                refund.amount_residual - refunded,
                payment.currency_id,
                refund.company_id,
                payment.date,
            )
            used = min(left, wanted)
            refunds_left[payment] = left - used
            refunded += payment.currency_id._convert(
                used, currency, refund.company_id, payment.date
            )
        return refunded

    @api.model
    def _relance_unbooked_receipts_left(self, payments, known=None):
        """Payments registered but not booked, as credits: those matched to no invoice,
        and what the others have left once their invoices are covered (the customer
        paid more than them).

        ``known``: ``(inputs, allocation)`` of a ``_relance_unbooked_allocation`` the
        caller already made (``_relance_unbooked_inputs``), taken as it is when it
        spread the same payments over the same invoices (a daily run: thousands)."""
        matched = payments.filtered("invoice_ids")
        inputs = matched.invoice_ids._relance_unbooked_inputs()
        if known is not None and known[0] == inputs:
            allocation = known[1]
        else:
            allocation = self._relance_spread_unbooked(*inputs)
        used = self._relance_used_by_payments(allocation)
        # Thousands of payments on a daily run: their amounts and currencies read once.
        paid = column_values(payments, ["amount", "currency_id"])
        currencies = RecordsById(self.env["res.currency"])
        credits = []
        for payment in payments:
            amount, currency_id = paid[payment.id]
            left = amount - used.get(payment.id, 0.0)
            if currencies[currency_id].compare_amounts(left, 0) <= 0:
                continue
            partner = payment.partner_id.commercial_partner_id
            credits.append(
                (payment, partner, payment.company_id, payment.currency_id, left, self.browse())
            )
        return credits

    @api.model
    def _relance_used_by_payments(self, allocation):
        """{payment id: what its invoices took of it, in the payment's currency} for an
        allocation of unbooked payments (``_relance_spread_unbooked``). Converted on the
        payment's date; currencies and companies read once by column."""
        payments = self.env["account.payment"].browse({payment.id for payment, _inv in allocation})
        paid = column_values(payments, ["date", "currency_id"])
        owed = column_values(
            self.browse({invoice.id for _pay, invoice in allocation}), ["currency_id", "company_id"]
        )
        currencies = RecordsById(self.env["res.currency"])
        companies = RecordsById(self.env["res.company"])
        used = defaultdict(float)
        for (payment, invoice), covered in allocation.items():
            day, payment_currency_id = paid[payment.id]
            currency_id, company_id = owed[invoice.id]
            used[payment.id] += convert_amount(
                currencies[currency_id],
                covered,
                currencies[payment_currency_id],
                companies[company_id],
                day,
            )
        return used

    def _relance_credit_allocation(self, known=None):
        """{(credit source, invoice): part of the credit that covers the invoice, in the
        invoice's currency} for the open credits of these invoices' customers.

        Spread over all the open invoices of the customer (these or not), after the
        payments registered but not booked took their share, so that any subset of
        invoices is given the same figures. ``known``: see
        ``_relance_unbooked_receipts_left``.
        """
        invoices = self._relance_matching(move_type="out_invoice")
        credits = self._relance_open_credits(
            invoices.commercial_partner_id, invoices.company_id, known
        )
        return self._relance_spread_credits(credits, invoices.company_id)

    @api.model
    def _relance_spread_credits(self, credits, companies):
        """The allocation of ``credits`` (``_relance_open_credits``) over all the open
        invoices of their customers in ``companies``."""
        if not credits:
            return {}
        partners = self.env["res.partner"].union(*(credit[1] for credit in credits))
        candidates = self.sudo().search(
            [
                *self._relance_open_invoice_domain(partners),
                ("company_id", "in", companies.ids),
            ]
        )
        left = {invoice: invoice.amount_residual for invoice in candidates}
        for (_payment, invoice), covered in candidates._relance_pending_allocation().items():
            if invoice in left:
                left[invoice] -= covered
        by_debt = defaultdict(list)
        for invoice in candidates.sorted(
            lambda m: (m.relance_suspended, m.invoice_date_due or m.date, m.id)
        ):
            key = (invoice.commercial_partner_id, invoice.company_id, invoice.currency_id)
            by_debt[key].append(invoice)
        allocation = {}
        for source, partner, company, currency, amount, reversed_invoice in credits:
            debts = by_debt.get((partner, company, currency), [])
            ordered = sorted(debts, key=lambda m, r=reversed_invoice: m != r)
            for invoice in ordered:
                if currency.compare_amounts(amount, 0) <= 0:
                    break
                covered = min(amount, left[invoice])
                if currency.compare_amounts(covered, 0) <= 0:
                    continue
                left[invoice] -= covered
                amount -= covered
                allocation[source, invoice.with_env(self.env)] = covered
        return allocation

    @api.model
    def _relance_credit_left(self, partners, company):
        """{commercial partner id: open credits left once netted against all its open
        invoices, in company currency}: the customer's credit balance."""
        credits = self._relance_open_credits(partners, company)
        if not credits:
            return {}
        allocated = defaultdict(float)
        for (source, _invoice), covered in self._relance_spread_credits(credits, company).items():
            allocated[source] += covered  # same currency as the credit
        left = defaultdict(float)
        for source, partner, _company, currency, amount, _reversed in credits:
            rest = amount - allocated[source]
            if currency.compare_amounts(rest, 0) > 0:
                left[partner.id] += currency._convert(
                    rest, company.currency_id, company, source.date
                )
        return left

    def _relance_settlement_allocation(self):
        """{(source, invoice): amount in the invoice's currency}: everything that
        settles these invoices without being reconciled with them yet: payments
        registered but not booked, payments the customer's e-invoicing platform
        announced (``_relance_pending_allocation``), then the customer's open credits."""
        inputs = self._relance_unbooked_inputs()
        unbooked = self._relance_spread_unbooked(*inputs)  # made once for both
        allocation = self._relance_pending_allocation(unbooked)
        allocation.update(self._relance_credit_allocation(known=(inputs, unbooked)))
        return allocation

    def _relance_deducted_credits(self):
        """What a document says was deducted from these invoices: ``[{'kind':
        'credit_note' or 'payment', 'reference', 'date', 'amount', 'currency',
        'invoice'}]``, one per credit and invoice it covers."""
        return [
            {
                "kind": "payment" if _is_payment(source) else "credit_note",
                "reference": credit_reference(source),
                "date": source.date,
                "amount": covered,
                "currency": invoice.currency_id,
                "invoice": invoice,
            }
            for (source, invoice), covered in self._relance_credit_allocation().items()
            if invoice in self
        ]


def settled_on(source):
    """The day a settlement source (``_relance_settlement_allocation``) settles its
    invoice: a payment's or credit's date, an announced payment's payment date."""
    if source._name == "relance.einvoice.status":
        return source._relance_paid_on()
    return source.date


def credit_reference(source):
    """The number the customer knows the credit by."""
    return source.name if source._name == "account.payment" else source.move_id.name


def _is_payment(source):
    """An unbooked payment, or the receivable item of a payment or bank statement line."""
    if source._name == "account.payment":
        return True
    return bool(source.move_id.origin_payment_id or source.move_id.statement_line_id)


def convert_amount(currency, amount, to_currency, company, day):
    """``currency._convert(amount, to_currency, company, day)``, the same figure, without
    its rate lookup when both currencies are the same (an amount rounded to the cent)."""
    if currency == to_currency:
        return float_round(amount, precision_rounding=currency.rounding) if amount else 0.0
    return currency._convert(amount, to_currency, company, day)
