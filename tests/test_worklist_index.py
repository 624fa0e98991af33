"""The worklist at 100,000 customers: its order reads an index, per company.

relance_priority is company-dependent: a jsonb column {company id: value}, which the
ORM sorts on the expression of the current company's key. Each company has an
expression index on it (res.partner._relance_create_indexes).
"""

from odoo.tools import SQL

from .common import RelanceCase


class TestWorklistIndex(RelanceCase):
    def _index_names(self):
        self.env.cr.execute("SELECT indexname FROM pg_indexes WHERE tablename = 'res_partner'")
        return {name for (name,) in self.env.cr.fetchall()}

    def test_every_company_has_its_index_a_new_one_too(self):
        company = self.env["res.company"].create({"name": "Relance Index SAS"})
        names = self._index_names()
        for each in (self.env.ref("base.main_company"), self.company, company):
            self.assertIn(f"res_partner_relance_priority_company_{each.id}_index", names)
            self.assertIn(f"res_partner_relance_payer_score_company_{each.id}_index", names)

    def _first_page_plan(self, domain, order):
        """EXPLAIN of a worklist page as the ORM builds it, in the main company.

        The main company's indexes were built at install: PostgreSQL may not let the
        transaction that builds an index use it (the test company's is built in the
        test's). Superuser: the test's users do not work in the main company.
        """
        main = self.env.ref("base.main_company")
        partners = self.env["res.partner"].sudo().with_company(main)
        query = partners._search(domain, order=order, limit=80)
        # A test database has a few customers, which the planner would rather sort
        # than read through an index: it is told not to, to see that it can.
        self.env.cr.execute(
            "SET enable_seqscan = off; SET enable_bitmapscan = off; SET enable_sort = off"
        )
        try:
            self.env.cr.execute(SQL("EXPLAIN %s", query.select()))
            return "\n".join(row for (row,) in self.env.cr.fetchall())
        finally:
            self.env.cr.execute("RESET enable_seqscan; RESET enable_bitmapscan; RESET enable_sort")

    def test_worklist_first_page_reads_the_index(self):
        main = self.env.ref("base.main_company")
        # The worklist action's domain and its default filter "To Do", its list's order.
        domain = [
            ("relance_next_date", "!=", False),
            ("relance_next_date", "<=", "2026-02-10"),
            ("relance_excluded", "=", False),
        ]
        plan = self._first_page_plan(domain, "relance_priority desc")
        self.assertIn(
            f"Index Scan Backward using res_partner_relance_priority_company_{main.id}_index",
            plan,
        )
        self.assertNotIn("Sort", plan, "the first page is read in order, not sorted")

    def test_worst_payers_first_page_reads_the_grade_index(self):
        main = self.env.ref("base.main_company")
        for domain, order in (
            # The worklist filtered on one grade, in its list's order.
            ([("relance_payer_score", "=", "d")], "relance_priority desc"),
            # C and D payers, worst first.
            (
                [("relance_payer_score", "in", ("c", "d"))],
                "relance_payer_score desc, relance_priority desc",
            ),
        ):
            with self.subTest(domain=domain):
                plan = self._first_page_plan(domain, order)
                self.assertIn(
                    "Index Scan Backward using "
                    f"res_partner_relance_payer_score_company_{main.id}_index",
                    plan,
                )
                self.assertNotIn("Sort", plan, "the page is read in order, not sorted")
