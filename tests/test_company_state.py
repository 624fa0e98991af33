import importlib.util
from datetime import date
from pathlib import Path

from odoo import Command
from odoo.exceptions import UserError

from .common import RelanceCase

MIGRATION = Path(__file__).parent.parent / "relance_avancee/migrations/18.0.1.1.0"


def load_migration(name):
    spec = importlib.util.spec_from_file_location(name, MIGRATION / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class TestDunningStatePerCompany(RelanceCase):
    """A customer invoiced by two companies: each company dunns, blocks and ranks it
    on its own invoices only."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.other = cls.setup_other_company()["company"]
        cls.collector.write({"company_ids": [Command.link(cls.other.id)]})
        cls.salesman = cls._create_relance_user("salesman", ["sales_team.group_sale_salesman"])
        cls.salesman.write({"company_ids": [Command.link(cls.other.id)]})
        cls.make_invoice(cls.customer, "2026-01-31", 800.0)
        cls.make_invoice(cls.customer, "2026-01-10", 300.0, company=cls.other)

    def _run(self, company, day):
        run = self.env["relance.run"].with_company(company)._get_or_create(company, day)
        with self.mock_mail_gateway():
            run.action_run()
        return run

    def test_each_company_keeps_its_own_level_next_date_and_priority(self):
        first, second = self.standard_plan.level_ids.sorted("sequence")[:2]
        self._run(self.other, date(2026, 1, 11))
        self._run(self.other, date(2026, 1, 18))
        self._run(self.company, date(2026, 2, 1))
        here = self.customer.with_company(self.company)
        there = self.customer.with_company(self.other)
        self.assertEqual(here.relance_level_id, first)
        self.assertEqual(here.relance_next_date, date(2026, 2, 8))
        self.assertEqual(there.relance_level_id, second, "not overwritten by company 1's run")
        self.assertEqual(there.relance_next_date, date(2026, 1, 25))
        self.assertNotEqual(here.relance_priority, there.relance_priority)
        worklist = [("relance_next_date", "<=", date(2026, 1, 30))]
        self.assertIn(
            self.customer, self.env["res.partner"].with_company(self.other).search(worklist)
        )
        self.assertNotIn(self.customer, self.env["res.partner"].search(worklist))

    def test_blocked_in_one_company_sells_freely_in_the_other(self):
        self.customer.with_company(self.other)._relance_block("Formal notice (company 2)")
        self.assertTrue(self.customer.with_company(self.other).relance_blocked)
        self.assertFalse(self.customer.relance_blocked)
        self.assertFalse(self.customer.relance_blocked_reason)

        def quotation(company):
            return (
                self.env["sale.order"]
                .with_user(self.salesman)
                .with_company(company)
                .create(
                    {
                        "partner_id": self.customer.id,
                        "company_id": company.id,
                        "order_line": [
                            Command.create({"product_id": self.product_a.id, "product_uom_qty": 1})
                        ],
                    }
                )
            )

        free = quotation(self.company)
        self.assertFalse(free.relance_blocked)
        free.action_confirm()
        self.assertEqual(free.state, "sale")
        blocked = quotation(self.other)
        self.assertTrue(blocked.relance_blocked)
        with self.assertRaisesRegex(UserError, "cannot be confirmed"):
            blocked.action_confirm()

    def test_upgrade_gives_every_company_the_state_the_customer_had(self):
        """18.0.1.1.0 migration: plain columns become per-company values."""
        cr = self.env.cr
        self.env.flush_all()
        cr.execute(
            """
            ALTER TABLE res_partner ADD COLUMN relance_blocked_before_company boolean,
                                    ADD COLUMN relance_blocked_reason_before_company varchar,
                                    ADD COLUMN relance_level_id_before_company int4
            """
        )
        level = self.standard_plan.level_ids.sorted("sequence")[3]
        cr.execute(
            """
            UPDATE res_partner SET relance_blocked_before_company = (id = %(id)s),
                   relance_blocked_reason_before_company =
                       CASE WHEN id = %(id)s THEN 'Formal notice' END,
                   relance_level_id_before_company = CASE WHEN id = %(id)s THEN %(level)s END
            """,
            {"id": self.customer.id, "level": level.id},
        )
        load_migration("post-migrate").migrate(cr, "18.0.1.0.0")
        self.env.invalidate_all()
        for company in (self.company, self.other):
            customer = self.customer.with_company(company)
            self.assertTrue(customer.relance_blocked)
            self.assertEqual(customer.relance_blocked_reason, "Formal notice")
            self.assertEqual(customer.relance_level_id, level)
        stranger = self.env["res.partner"].create({"name": "Stranger"})
        self.assertFalse(stranger.relance_blocked)
        cr.execute(
            """
            SELECT count(*) FROM information_schema.columns
             WHERE table_name = 'res_partner' AND column_name LIKE '%%before_company'
            """
        )
        self.assertEqual(cr.fetchone()[0], 0, "the kept columns are dropped")

    def test_upgrade_keeps_the_old_columns_aside_before_odoo_converts_them(self):
        cr = self.env.cr
        self.env.flush_all()
        cr.execute("ALTER TABLE res_partner RENAME COLUMN relance_priority TO priority_jsonb")
        cr.execute("ALTER TABLE res_partner ADD COLUMN relance_priority float8")
        load_migration("pre-migrate").migrate(cr, "18.0.1.0.0")
        cr.execute(
            """
            SELECT column_name FROM information_schema.columns
             WHERE table_name = 'res_partner' AND column_name LIKE 'relance_priority%%'
            """
        )
        self.assertEqual(
            {row[0] for row in cr.fetchall()},
            {"relance_priority_before_company"},
            "the float column is kept aside; jsonb columns are left alone",
        )
