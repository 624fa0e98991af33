from odoo import Command

from .common import RelanceHttpCase


class TestBlockedQuotationTour(RelanceHttpCase):
    """Headless Chromium: the salesperson sees the banner and the refusal."""

    def test_salesperson_sees_banner_and_refusal(self):
        salesman = self._create_relance_user("tour_sales", ["sales_team.group_sale_salesman"])
        salesman.password = "tour_sales"
        self.make_invoice(self.customer, "2026-01-31", 2500.0)
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
        invoice = self.make_invoice(customer, "2026-10-01", 900.0)
        customer._relance_refresh_state()
        with self.mock_mail_gateway():
            self.start_tour(
                "/odoo/action-relance_avancee.relance_worklist_action",
                "relance_collector_promise",
                login="tour_collector",
            )
        self.assertEqual(str(customer.relance_promise_date), "2030-12-31")
        self.assertEqual(customer.relance_promise_amount, 900.0)
        trace = self.env["relance.history"].search([("partner_id", "=", customer.id)])
        self.assertEqual(trace.outcome, "promise")
        self.assertEqual(trace.move_ids, invoice)
        confirmation = self._new_mails.filtered(lambda m: customer in m.recipient_ids)
        self.assertIn("12/31/2030", str(confirmation.body_html))
