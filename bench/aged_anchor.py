"""The floor of the aged balance: what a hand-written SQL query costs.

bench.py times ``relance.aged.balance.compute()`` against :func:`bare_sql_aged_balance`
and reports the ratio: the report does more (one dict per open item, payments
registered but not booked, disputes, e-invoicing statuses, typology, collector, payer
grade), while the part they share, finding the open items of a date and adding them
up by customer and bucket, is what this one query costs: a report within a small
multiple of it spends little beyond reading the ledger.
"""

# Open receivable items as of %(date)s by the definition: the balance less the partial
# reconciliations dated up to that date, a partial being dated by the later of its two
# lines (RESIDUAL_AS_OF_SQL reaches the same figure from Odoo's residual today plus the
# partials dated after), added up by commercial partner and bucket. The bucket of an
# item is width_bucket(days overdue, the first day of each bucket): 0 not due, 1 for
# 1..bounds[0], ..., len(bounds) + 1 beyond the last bound.
BARE_AGED_SQL = """
    WITH settled AS (
        SELECT line_id, SUM(amount) AS amount
          FROM (SELECT debit_move_id AS line_id, amount
                  FROM account_partial_reconcile WHERE max_date <= %(date)s
                 UNION ALL
                SELECT credit_move_id, -amount
                  FROM account_partial_reconcile WHERE max_date <= %(date)s) parts
         GROUP BY line_id
    ), items AS (
        SELECT p.commercial_partner_id AS partner_id,
               width_bucket(%(date)s::date - COALESCE(aml.date_maturity, aml.date),
                            %(starts)s::int[]) AS bucket,
               aml.balance - COALESCE(settled.amount, 0) AS residual
          FROM account_move_line aml
          JOIN account_account acc ON acc.id = aml.account_id
          JOIN res_partner p ON p.id = aml.partner_id
          LEFT JOIN settled ON settled.line_id = aml.id
         WHERE acc.account_type = 'asset_receivable'
           AND aml.parent_state = 'posted'
           AND aml.date <= %(date)s
           AND aml.company_id = %(company_id)s
    )
    SELECT partner_id, SUM(residual) AS total, ARRAY[{buckets}] AS buckets
      FROM items
     WHERE ROUND(residual, 2) != 0
     GROUP BY partner_id
"""


def bare_sql_aged_balance(cr, date, company_id, bounds):
    """``[(commercial partner id, total, [amount of each bucket])]`` of the receivables
    open on ``date`` in company ``company_id``, in company currency, buckets cut at
    ``bounds`` (days overdue, e.g. [30, 60, 90, 120]: not due, 1-30, ..., over 120).

    The simplest correct query, one pass, no Python beyond fetchall: the floor the
    aged balance report is measured against. Amounts are Decimal (SQL numeric).
    """
    bounds = list(bounds)
    starts = [1] + [bound + 1 for bound in bounds]
    buckets = ", ".join(
        f"COALESCE(SUM(residual) FILTER (WHERE bucket = {index}), 0)"
        for index in range(len(bounds) + 2)
    )
    cr.execute(
        BARE_AGED_SQL.format(buckets=buckets),
        {"date": date, "company_id": company_id, "starts": starts},
    )
    return cr.fetchall()


def bare_sql_check(env, date, rows):
    """The anchor's figures against ``compute()`` ``rows`` (same date, one company):
    the customers whose total or a bucket differs by a cent or more (empty when they agree)."""
    company = env.company
    bare = bare_sql_aged_balance(env.cr, date, company.id, company._relance_bucket_bounds())
    ours = {row["partner_id"]: (row["total"], row["buckets"]) for row in rows}
    wrong = []
    for partner_id, total, buckets in bare:
        mine = ours.pop(partner_id, (0.0, [0.0] * len(buckets)))
        figures = zip([total, *buckets], [mine[0], *mine[1]], strict=True)
        if any(abs(float(a) - b) >= 0.01 for a, b in figures):
            wrong.append(partner_id)
    return wrong + list(ours)
