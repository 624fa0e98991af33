# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The payment terms table of the management report (Code de commerce L441-14, D441-6;
model tables of the arrêté of 20 March 2017, annex 4-1 of the code).

(I) invoices received and issued that are unpaid at the closing date although their
term has passed, by delay bracket, as a share of the year's purchases and revenue;
(II), the derogatory presentation: invoices settled late during the year, as a share of
the invoices received and issued in the year, by number and amount. Read from the
ledger as of the closing date with the aged balance's rules (one residual formula).
"""

from collections import defaultdict
from datetime import timedelta

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL, date_utils

from odoo.addons.relance_avancee.access import check_accounting_reader

# Brackets of the official model: 0 days (for information), 1-30, 31-60, 61-90,
# 91 days and more; the aged balance's bucket index with these bounds.
BRACKETS = (30, 60, 90)
BRACKET_COUNT = len(BRACKETS) + 2

# Who may read the table: it reads every customer's and supplier's invoices in SQL.

SIDES = {
    # Invoices received (suppliers): payables, amounts owed are credits.
    "received": {
        "account_type": "liability_payable",
        "sign": -1,
        "invoices": ("in_invoice",),
        "year_documents": ("in_invoice", "in_refund", "in_receipt"),
        "drafts_unrecorded": True,
    },
    # Invoices issued (customers): receivables.
    "issued": {
        "account_type": "asset_receivable",
        "sign": 1,
        "invoices": ("out_invoice",),
        "year_documents": ("out_invoice", "out_refund", "out_receipt"),
        "drafts_unrecorded": False,  # a draft customer invoice was never issued
    },
}
INVOICE_TYPES = (
    "out_invoice",
    "out_refund",
    "out_receipt",
    "in_invoice",
    "in_refund",
    "in_receipt",
)


class RelancePaymentTermsTable(models.AbstractModel):
    _name = "relance.payment.terms.table"
    _description = "Payment Terms Table (D441-6)"

    @api.model
    def compute(
        self, date, company_ids=None, date_from=None, tax_included=False, presentation="unpaid"
    ):
        """Both sides of the table on the closing ``date``.

        ``presentation``: ``'unpaid'`` (table I) or ``'late'`` (table II). Returns
        ``{'date_from', 'date', 'presentation', 'tax_included', 'currency_id',
        'received', 'issued'}``; each side is ``{'brackets': [{'count', 'amount',
        'share', 'count_share'}] (0 days, 1-30, 31-60, 61-90, 91 and more), 'late':
        the same for 1 day and more, 'base': {'count', 'amount'} (the year's purchases
        or revenue for table I, the invoices of the year for table II), 'excluded':
        {'count', 'amount', 'disputed_count', 'disputed_amount', 'unrecorded_count',
        'unrecorded_amount'}, 'items': one dict per line read}``. Amounts in company
        currency, excluding tax unless ``tax_included``. Accounting users only.
        """
        check_accounting_reader(self.env)
        date = fields.Date.to_date(date)
        companies = self.env["relance.aged.balance"]._companies(company_ids)
        date_from = fields.Date.to_date(date_from) or self._year_start(date, companies[:1])
        if date_from > date:
            raise UserError(_("The year must start before its closing date."))
        if presentation not in ("unpaid", "late"):
            raise UserError(_("Unknown presentation: %s.", presentation))
        currency = companies[:1].currency_id
        result = {
            "date_from": date_from,
            "date": date,
            "presentation": presentation,
            "tax_included": bool(tax_included),
            "currency_id": currency.id,
        }
        for side, spec in SIDES.items():
            if presentation == "unpaid":
                items = self._unpaid_items(side, spec, date, companies)
                base = self._year_base(spec["year_documents"], spec, date_from, date, companies)
            else:
                items = self._late_items(side, spec, date_from, date, companies)
                base = self._year_base(spec["invoices"], spec, date_from, date, companies)
            items += self._unrecorded_items(spec, date_from, date, companies, presentation)
            self._convert(items, tax_included, currency)
            result[side] = self._aggregate(items, base, tax_included, currency)
        return result

    # --- the year ----------------------------------------------------------------

    @api.model
    def _year_start(self, date, company):
        """First day of the company's fiscal year that contains ``date``."""
        return date_utils.get_fiscal_year(
            date, day=company.fiscalyear_last_day, month=int(company.fiscalyear_last_month)
        )[0]

    @api.model
    def _last_closing(self, today, company):
        """The last fiscal year end before ``today``."""
        return self._year_start(today, company) - timedelta(days=1)

    def _year_base(self, move_types, spec, date_from, date, companies):
        """Number and amounts (untaxed, total) of the documents of ``move_types`` booked
        in the year: purchases or revenue (refunds deducted) for table I, the invoices
        received or issued in the year for table II."""
        groups = self.env["account.move"]._read_group(
            [
                ("company_id", "in", companies.ids),
                ("move_type", "in", list(move_types)),
                ("state", "=", "posted"),
                ("date", ">=", date_from),
                ("date", "<=", date),
            ],
            [],
            ["__count", "amount_untaxed_signed:sum", "amount_total_signed:sum"],
        )
        count, untaxed, total = groups[0]
        return {
            "count": count,
            "untaxed": spec["sign"] * (untaxed or 0.0),
            "total": spec["sign"] * (total or 0.0),
        }

    # --- what each table reads --------------------------------------------------

    def _unpaid_items(self, side, spec, date, companies):
        """Table I: the open items of the aged balance on ``date``, receivable or
        payable, each in the bracket of its own due date."""
        aged = self.env["relance.aged.balance"]
        rows = aged._fetch_lines(date, companies, account_type=spec["account_type"])
        disputed = self._disputed(side, {date: {row["move_id"] for row in rows}})
        items = []
        for row in rows:
            days = (date - row["date_due"]).days
            items.append(
                {
                    "move_id": row["move_id"],
                    "line_id": row["line_id"],
                    "partner_id": row["commercial_partner_id"],
                    "date_due": row["date_due"],
                    "date_settled": False,
                    "days": max(days, 0),
                    "bracket": aged._bucket_index(days, BRACKETS),
                    "amount": spec["sign"] * row["residual"],
                    "excluded": "disputed" if row["move_id"] in disputed else False,
                }
            )
        return items

    def _late_items(self, side, spec, date_from, date, companies):
        """Table II: the invoice lines (each instalment) settled in full during the
        year, in the bracket of their delay (settlement date minus due date)."""
        aged = self.env["relance.aged.balance"]
        rows = aged._fetch_settled_lines(
            date_from, date, companies, spec["account_type"], spec["invoices"]
        )
        # Disputed: in a dispute open on the due date or on the day before settlement.
        by_date = defaultdict(set)
        for row in rows:
            by_date[row["date_due"]].add(row["move_id"])
            by_date[row["date_settled"] - timedelta(days=1)].add(row["move_id"])
        disputed = self._disputed(side, by_date)
        items = []
        for row in rows:
            days = (row["date_settled"] - row["date_due"]).days
            items.append(
                {
                    "move_id": row["move_id"],
                    "line_id": row["line_id"],
                    "partner_id": row["partner_id"],
                    "date_due": row["date_due"],
                    "date_settled": row["date_settled"],
                    "days": max(days, 0),
                    "bracket": aged._bucket_index(days, BRACKETS),
                    "amount": spec["sign"] * row["balance"],
                    "excluded": "disputed" if row["move_id"] in disputed else False,
                }
            )
        return items

    def _disputed(self, side, moves_by_date):
        """Moves among ``{date: move ids}`` that are disputed: customer invoices in a
        dispute open on that date (the aged balance's rule), supplier bills the
        accountant marked disputed."""
        move_ids = set().union(*moves_by_date.values()) if moves_by_date else set()
        if not move_ids:
            return set()
        if side == "received":
            flagged = self.env["account.move"].search(
                [("id", "in", list(move_ids)), ("relance_payment_terms_disputed", "=", True)]
            )
            return set(flagged.ids)
        aged = self.env["relance.aged.balance"]
        disputed = set()
        for day, ids in moves_by_date.items():
            disputed |= aged._disputed_moves(day, list(ids))
        return disputed

    def _unrecorded_items(self, spec, date_from, date, companies, presentation):
        """Invoices dated on or before the closing date (in the year for table II) that
        the ledger does not hold on that date: posted later, or still in draft
        (supplier bills only: a draft customer invoice was never issued)."""
        not_booked = [("state", "=", "posted"), ("date", ">", date)]
        if spec["drafts_unrecorded"]:
            not_booked = ["|", ("state", "=", "draft"), "&", *not_booked]
        domain = [
            ("company_id", "in", companies.ids),
            ("move_type", "in", list(spec["invoices"])),
            ("invoice_date", "<=", date),
            *not_booked,
        ]
        if presentation == "late":
            domain.append(("invoice_date", ">=", date_from))
        moves = self.env["account.move"].search(domain, order="invoice_date, id")
        return [
            {
                "move_id": move.id,
                "line_id": False,
                "partner_id": move.commercial_partner_id.id,
                "date_due": move.invoice_date_due,
                "date_settled": False,
                "days": 0,
                "bracket": False,
                "amount": spec["sign"] * move.amount_total_signed,
                "excluded": "unrecorded",
            }
            for move in moves
        ]

    def _convert(self, items, tax_included, currency):
        """Excluding tax: each amount in the ratio of its document's untaxed amount to
        its total (a payment or an entry without tax keeps its amount). Rounded."""
        ratios = {} if tax_included else self._untaxed_ratios({i["move_id"] for i in items})
        for item in items:
            item["amount"] = currency.round(item["amount"] * ratios.get(item["move_id"], 1.0))

    def _untaxed_ratios(self, move_ids):
        if not move_ids:
            return {}
        self.env["account.move"].flush_model(
            ["move_type", "amount_untaxed_signed", "amount_total_signed"]
        )
        self.env.cr.execute(
            SQL(
                """
                SELECT id, amount_untaxed_signed / amount_total_signed
                  FROM account_move
                 WHERE id = ANY(%s)
                   AND move_type = ANY(%s)
                   AND amount_total_signed != 0
                """,
                list(move_ids),
                list(INVOICE_TYPES),
            )
        )
        return {move_id: float(ratio) for move_id, ratio in self.env.cr.fetchall()}

    # --- the table ---------------------------------------------------------------

    def _aggregate(self, items, base, tax_included, currency):
        """Number of invoices and amount per bracket, and the excluded invoices.

        A document counts in a bracket when it has an amount due there (credit notes
        and payments not matched to an invoice are deducted from the bracket of their
        own date, never counted); an invoice with instalments in several brackets is
        counted in each, once in the total.
        """
        amounts = [0.0] * BRACKET_COUNT
        counted = [set() for _index in range(BRACKET_COUNT)]
        excluded = {"disputed": [set(), 0.0], "unrecorded": [set(), 0.0]}
        for item in items:
            if item["excluded"]:
                excluded[item["excluded"]][0].add(item["move_id"])
                excluded[item["excluded"]][1] += item["amount"]
                continue
            amounts[item["bracket"]] += item["amount"]
            if item["amount"] > 0:
                counted[item["bracket"]].add(item["move_id"])
        base_amount = base["total"] if tax_included else base["untaxed"]

        def cell(count, amount):
            amount = currency.round(amount)
            return {
                "count": count,
                "amount": amount,
                # No revenue or purchases in the year: no share to state (None), not 0 %.
                "share": round(amount / base_amount * 100.0, 2) if base_amount else None,
                "count_share": round(count / base["count"] * 100.0, 2) if base["count"] else None,
            }

        late = set().union(*counted[1:])
        disputed, unrecorded = excluded["disputed"], excluded["unrecorded"]
        return {
            "brackets": [cell(len(counted[i]), amounts[i]) for i in range(BRACKET_COUNT)],
            "late": cell(len(late), sum(amounts[1:])),
            "base": {"count": base["count"], "amount": currency.round(base_amount)},
            "excluded": {
                "count": len(disputed[0] | unrecorded[0]),
                "amount": currency.round(disputed[1] + unrecorded[1]),
                "disputed_count": len(disputed[0]),
                "disputed_amount": currency.round(disputed[1]),
                "unrecorded_count": len(unrecorded[0]),
                "unrecorded_amount": currency.round(unrecorded[1]),
            },
            "items": items,
        }
