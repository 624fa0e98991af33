"""Browser tours (headless Chromium) of the main journeys; the data and the checks
that prove each journey did what the user wanted are here, the clicks in
``static/tests/tours/*.js``."""

import io
from datetime import timedelta

import openpyxl

from odoo import Command, fields

from .common import RelanceHttpCase


class TestBlockedQuotationTour(RelanceHttpCase):
    """Headless Chromium: the salesperson sees the banner and the refusal."""

    def test_salesperson_sees_banner_and_refusal(self):
        salesman = self._create_relance_user("tour_sales", ["sales_team.group_sale_salesman"])
        salesman.password = "tour_sales"
        today = fields.Date.today()
        self.make_invoice(self.customer, today - timedelta(days=60), 2500.0)
        self.customer._relance_block("Formal notice sent")
        order = self.env["sale.order"].create(
            {
                "partner_id": self.customer.id,
                "user_id": salesman.id,
                "order_line": [Command.create({"product_id": self.product_a.id})],
            }
        )
        self.start_tour(
            f"/odoo/action-sale.action_quotations_with_onboarding/{order.id}",
            "relance_blocked_quotation",
            login="tour_sales",
        )
        self.assertEqual(order.state, "draft")


class TestCollectorTour(RelanceHttpCase):
    """Headless Chromium: a collector logs a promise to pay from the worklist."""

    def test_collector_records_a_promise_from_the_worklist(self):
        collector = self._create_relance_user(
            "tour_collector",
            ["relance_avancee.group_relance_user", "account.group_account_invoice"],
        )
        collector.password = "tour_collector"
        customer = self.env["res.partner"].create(
            {
                "name": "Tour Customer SARL",
                "is_company": True,
                "email": "tour@example.com",
                "relance_plan_id": self.standard_plan.id,
                "relance_collector_id": collector.id,
            }
        )
        today = fields.Date.today()
        invoice = self.make_invoice(customer, today - timedelta(days=54), 900.0)
        customer._relance_refresh_state()
        with self.mock_mail_gateway():
            self.start_tour(
                "/odoo/action-relance_avancee.relance_worklist_action",
                "relance_collector_promise",
                login="tour_collector",
            )
        # The tour types the date 30 days from today (PROMISE_DAYS).
        promised = today + timedelta(days=30)
        self.assertEqual(customer.relance_promise_date, promised)
        self.assertEqual(customer.relance_promise_amount, 900.0)
        self.assertEqual(invoice.relance_promise_date, promised, "the promised invoice waits")
        trace = self.env["relance.history"].search([("partner_id", "=", customer.id)])
        self.assertEqual(trace.outcome, "promise")
        self.assertEqual(trace.move_ids, invoice)
        confirmation = self._new_mails.filtered(lambda m: customer in m.recipient_ids)
        self.assertIn(promised.strftime("%m/%d/%Y"), str(confirmation.body_html))


class TestConfigurationTour(RelanceHttpCase):
    """Headless Chromium: an accountant sets the default plan and adds a level."""

    def test_accountant_sets_default_plan_and_adds_a_level(self):
        accountant = self._create_relance_user(
            "tour_accountant",
            [
                "base.group_system",
                "account.group_account_manager",
                "relance_avancee.group_relance_manager",
            ],
        )
        accountant.password = "tour_accountant"
        self.company.relance_default_plan_id = self.standard_plan
        levels_before = self.standard_plan.level_ids
        self.start_tour(
            "/odoo/action-account.action_account_config",
            "relance_configure_plan",
            login="tour_accountant",
        )
        self.assertEqual(self.company.relance_default_plan_id, self.phone_plan)
        new_level = self.standard_plan.level_ids - levels_before
        self.assertEqual(len(new_level), 1)
        self.assertEqual(new_level.name, "Registered letter")
        self.assertEqual(new_level.offset_days, 75)
        self.assertEqual(new_level.channel, "letter")
        # Added at the bottom: it comes after the litigation step (+60 days).
        self.assertEqual(self.standard_plan.level_ids.sorted("sequence")[-1], new_level)
        self.assertGreater(new_level.sequence, max(levels_before.mapped("sequence")))


class TestAgedBalanceTour(RelanceHttpCase):
    """Headless Chromium: a manager views the aged balance and downloads the XLSX."""

    test_module = "relance_avancee_reports"

    def test_manager_downloads_the_aged_balance_xlsx(self):
        manager = self._create_relance_user(
            "tour_manager",
            ["relance_avancee.group_relance_manager", "account.group_account_invoice"],
        )
        manager.password = "tour_manager"
        customer = self.env["res.partner"].create(
            {"name": "Aged Balance Customer SA", "is_company": True}
        )
        today = fields.Date.today()
        late = self.make_invoice(customer, today - timedelta(days=45), 1200.0)
        self.make_invoice(
            customer, today + timedelta(days=10), 300.0, invoice_date=today - timedelta(days=20)
        )
        self.start_tour(
            "/odoo/action-relance_avancee.relance_worklist_action",
            "relance_aged_balance_xlsx",
            login="tour_manager",
        )
        attachment = self.env["ir.attachment"].search(
            [("res_model", "=", "relance.aged.balance.report"), ("create_uid", "=", manager.id)]
        )
        self.assertEqual(len(attachment), 1, "one XLSX was produced for the download")
        self.assertTrue(attachment.name.endswith(".xlsx"))
        sheet = openpyxl.load_workbook(io.BytesIO(attachment.raw)).active
        rows = list(sheet.iter_rows(values_only=True))
        header = next(row for row in rows if row[0] == "Customer")
        total_col = header.index("Total")
        invoice_row = next(row for row in rows if late.name in row)
        self.assertEqual(invoice_row[0], "Aged Balance Customer SA")
        self.assertEqual(invoice_row[total_col], 1200.0)
        # Both invoices (overdue and not yet due) in the customer's total: 1,500.00.
        total = next(row for row in rows if row[0] == "Total Aged Balance Customer SA")
        self.assertEqual(total[total_col], 1500.0)


class TestPortalDisputeTour(RelanceHttpCase):
    """Headless Chromium: the customer reports a problem from the reminder's link."""

    test_module = "relance_avancee_disputes"

    def test_customer_reports_a_dispute_from_the_statement_link(self):
        today = fields.Date.today()
        other = self.make_invoice(self.customer, today - timedelta(days=20), 480.0)
        invoice = self.make_invoice(self.customer, today - timedelta(days=12), 1234.0)
        statement_url = self.customer._relance_statement_url()
        base_url = self.customer.get_base_url()
        self.start_tour(statement_url.removeprefix(base_url), "relance_portal_dispute")
        price = self.env.ref("relance_avancee_disputes.reason_price")
        dispute = self.env["relance.dispute"].search([("partner_id", "=", self.customer.id)])
        self.assertEqual(len(dispute), 1)
        self.assertEqual(dispute.move_ids, invoice)
        self.assertEqual(dispute.reason_id, price)
        self.assertEqual(dispute.source, "portal")
        self.assertIn("10% discount agreed in March", str(dispute.description))
        self.assertTrue(invoice.relance_suspended, "no reminder for the disputed invoice")
        self.assertFalse(other.relance_suspended, "the other invoice is still reminded")
