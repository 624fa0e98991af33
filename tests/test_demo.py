"""The demo generator (relance_avancee/demo/relance_demo.xml calls it when setup/run.sh
installs the addons with demo data): dates follow the install day."""

from datetime import timedelta

from odoo import fields
from odoo.tests import TransactionCase

from odoo.addons.relance_avancee.models.relance_demo import AMOUNTS, CUSTOMERS

from .common import RelanceTagged


class TestDemoData(RelanceTagged, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # French loaded, as setup/run.sh does: the demo speaks French.
        cls.env["res.lang"]._activate_lang("fr_FR")
        cls.fr_installed = bool(
            cls.env["ir.module.module"].search_count(
                [("name", "=", "l10n_fr"), ("state", "=", "installed")]
            )
        )
        cls.current_company = cls.env.company
        cls.company = cls.env["relance.demo"]._generate()
        cls.today = fields.Date.context_today(cls.env["relance.demo"])
        cls.customers = cls.env["res.partner"].search(
            [("name", "in", [name for name, *_rest in CUSTOMERS]), ("is_company", "=", True)]
        )
        cls.invoices = cls.env["account.move"].search(
            [
                ("partner_id", "in", cls.customers.ids),
                ("move_type", "=", "out_invoice"),
                ("company_id", "=", cls.company.id),
            ]
        )

    def test_company_french_or_current(self):
        if self.fr_installed:
            self.assertEqual(self.company.country_id.code, "FR")
            self.assertEqual(self.company.currency_id.name, "EUR")
            self.assertEqual(self.company.chart_template, "fr")
        else:
            # Without the French chart, the demo lives in the current company.
            self.assertEqual(self.company, self.current_company)
            self.assertTrue(self.company.chart_template)
        self.assertEqual(self.invoices.company_id, self.company)

    def test_forty_customers_in_the_five_typologies(self):
        self.assertEqual(len(self.customers), 40)
        typologies = self.customers.relance_typology_id
        expected = self.env["relance.typology"].browse(
            [
                self.env.ref(f"relance_avancee.relance_typology_{code}").id
                for code in ("risk", "public", "key_account", "small_sme", "safe")
            ]
        )
        self.assertEqual(typologies, expected)
        public_typology = self.env.ref("relance_avancee.relance_typology_public")
        public = self.customers.filtered(lambda p: p.relance_typology_id == public_typology)
        self.assertEqual(len(public), 5)
        self.assertIn("Mairie de Villeneuve", public.mapped("name"))
        # Some customers have no email: letters and calls are needed for them.
        self.assertEqual(len(self.customers.filtered(lambda p: not p.email)), 4)
        self.assertEqual(set(self.customers.mapped("lang")), {"fr_FR"})

    def test_posted_invoices_due_from_150_days_late_to_30_days_ahead(self):
        self.assertTrue(250 <= len(self.invoices) <= 350, len(self.invoices))
        self.assertEqual(set(self.invoices.mapped("state")), {"posted"})
        due_dates = self.invoices.mapped("invoice_date_due")
        self.assertGreaterEqual(min(due_dates), self.today - timedelta(days=150))
        self.assertLessEqual(max(due_dates), self.today + timedelta(days=30))
        self.assertTrue(any(day < self.today - timedelta(days=60) for day in due_dates))
        self.assertTrue(any(day > self.today for day in due_dates), "some not yet due")
        for invoice in self.invoices[:20]:
            self.assertEqual(invoice.invoice_date, invoice.invoice_date_due - timedelta(days=30))

    def test_amounts_follow_the_typology(self):
        for customer in self.customers:
            xmlid = customer.relance_typology_id.get_external_id()[customer.relance_typology_id.id]
            low, high = AMOUNTS[xmlid.split(".")[1]]
            for invoice in self.invoices.filtered(lambda inv, c=customer: inv.partner_id == c):
                self.assertTrue(low <= invoice.amount_untaxed <= high, invoice.amount_untaxed)

    def test_payments_partial_full_and_credit_notes(self):
        states = self.invoices.mapped("payment_state")
        partial = self.invoices.filtered(lambda inv: inv.payment_state == "partial")
        self.assertTrue(partial, "some invoices are partly paid")
        for invoice in partial:
            self.assertTrue(0 < invoice.amount_residual < invoice.amount_total)
        self.assertTrue({"paid", "in_payment"} & set(states), "some are paid in full")
        self.assertIn("not_paid", states)
        credit_notes = self.env["account.move"].search(
            [("move_type", "=", "out_refund"), ("reversed_entry_id", "in", self.invoices.ids)]
        )
        self.assertTrue(credit_notes)
        for credit_note in credit_notes:
            self.assertEqual(credit_note.state, "posted")
            # A 10 % commercial gesture, not a full refund.
            self.assertLess(credit_note.amount_total, credit_note.reversed_entry_id.amount_total)
        overdue = self.customers.filtered(lambda p: p.relance_overdue_amount > 0)
        self.assertTrue(len(overdue) >= 20, "the worklist has customers to remind")

    def test_users_collector_and_sales(self):
        users = self.env["res.users"]
        collector = users.search([("login", "=", "collector")])
        sales = users.search([("login", "=", "sales")])
        self.assertTrue(collector.has_group("relance_avancee.group_relance_user"))
        self.assertFalse(collector.has_group("relance_avancee.group_relance_manager"))
        self.assertTrue(sales.has_group("sales_team.group_sale_salesman"))
        self.assertFalse(sales.has_group("relance_avancee.group_relance_user"))
        self.assertEqual(collector.company_id, self.company)
        self.assertEqual(collector.lang, "fr_FR")
        # Two customers in three are the collector's, the others the admin's.
        mine = self.customers.filtered(lambda p: p.relance_collector_id == collector)
        self.assertEqual(len(mine), 26)
        self.assertEqual(set(self.customers.user_id), {sales})

    def test_admin_sees_the_demo_in_french(self):
        self.assertEqual(self.env.ref("base.user_admin").lang, "fr_FR")

    def test_a_blocked_customer_with_a_quotation(self):
        blocked = self.customers.filtered("relance_blocked")
        self.assertEqual(len(blocked), 1)
        self.assertEqual(
            blocked.relance_typology_id, self.env.ref("relance_avancee.relance_typology_risk")
        )
        self.assertGreater(blocked.relance_overdue_amount, 0)
        quotation = self.env["sale.order"].search([("partner_id", "=", blocked.id)])
        self.assertEqual(quotation.state, "draft")
