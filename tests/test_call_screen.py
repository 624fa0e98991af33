from datetime import date, timedelta
from unittest.mock import patch

from freezegun import freeze_time

from odoo import Command

from .common import RelanceCase, requires_addons


class TestCallScreen(RelanceCase):
    """Payment behaviour over 12 months on a hand-built ledger (today: 2026-11-24)."""

    def test_behaviour_figures(self):
        today = date.today()
        on_time = self.make_invoice(self.customer, today - timedelta(days=60), 100.0)
        late = self.make_invoice(self.customer, today - timedelta(days=100), 200.0)
        self.pay(on_time, 100.0, today - timedelta(days=62))  # 2 days early
        self.pay(late, 200.0, today - timedelta(days=70))  # 30 days late
        self.make_invoice(self.customer, today - timedelta(days=10), 300.0)  # still open
        partner = self.customer
        partner.invalidate_recordset()
        self.assertEqual(partner.relance_on_time_share, 50.0)
        self.assertEqual(partner.relance_avg_days_late, 15.0)  # (0 + 30) / 2
        self.assertEqual(len(partner.relance_open_invoice_ids), 1)
        self.assertEqual(
            partner.relance_call_script,
            self.standard_plan.level_ids.sorted("sequence")[2].call_script,
        )
        action = partner.action_relance_call_screen()
        self.assertEqual(action["res_id"], partner.id)
        outcome = partner.with_context(relance_outcome="dispute").action_relance_outcome()
        self.assertEqual(outcome["context"]["default_outcome"], "dispute")

    def _promise(self, invoice, promise_date):
        return self.env["relance.history"].create(
            {
                "partner_id": self.customer.id,
                "move_ids": [(6, 0, invoice.ids)],
                "channel": "phone",
                "state": "done",
                "outcome": "promise",
                "date": promise_date - timedelta(days=10),
                "promise_date": promise_date,
                "promise_amount": invoice.amount_total,
            }
        )

    def _record(self):
        self.customer.invalidate_recordset()
        return (self.customer.relance_promises_kept, self.customer.relance_promises_broken)

    @freeze_time("2026-06-30")
    def test_promise_paid_late_is_broken_not_kept(self):
        self.standard_plan.grace_days = 3
        on_time = self.make_invoice(self.customer, "2026-04-30", 100.0)
        in_grace = self.make_invoice(self.customer, "2026-04-30", 100.0)
        late = self.make_invoice(self.customer, "2026-04-30", 100.0)
        unpaid = self.make_invoice(self.customer, "2026-04-30", 100.0)
        for invoice in (on_time, in_grace, late, unpaid):
            self._promise(invoice, date(2026, 6, 1))
        self.pay(on_time, 100.0, "2026-05-30")
        self.pay(in_grace, 100.0, "2026-06-04")  # promised 1 June + 3 grace days
        self.pay(late, 100.0, "2026-06-05")  # paid now, but after the grace days
        self.assertEqual(late.payment_state, "paid")
        self.assertEqual(self._record(), (2, 2))

    @freeze_time("2026-06-03")
    def test_promise_not_yet_due_is_neither_kept_nor_broken(self):
        self.standard_plan.grace_days = 3
        self._promise(self.make_invoice(self.customer, "2026-04-30", 100.0), date(2026, 6, 1))
        self.assertEqual(self._record(), (0, 0))

    @freeze_time("2026-03-17")
    def test_open_invoice_shows_its_penalties_to_date(self):
        invoice = self.make_invoice(self.customer, "2026-01-31", 10000.0)
        # 10,000 x 12.15 % x 45 / 365 = 149.79 interest + 40.00 indemnity
        self.assertAlmostEqual(invoice.relance_penalty_to_date, 189.79, places=2)

    @freeze_time("2026-03-17")
    def test_penalties_to_date_read_each_reference_rate_once(self):
        invoices = self.env["account.move"]
        for day in ("2026-01-31", "2026-02-10", "2026-02-20"):
            invoices |= self.make_invoice(self.customer, day, 1000.0)
        rates = self.env["relance.rate"]
        original = type(rates)._get_rate
        calls = []

        def counting(model, kind, day):
            calls.append((kind, day))
            return original(model, kind, day)

        invoices.invalidate_recordset(["relance_penalty_to_date"])
        with patch.object(type(rates), "_get_rate", counting):
            figures = invoices.mapped("relance_penalty_to_date")
        # The statutory default rate (ECB + 10) needs no legal rate: no floor applies.
        self.assertEqual(sorted(calls), [("ecb", date(2026, 1, 1))])
        # 1,000 x 12.15 % x (45, 35, 25) days / 365 + 40 each
        for figure, expected in zip(figures, [54.98, 51.65, 48.32], strict=True):
            self.assertAlmostEqual(figure, expected, places=2)

    @freeze_time("2026-03-17")
    def test_last_contacts_sales_and_quotations(self):
        invoice = self.make_invoice(self.customer, "2026-01-31", 500.0)
        done = self.env["relance.history"].create(
            {
                "partner_id": self.customer.id,
                "move_ids": [(6, 0, invoice.ids)],
                "channel": "email",
                "state": "done",
                "date": date(2026, 2, 10),
            }
        )
        planned = self.env["relance.history"].create(
            {
                "partner_id": self.customer.id,
                "move_ids": [(6, 0, invoice.ids)],
                "channel": "phone",
                "state": "planned",
                "date": date(2026, 3, 20),
            }
        )
        line = [Command.create({"product_id": self.product_a.id, "product_uom_qty": 1})]
        orders = self.env["sale.order"].create(
            [{"partner_id": self.customer.id, "order_line": line} for _i in range(3)]
        )
        sold, quotation, cancelled = orders
        sold.action_confirm()
        cancelled.action_cancel()
        stranger = self.env["sale.order"].create(
            {"partner_id": self.partner_a.id, "order_line": line}
        )
        self.customer.invalidate_recordset()
        self.assertIn(done, self.customer.relance_last_contact_ids)
        self.assertNotIn(planned, self.customer.relance_last_contact_ids, "not a contact yet")
        self.assertEqual(self.customer.relance_recent_sale_ids, sold)
        self.assertEqual(self.customer.relance_quotation_ids, quotation)
        self.assertNotIn(stranger, self.customer.relance_quotation_ids)

    @requires_addons("relance_avancee_disputes")
    def test_open_disputes_on_the_call_screen(self):
        invoice = self.make_invoice(self.customer, "2026-01-31", 500.0)
        dispute = self.env["relance.dispute"].create(
            {
                "partner_id": self.customer.id,
                "move_ids": [(6, 0, invoice.ids)],
                "reason_id": self.env.ref("relance_avancee_disputes.reason_price").id,
            }
        )
        self.customer.invalidate_recordset()
        self.assertEqual(self.customer.relance_open_dispute_ids, dispute)
        view = self.env.ref("relance_avancee.res_partner_view_form_call_screen")
        arch = self.env["res.partner"].get_view(view.id, "form")["arch"]
        self.assertIn('name="relance_open_dispute_ids"', arch)
