# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL, float_round

from ..performance import RecordsById, column_values
from .account_move_credit import convert_amount, settled_on


class AccountMove(models.Model):
    _inherit = "account.move"

    # Every per-customer look-up of open invoices filters on it (worklist, call screen,
    # engine); Odoo indexes partner_id only.
    commercial_partner_id = fields.Many2one(index="btree_not_null")
    relance_level_id = fields.Many2one(
        "relance.level", string="Dunning Level", copy=False, index=True
    )
    relance_last_date = fields.Date(string="Last Reminder", copy=False)
    relance_next_date = fields.Date(string="Next Reminder", copy=False, index=True)
    relance_history_ids = fields.Many2many(
        "relance.history",
        "relance_history_account_move_rel",
        "move_id",
        "history_id",
        string="Dunning History",
        copy=False,
        readonly=True,
    )
    relance_excluded = fields.Boolean(string="Excluded From Dunning", copy=False, tracking=True)
    relance_exclusion_reason = fields.Char(copy=False, tracking=True)
    relance_suspended = fields.Boolean(
        string="Dunning Suspended",
        compute="_compute_relance_suspended",
        store=True,
        index=True,
        help="Never reminded while suspended: excluded by hand, or in dispute.",
    )
    relance_amount_due = fields.Monetary(
        string="Amount Still Due",
        compute="_compute_relance_amount_due",
        currency_field="currency_id",
        help="Residual minus the payments registered but not yet booked and the "
        "customer's open credits (credit notes, payments not matched yet).",
    )
    relance_days_overdue = fields.Integer(
        string="Days Overdue", compute="_compute_relance_days_overdue"
    )
    relance_amount_claimed = fields.Monetary(
        string="Amount Claimed",
        compute="_compute_relance_amount_claimed",
        currency_field="currency_id",
        help="Part of the amount still due whose instalments have fallen due by the "
        "reminder's date: instalments falling due later are not claimed yet.",
    )
    relance_due_date = fields.Date(
        string="Oldest Unpaid Due Date",
        compute="_compute_relance_due_date",
        store=True,
        index=True,
        help="Due date of the oldest instalment still open (each receivable line has its "
        "own due date); the invoice's due date when it is paid in one instalment.",
    )

    relance_partner_blocked = fields.Boolean(compute="_compute_relance_partner_block")
    relance_partner_block_message = fields.Char(compute="_compute_relance_partner_block")

    @api.depends("partner_id")
    def _compute_relance_partner_block(self):
        for move in self:
            partner = move.partner_id.commercial_partner_id
            move.relance_partner_blocked = partner.relance_blocked
            move.relance_partner_block_message = (
                partner._relance_block_banner() if partner.relance_blocked else False
            )

    @api.depends("relance_excluded")
    def _compute_relance_suspended(self):
        for move in self:
            move.relance_suspended = move._relance_is_suspended()

    def _relance_is_suspended(self):
        """Extension point: the disputes addon adds open disputes."""
        self.ensure_one()
        return self.relance_excluded

    @api.depends("amount_residual", "matched_payment_ids.state")
    def _compute_relance_amount_due(self):
        amounts = self._relance_amount_due_map()
        for move in self:
            move.relance_amount_due = amounts.get(move.id, 0.0)

    @api.depends_context("relance_date")
    def _compute_relance_days_overdue(self):
        today = self.env.context.get("relance_date") or fields.Date.context_today(self)
        for move in self:
            due = move.relance_due_date
            move.relance_days_overdue = max((today - due).days, 0) if due else 0

    @api.depends("amount_residual", "matched_payment_ids.state")
    @api.depends_context("relance_date")
    def _compute_relance_amount_claimed(self):
        day = self.env.context.get("relance_date") or fields.Date.context_today(self)
        claimed = self._relance_amount_payable_map(fields.Date.to_date(day))
        for move in self:
            move.relance_amount_claimed = claimed.get(move.id, 0.0)

    @api.depends("invoice_date_due", "line_ids.date_maturity", "amount_residual")
    def _compute_relance_due_date(self):
        for move in self:
            move.relance_due_date = move._relance_open_instalment_date(move.amount_residual)

    def _relance_receivable_lines(self):
        """The instalments of a customer invoice: its receivable lines."""
        return self.line_ids.filtered(
            lambda line: line.account_id.account_type == "asset_receivable"
        )

    def _relance_instalment_schedule(self, in_company_currency=False):
        """[(due date, amount)] of the instalments, oldest first (one when the invoice
        is paid in one go). The one rule for instalments: whatever settles the invoice
        settles the oldest instalments first, for the claim, the dates and the interest."""
        self.ensure_one()
        lines = self._relance_receivable_lines()
        if len(lines) <= 1:
            total = self.amount_total_signed if in_company_currency else self.amount_total
            return [(self.invoice_date_due, total)]
        amount = "balance" if in_company_currency else "amount_currency"
        return sorted((line.date_maturity or self.invoice_date_due, line[amount]) for line in lines)

    def _relance_open_instalment_date(self, due):
        """Due date of the oldest instalment not settled when ``due`` (invoice currency)
        is left to pay."""
        self.ensure_one()
        settled = self.amount_total - due
        for day, amount in self._relance_instalment_schedule():
            settled -= amount
            if self.currency_id.compare_amounts(settled, 0) < 0:
                return day
        return self.invoice_date_due

    def _relance_amount_payable_map(self, horizon, in_company_currency=False, due=None):
        """{move id: part of the amount still due whose instalments fall due on
        ``horizon`` or before}: what may be claimed on that day.

        What settles the invoice settles the oldest instalments first
        (``_relance_instalment_schedule``), so the instalments falling due later are
        taken off whole. ``due``: ``_relance_amount_due_map`` when the caller has it.
        """
        if due is None:
            due = self._relance_amount_due_map(in_company_currency)
        payable = {}
        # Read by column: a daily run asks it for thousands of invoices, few falling due
        # after the horizon.
        for move, due_date in zip(self, self.mapped("invoice_date_due"), strict=True):
            amount = due.get(move.id, 0.0)
            if due_date and due_date > horizon:
                later = sum(
                    part
                    for day, part in move._relance_instalment_schedule(in_company_currency)
                    if day > horizon
                )
                currency = move.company_currency_id if in_company_currency else move.currency_id
                amount = currency.round(max(amount - later, 0.0))
            payable[move.id] = amount
        return payable

    @api.model
    def _relance_open_invoice_domain(self, partners=None, company=None):
        """The one rule for "open customer invoices" (of these customers, in this
        company): posted customer invoices with something left to pay, that the
        e-invoicing platform did not reject (never issued: ``_relance_never_issued``)."""
        domain = [
            ("move_type", "=", "out_invoice"),
            ("state", "=", "posted"),
            ("amount_residual", ">", 0),
            ("relance_einvoice_status", "!=", "rejected"),
        ]
        if partners is not None:
            domain.append(("commercial_partner_id", "in", partners.commercial_partner_id.ids))
        if company is not None:
            domain.append(("company_id", "=", company.id))
        return domain

    def _relance_refresh_blocked(self):
        """A payment may clear what kept a customer blocked: unblock at once when allowed."""
        for company in self.company_id:
            partners = self.filtered(lambda m, c=company: m.company_id == c).commercial_partner_id
            blocked = partners.filtered("relance_blocked")
            if blocked and company.relance_auto_unblock:
                blocked.with_company(company).sudo()._relance_refresh_state()

    def _relance_amount_due_map(self, in_company_currency=False):
        """{move id: amount still due}, net of payments registered but not booked and
        of the customer's open credits (``_relance_settlement_allocation``).

        In Odoo 18 a payment on a journal without outstanding account creates no
        journal entry (state 'in_process', or 'paid' once Odoo deems the invoice
        paid): the receivable stays open although the customer paid. Such payments
        are spread over their invoices by due date (``_relance_unbooked_allocation``),
        then credit notes and payments not matched yet (``_relance_credit_allocation``).
        """
        residual_field = "amount_residual_signed" if in_company_currency else "amount_residual"
        # Read by column: the whole ledger on a daily run.
        amounts = {
            move_id: residual * (1 if in_company_currency or move_type != "out_refund" else -1)
            for move_id, move_type, residual in zip(
                self._ids, self.mapped("move_type"), self.mapped(residual_field), strict=True
            )
        }
        allocation = [
            (source, invoice.id, covered)
            for (source, invoice), covered in self._relance_settlement_allocation().items()
            if invoice.id in amounts
        ]
        if in_company_currency:
            allocation = self._relance_in_company_currency(allocation)
        for _source, invoice_id, covered in allocation:
            amounts[invoice_id] = max(amounts[invoice_id] - covered, 0.0)
        return amounts

    def _relance_in_company_currency(self, allocation):
        """``allocation`` (``(source, invoice id, amount in the invoice's currency)``)
        with each amount in the invoice's company currency on the day it settles. The
        invoices' currency and company read once by column: a daily run converts
        thousands of settlements."""
        columns = column_values(
            self.browse({invoice_id for _source, invoice_id, _covered in allocation}),
            ["currency_id", "company_id"],
        )
        currencies = RecordsById(self.env["res.currency"])
        companies = RecordsById(self.env["res.company"])
        converted = []
        for source, invoice_id, covered in allocation:
            currency_id, company_id = columns[invoice_id]
            company = companies[company_id]
            # company_id.currency_id: company_currency_id is computed one invoice at a time
            amount = convert_amount(
                currencies[currency_id], covered, company.currency_id, company, settled_on(source)
            )
            converted.append((source, invoice_id, amount))
        return converted

    def _relance_company_amount_due(self):
        """What these invoices still owe in all, in company currency (a history entry's
        amount, a promise's default)."""
        return sum(self._relance_amount_due_map(in_company_currency=True).values())

    def _relance_unbooked_allocation(self):
        """{(payment, invoice): part of the payment that covers the invoice, in the
        invoice's currency} for the payments registered but not booked of these invoices.

        A payment is spread over all the customer invoices it was registered for
        (these or not), oldest due date first, each invoice taking at most what its
        journal entry leaves open; so one payment for several invoices is never counted
        in full on each of them, whatever subset of them is looked at.
        """
        return self._relance_spread_unbooked(*self._relance_unbooked_inputs())

    def _relance_unbooked_inputs(self):
        """(payments, invoices) that ``_relance_unbooked_allocation`` spreads: the
        payments registered but not booked of these invoices, and the posted customer
        invoices they were registered for. The same inputs give the same allocation.

        The other payments of the same invoices take their share first when older, so
        they are inputs too. Read in two statements: a daily run asks it for the whole
        ledger, whose thousands of payments the ORM would read one by one to filter
        them. A payment belongs to its invoices' company: no record rule is skipped
        that would have hidden one of them."""
        payments = self.env["account.payment"]
        # Invoices being edited (onchange): their saved version's payments.
        saved_ids = [move_id for move_id in self._origin._ids if isinstance(move_id, int)]
        if not saved_ids:
            return payments, self.browse()
        payments.flush_model(["state", "move_id", "invoice_ids"])
        self.flush_model(["move_type", "state"])
        unbooked = SQL("payment.state IN ('in_process', 'paid') AND payment.move_id IS NULL")
        self.env.cr.execute(
            SQL(
                """
                SELECT DISTINCT sibling.payment_id
                  FROM account_move__account_payment own
                  JOIN account_payment payment ON payment.id = own.payment_id AND %(unbooked)s
                  JOIN account_move__account_payment covered
                       ON covered.payment_id = own.payment_id
                  JOIN account_move__account_payment sibling
                       ON sibling.invoice_id = covered.invoice_id
                 WHERE own.invoice_id = ANY(%(ids)s)
                """,
                unbooked=unbooked,
                ids=saved_ids,
            )
        )
        candidates = [row[0] for row in self.env.cr.fetchall()]
        if not candidates:
            return payments, self.browse()
        self.env.cr.execute(
            SQL(
                """
                SELECT payment.id, array_agg(DISTINCT invoice.id)
                  FROM account_payment payment
                  LEFT JOIN account_move__account_payment link ON link.payment_id = payment.id
                  LEFT JOIN account_move invoice
                       ON invoice.id = link.invoice_id
                      AND invoice.move_type = 'out_invoice' AND invoice.state = 'posted'
                 WHERE payment.id = ANY(%(ids)s) AND %(unbooked)s
                 GROUP BY payment.id
                 ORDER BY payment.id
                """,
                unbooked=unbooked,
                ids=candidates,
            )
        )
        rows = self.env.cr.fetchall()
        invoice_ids = sorted({i for _id, ids in rows for i in ids if i is not None})
        return payments.browse([row[0] for row in rows]), self.browse(invoice_ids)

    def _relance_posted_invoices(self):
        """These moves that are posted customer invoices (``_relance_matching``)."""
        return self._relance_matching(move_type="out_invoice", state="posted")

    def _relance_matching(self, **values):
        """``filtered`` on column values (``field=value``), the same recordset read by
        column: tens of thousands of moves on a daily run, which a lambda would read
        one record at a time."""
        wanted = tuple(values.values())
        columns = [self.mapped(name) for name in values]
        return self.browse(
            [
                move_id
                for move_id, *row in zip(self._ids, *columns, strict=True)
                if tuple(row) == wanted
            ]
        )

    @api.model
    def _relance_spread_unbooked(self, payments, invoices):
        """The allocation of ``_relance_unbooked_allocation`` for its inputs
        (``_relance_unbooked_inputs``)."""
        # Thousands of payments and invoices on a daily run: their few columns are read
        # once as plain values (``column_values``).
        invoice_of = dict(zip(invoices._ids, invoices, strict=True))
        by_id = {
            invoice_id: ((due or day, invoice_id), residual, currency_id, company_id)
            for invoice_id, (due, day, residual, currency_id, company_id) in column_values(
                invoices,
                ["invoice_date_due", "date", "amount_residual", "currency_id", "company_id"],
            ).items()
        }
        currencies = RecordsById(self.env["res.currency"])
        companies = RecordsById(self.env["res.company"])
        paid_by = column_values(payments, ["date", "amount", "currency_id"])
        payments.fetch(["invoice_ids"])
        open_left = {}
        allocation = {}
        rows = sorted(
            (paid_by[payment.id][0], payment.id, payment, *paid_by[payment.id][1:])
            for payment in payments
        )
        for day, _id, payment, available, currency_id in rows:
            currency = currencies[currency_id]
            rounding = currency.rounding
            mine = sorted(
                (
                    by_id[invoice_id]
                    for invoice_id in payment.invoice_ids._ids
                    if invoice_id in by_id
                ),
                key=lambda item: item[0],
            )
            for (_due, invoice_id), residual, invoice_currency_id, company_id in mine:
                if _nothing_left(available, rounding):
                    break
                left = open_left.setdefault(invoice_id, residual)
                invoice_currency, company = currencies[invoice_currency_id], companies[company_id]
                paid = convert_amount(currency, available, invoice_currency, company, day)
                covered = min(paid, left)
                if _nothing_left(covered, invoice_currency.rounding):
                    continue
                open_left[invoice_id] = left - covered
                available -= convert_amount(invoice_currency, covered, currency, company, day)
                allocation[payment, invoice_of[invoice_id]] = covered
        return allocation

    def _relance_check_customer_invoices(self):
        not_invoices = self.filtered(lambda m: m.move_type != "out_invoice")
        if not_invoices:
            raise UserError(
                _(
                    "Only customer invoices can be reminded: %s is not one.",
                    not_invoices[0].display_name,
                )
            )


def _nothing_left(amount, rounding):
    """``float_compare(amount, 0, precision_rounding=rounding) <= 0``, the same answer
    with one rounding instead of three (asked for thousands of payments on a daily
    run)."""
    return float_round(amount, precision_rounding=rounding) <= 0
