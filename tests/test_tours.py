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
