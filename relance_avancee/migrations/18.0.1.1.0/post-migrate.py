# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""18.0.1.1.0: give every company the dunning state each customer had before."""

from odoo.tools import SQL

KEPT_SUFFIX = "_before_company"


def migrate(cr, version):
    cr.execute(
        """
        SELECT column_name FROM information_schema.columns
         WHERE table_name = 'res_partner' AND column_name LIKE %s
        """,
        [f"relance\\_%{KEPT_SUFFIX}"],
    )
    for (kept,) in cr.fetchall():
        copy_to_every_company(cr, kept, kept.removesuffix(KEPT_SUFFIX))


def copy_to_every_company(cr, kept, column):
    """{company id: old value} for each customer with a value (a true flag)."""
    cr.execute(
        SQL(
            """
            UPDATE res_partner AS partner
               SET %(column)s = state.per_company
              FROM (
                    SELECT p.id, jsonb_object_agg(c.id::text, to_jsonb(p.%(kept)s)) AS per_company
                      FROM res_partner p CROSS JOIN res_company c
                     WHERE p.%(kept)s IS NOT NULL AND to_jsonb(p.%(kept)s) != 'false'::jsonb
                     GROUP BY p.id
                   ) AS state
             WHERE partner.id = state.id
            """,
            column=SQL.identifier(column),
            kept=SQL.identifier(kept),
        )
    )
    cr.execute(SQL("ALTER TABLE res_partner DROP COLUMN %s", SQL.identifier(kept)))
