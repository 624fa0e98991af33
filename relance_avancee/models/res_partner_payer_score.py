# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from collections import defaultdict

from dateutil.relativedelta import relativedelta

from odoo import _, api, fields, models
from odoo.exceptions import AccessError
from odoo.tools import SQL, float_round

from ..access import check_manager

PAYER_SCORES = [("a", "A"), ("b", "B"), ("c", "C"), ("d", "D")]
PAYER_TRENDS = [("improving", "Improving"), ("stable", "Stable"), ("worsening", "Worsening")]
COLLECTOR = "relance_avancee.group_relance_user"
# Stored by the computation only, in this order (the SQL of _relance_store_payer_scores).
# Context key: customers are being merged (Odoo's merge wizard copies their fields).
MERGING_KEY = "relance_merging_partners"
PAYER_FIELDS = [
    "relance_payer_score",
    "relance_payer_trend",
    "relance_payer_days_late",
    "relance_payer_on_time_share",
    "relance_payer_broken_promises",
    "relance_payer_disputes",
    "relance_payer_score_date",
]


class ResPartner(models.Model):
    """How the customer pays, graded A to D in each company from its last twelve months
    (``res.company._relance_payer_grade`` is the rule). Kept by the daily run and the
    managers' "Recompute payer scores" button; the inputs are kept too, so the customer
    form explains the grade. Collectors only: a portal user never reads them."""

    _inherit = "res.partner"

    relance_payer_score = fields.Selection(
        PAYER_SCORES,
        string="Payer Score",
        company_dependent=True,
        copy=False,
        readonly=True,
        groups=COLLECTOR,
        help="A: pays on time; B: a little late; C: late; D: very late, or promises broken "
        "or disputes rejected. From the invoices due in the last twelve months in this "
        "company; none without such invoices.",
    )
    relance_payer_trend = fields.Selection(
        PAYER_TRENDS,
        string="Payer Trend",
        company_dependent=True,
        copy=False,
        readonly=True,
        groups=COLLECTOR,
        help="Days late (weighted by amount) of the invoices due in the last six months "
        "against the six months before.",
    )
    relance_payer_days_late = fields.Float(
        string="Days Late (Weighted, 12 Months)",
        digits=(6, 1),
        company_dependent=True,
        copy=False,
        readonly=True,
        groups=COLLECTOR,
        help="Average days between due date and payment, weighted by amount; what is still "
        "unpaid counts up to the day of the score.",
    )
    relance_payer_on_time_share = fields.Float(
        string="Amount Paid On Time (12 Months, %)",
        digits=(5, 1),
        company_dependent=True,
        copy=False,
        readonly=True,
        groups=COLLECTOR,
    )
    relance_payer_broken_promises = fields.Integer(
        string="Promises Broken (12 Months)",
        company_dependent=True,
        copy=False,
        readonly=True,
        groups=COLLECTOR,
    )
    relance_payer_disputes = fields.Integer(
        string="Disputes Rejected (12 Months)",
        company_dependent=True,
        copy=False,
        readonly=True,
        groups=COLLECTOR,
        help="Disputes found unfounded: the customer held its payment without cause.",
    )
    relance_payer_score_date = fields.Date(
        string="Payer Score Computed On",
        company_dependent=True,
        copy=False,
        readonly=True,
        groups=COLLECTOR,
    )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._relance_check_payer_fields(vals)
        return super().create(vals_list)

    def write(self, vals):
        self._relance_check_payer_fields(vals)
        return super().write(vals)

    @api.model
    def _relance_check_payer_fields(self, vals):
        """Only the computation (as superuser) writes a payer score. Merging customers
        copies it like any field: dropped there (the next run computes it again)."""
        if self.env.context.get(MERGING_KEY):
            for field in PAYER_FIELDS:
                vals.pop(field, None)
        if not self.env.su and set(PAYER_FIELDS).intersection(vals):
            raise AccessError(
                _("The payer score is computed from the invoices; nobody writes it by hand.")
            )

    def action_relance_recompute_payer_scores(self):
        """Managers' button: every customer's payer score in the companies selected."""
        check_manager(self.env, _("Only a collections manager may recompute the payer scores."))
        count = 0
        for company in self.env.companies:
            count += len(self.sudo().with_company(company)._relance_compute_payer_scores(company))
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success",
                "message": _("Payer scores recomputed for %s customers.", count),
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }

    # --- the computation ------------------------------------------------------

    def _relance_compute_payer_scores(self, company, date=None):
        """Grade these customers (all those with invoices due in the twelve months
        before ``date``, or graded before, when called on an empty recordset) in
        ``company`` and store grade and inputs. Returns the ids graded or cleared."""
        date = date or fields.Date.context_today(self.with_company(company))
        start = self._relance_payer_score_start(date)
        partner_ids = self._relance_payer_score_partner_ids(company, start, date)
        if not partner_ids:
            return []
        customers = self.browse(partner_ids).with_company(company)
        halves = customers._relance_payer_delays(company, start, date)
        broken = customers._relance_payer_broken_promises(company, start, date)
        disputes = customers._relance_payer_disputes(company, start, date)
        rows = {}
        for partner_id in partner_ids:
            recent, previous = halves.get(partner_id, ((0.0, 0.0, 0.0), (0.0, 0.0, 0.0)))
            weight = recent[0] + previous[0]
            if weight <= 0:
                rows[partner_id] = None  # no invoice due in the twelve months: no grade
                continue
            days_late = round((recent[1] + previous[1]) / weight, 1)
            on_time = round(100.0 * (recent[2] + previous[2]) / weight, 1)
            incidents = broken.get(partner_id, 0) + disputes.get(partner_id, 0)
            rows[partner_id] = {
                "relance_payer_score": company._relance_payer_grade(days_late, on_time, incidents),
                "relance_payer_trend": company._relance_payer_trend(
                    recent[1] / recent[0] if recent[0] > 0 else None,
                    previous[1] / previous[0] if previous[0] > 0 else None,
                ),
                "relance_payer_days_late": days_late,
                "relance_payer_on_time_share": on_time,
                "relance_payer_broken_promises": broken.get(partner_id, 0),
                "relance_payer_disputes": disputes.get(partner_id, 0),
                "relance_payer_score_date": date,
            }
        self._relance_store_payer_scores(company, rows)
        return partner_ids

    @api.model
    def _relance_payer_score_start(self, date):
        """The first day of the year a grade on ``date`` looks at."""
        return date - relativedelta(years=1)

    def _relance_customers_to_grade(self, company, date):
        """The ids ``_relance_compute_payer_scores`` grades on ``date`` (job batches)."""
        return self._relance_payer_score_partner_ids(
            company, self._relance_payer_score_start(date), date
        )

    def _relance_payer_score_partner_ids(self, company, start, date):
        """Commercial partners to grade: these ones, or every customer with an invoice
        due from ``start`` to the day before ``date`` in ``company``, or graded there."""
        if self:
            return sorted(set(self.commercial_partner_id.ids))
        self.env["account.move.line"].flush_model()
        self.flush_model(["relance_payer_score"])
        self.env.cr.execute(
            SQL(
                """
                SELECT DISTINCT m.commercial_partner_id
                  FROM account_move_line aml
                  JOIN account_move m ON m.id = aml.move_id
                 WHERE aml.display_type = 'payment_term'
                   AND m.move_type = 'out_invoice' AND m.state = 'posted'
                   AND m.company_id = %(company)s
                   AND aml.date_maturity >= %(start)s AND aml.date_maturity < %(date)s
                 UNION
                SELECT id FROM res_partner WHERE relance_payer_score ? %(key)s
                """,
                company=company.id,
                start=start,
                date=date,
                key=str(company.id),
            )
        )
        return sorted(row[0] for row in self.env.cr.fetchall() if row[0])

    def _relance_payer_delays(self, company, start, date):
        """{partner id: (recent, previous)}, each half a tuple (amount, amount x days
        late, amount paid on time), in company currency, of the invoice instalments due
        from ``start`` to the day before ``date``; recent: due in the last six months.

        Cash is what settles an instalment (a booked payment or a statement line, at
        its reconciliation date; a payment registered but not booked, at its date); a
        credit note or a write-off reduces the debt but is not a payment, so it weighs
        nothing. What is still unpaid counts as late up to ``date``.
        """
        self.env["account.move.line"].flush_model()
        self.env["account.partial.reconcile"].flush_model()
        self.env.cr.execute(
            SQL(
                """
                SELECT aml.id, m.id AS move_id, m.commercial_partner_id AS partner_id,
                       aml.date_maturity AS due, aml.balance,
                       COALESCE(SUM(pr.amount), 0) AS settled,
                       COALESCE(SUM(pr.amount) FILTER (WHERE cash.is_cash), 0) AS cash,
                       COALESCE(SUM(pr.amount * GREATEST(pr.max_date - aml.date_maturity, 0))
                                FILTER (WHERE cash.is_cash), 0) AS late,
                       COALESCE(SUM(pr.amount)
                                FILTER (WHERE cash.is_cash AND pr.max_date <= aml.date_maturity),
                                0) AS on_time
                  FROM account_move_line aml
                  JOIN account_move m ON m.id = aml.move_id
                  LEFT JOIN account_partial_reconcile pr ON pr.debit_move_id = aml.id
                                                       AND pr.max_date <= %(date)s
                  LEFT JOIN LATERAL (
                        SELECT (cm.origin_payment_id IS NOT NULL
                                OR cm.statement_line_id IS NOT NULL) AS is_cash
                          FROM account_move_line counterpart
                          JOIN account_move cm ON cm.id = counterpart.move_id
                         WHERE counterpart.id = pr.credit_move_id
                  ) cash ON TRUE
                 WHERE aml.display_type = 'payment_term'
                   AND m.move_type = 'out_invoice' AND m.state = 'posted'
                   AND m.company_id = %(company)s
                   AND m.commercial_partner_id = ANY(%(partners)s)
                   AND aml.date_maturity >= %(start)s AND aml.date_maturity < %(date)s
                 GROUP BY aml.id, m.id
                """,
                company=company.id,
                partners=self.ids,
                start=start,
                date=date,
            )
        )
        lines = self.env.cr.dictfetchall()
        # Payments registered but not booked: spread over each invoice's open
        # instalments, oldest due first.
        # currency.round() reads the rounding on every call: thousands of lines.
        rounding = company.currency_id.rounding

        def cround(amount):
            return float_round(amount, precision_rounding=rounding)

        for line in lines:
            line["unpaid"] = cround(line["balance"] - line["settled"])
        open_invoices = self.env["account.move"].browse(
            {line["move_id"] for line in lines if line["unpaid"] > 0}
        )
        unbooked = defaultdict(list)
        for (_payment, invoice_id), (day, amount) in (
            self.env["relance.history"]._relance_unbooked_cash(open_invoices).items()
        ):
            if day <= date:
                unbooked[invoice_id].append([day, amount])
        recent_from = date - relativedelta(months=6)
        totals = {}
        for line in sorted(lines, key=lambda line: (line["due"], line["id"])):
            weight, late, on_time = line["cash"], line["late"], line["on_time"]
            left, due = line["unpaid"], line["due"]
            payments = sorted(unbooked.get(line["move_id"], []))
            unbooked[line["move_id"]] = payments
            while payments and left > 0:
                day, amount = payments[0]
                used = min(amount, left)
                weight += used
                late += used * max((day - due).days, 0)
                on_time += used if day <= due else 0.0
                left = cround(left - used)
                payments[0][1] -= used
                if cround(payments[0][1]) <= 0:
                    payments.pop(0)
            if left > 0:  # still unpaid: late up to the day of the score
                weight += left
                late += left * (date - due).days
            halves = totals.setdefault(line["partner_id"], [[0.0, 0.0, 0.0], [0.0, 0.0, 0.0]])
            half = halves[0 if due >= recent_from else 1]
            half[0] += weight
            half[1] += late
            half[2] += on_time
        return {partner_id: tuple(map(tuple, halves)) for partner_id, halves in totals.items()}

    def _relance_payer_broken_promises(self, company, start, date):
        """{partner id: promises made from ``start`` and broken by ``date``} in
        ``company``, by the one rule (``relance.history._relance_promise_states``)."""
        promises = (
            self.env["relance.history"]
            .sudo()
            .search(
                [
                    ("partner_id", "in", self.ids),
                    ("company_id", "=", company.id),
                    ("outcome", "=", "promise"),
                    ("state", "=", "done"),
                    ("promise_date", "!=", False),
                    ("date", ">=", start),
                ]
            )
        )
        counts = defaultdict(int)
        for entry_id, state in promises._relance_promise_states(date).items():
            if state == "broken":
                counts[promises.browse(entry_id).partner_id.id] += 1
        return counts

    def _relance_payer_disputes(self, company, start, date):
        """{partner id: disputes of the customer found unfounded from ``start`` to
        ``date``} in ``company``.

        Extension point: the base addon knows no dispute, so none; the disputes addon
        counts its rejected disputes (an open one may be the company's fault).
        """
        return {}

    def _relance_store_payer_scores(self, company, rows):
        """Write {partner id: {field: value}, or None to clear} in one statement.

        Written in SQL like the dunning state (``_relance_store_state``): company-
        dependent columns, this company's key replaced, or removed when the customer
        has no grade any more (so that it sorts after every grade).
        """
        self.flush_model(PAYER_FIELDS)
        key = str(company.id)
        assignments = SQL(", ").join(
            SQL(
                "%(column)s = CASE WHEN v.graded THEN COALESCE(p.%(column)s, '{}')"
                " || jsonb_build_object(%(key)s, v.%(column)s)"
                " ELSE COALESCE(p.%(column)s, '{}') - %(key)s END",
                column=SQL.identifier(name),
                key=key,
            )
            for name in PAYER_FIELDS
        )
        values = SQL(", ").join(
            SQL(
                "(%s, %s, %s::varchar, %s::varchar, %s::float, %s::float, %s::int, %s::int,"
                " %s::date)",
                partner_id,
                bool(row),
                *((row or {}).get(name) for name in PAYER_FIELDS),
            )
            for partner_id, row in rows.items()
        )
        self.env.cr.execute(
            SQL(
                """
                UPDATE res_partner AS p SET %(assignments)s
                  FROM (VALUES %(values)s) AS v(id, graded, %(columns)s)
                 WHERE p.id = v.id
                """,
                assignments=assignments,
                values=values,
                columns=SQL(", ").join(SQL.identifier(name) for name in PAYER_FIELDS),
            )
        )
        self.browse(list(rows)).invalidate_recordset(PAYER_FIELDS)
