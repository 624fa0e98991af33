# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""18.0.1.1.0: the customer's dunning state becomes per company (jsonb columns).

Before Odoo converts the columns, keep their values aside: post-migrate.py gives
each company the state the customer had (nothing is lost, the next runs refine it).
"""

from odoo.tools import SQL

STATE_COLUMNS = [
    "relance_blocked",
    "relance_blocked_reason",
    "relance_blocked_date",
    "relance_litigation",
    "relance_promise_date",
    "relance_promise_amount",
    "relance_next_date",
    "relance_level_id",
    "relance_priority",
]
KEPT_SUFFIX = "_before_company"


def migrate(cr, version):
    cr.execute(
        """
        SELECT column_name FROM information_schema.columns
         WHERE table_name = 'res_partner' AND column_name = ANY(%s) AND data_type != 'jsonb'
        """,
        [STATE_COLUMNS],
    )
    for (column,) in cr.fetchall():
        cr.execute(
            SQL(
                "ALTER TABLE res_partner RENAME COLUMN %s TO %s",
                SQL.identifier(column),
                SQL.identifier(column + KEPT_SUFFIX),
            )
        )
