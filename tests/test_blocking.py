from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import Form

from .common import RelanceCase


class TestBlockedCustomer(RelanceCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.salesman = cls._create_relance_user("salesman", ["sales_team.group_sale_salesman"])
        cls.overrider = cls._create_relance_user(
            "overrider",
            ["sales_team.group_sale_salesman", "relance_avancee.group_relance_block_override"],
        )
        cls.manager = cls._create_relance_user("relmgr", ["relance_avancee.group_relance_manager"])
        cls.invoice = cls.make_invoice(cls.customer, "2026-01-31", 2500.0)
        cls.customer._relance_block("Formal notice sent")

    def _quotation(self, user):
        return (
            self.env["sale.order"]
            .with_user(user)
            .create(
                {
                    "partner_id": self.customer.id,
                    "order_line": [
                        Command.create({"product_id": self.product_a.id, "product_uom_qty": 1})
                    ],
                }
            )
        )

    def test_quotation_shows_the_banner_with_amount_and_collector(self):
        order = self._quotation(self.salesman)
        self.assertTrue(order.relance_blocked)
        self.assertIn("blocked for unpaid invoices", order.relance_block_message)
        self.assertIn("2,500.00", order.relance_block_message)
        self.assertIn("oldest due date 01/31/2026", order.relance_block_message)
        self.assertIn(self.collector.name, order.relance_block_message)

    def test_choosing_the_customer_warns(self):
        form = Form(self.env["sale.order"].with_user(self.salesman))
        form.partner_id = self.customer
        self.assertTrue(form.relance_blocked)

    def test_salesperson_cannot_confirm(self):
        order = self._quotation(self.salesman)
        with self.assertRaisesRegex(UserError, "cannot be confirmed"):
            order.action_confirm()
        self.assertEqual(order.state, "draft")

    def _new_order(self):
        return self.env["sale.order"].with_user(self.salesman).new({"partner_id": self.customer.id})

    def test_salesperson_cannot_pass_a_reason_in_the_context(self):
        order = self._quotation(self.salesman)
        with self.assertRaisesRegex(UserError, "cannot be confirmed"):
            order.with_context(relance_block_override_reason="Trust me").action_confirm()
        self.assertEqual(order.state, "draft")
        self.assertFalse(order.relance_override_reason)

    def test_choosing_a_customer_over_its_credit_limit_warns(self):
        self.customer._relance_unblock("test")
        self.env.company.account_use_credit_limit = True
        self.customer.write({"credit_limit": 100.0, "use_partner_credit_limit": True})
        order = self._new_order()
        result = order._onchange_partner_id_relance_warning()
        self.assertEqual(result["warning"]["title"], "Customer over its credit limit")
        self.assertIn("credit limit", result["warning"]["message"])
        self.customer.credit_limit = 100000.0  # under the limit: no warning
        order = self._new_order()
        self.assertFalse(order._onchange_partner_id_relance_warning())

    def test_choosing_a_blocked_customer_warns_with_the_banner(self):
        order = self._new_order()
        result = order._onchange_partner_id_relance_warning()
        self.assertEqual(result["warning"]["title"], "Customer blocked for unpaid invoices")
        self.assertIn("2,500.00", result["warning"]["message"])

    def test_unbooked_payment_unblocks_automatically(self):
        bank = self.company_data["default_journal_bank"].copy({"name": "Unbooked bank"})
        bank.inbound_payment_method_line_ids.payment_account_id = False
        payment = self.pay(self.invoice, 2500.0, "2026-02-20", journal=bank)
        self.assertFalse(payment.move_id, "registered, not booked")
        self.assertEqual(self.invoice.amount_residual, 2500.0, "the receivable stays open")
        self.assertFalse(self.customer.relance_blocked)

    def test_override_user_confirms_with_a_logged_reason(self):
        order = self._quotation(self.overrider)
        action = order.action_confirm()
        self.assertEqual(action["res_model"], "relance.block.override")
        self.assertEqual(order.state, "draft", "not before the reason is given")
        wizard = (
            self.env["relance.block.override"]
            .with_user(self.overrider)
            .with_context(action["context"])
            .create({"reason": "Prepayment received"})
        )
        wizard.action_confirm()
        self.assertEqual(order.state, "sale")
        self.assertEqual(order.relance_override_reason, "Prepayment received")
        self.assertTrue(
            any("Prepayment received" in m.body for m in order.message_ids),
            "logged on the order",
        )
        self.assertTrue(
            any("Prepayment received" in m.body for m in self.customer.message_ids),
            "logged on the customer",
        )

    def test_override_wizard_refused_to_others(self):
        order = self._quotation(self.salesman)
        wizard = (
            self.env["relance.block.override"]
            .with_user(self.salesman)
            .create({"order_ids": [Command.set(order.ids)], "reason": "I want to"})
        )
        with self.assertRaisesRegex(UserError, "not allowed"):
            wizard.action_confirm()

    def test_payment_unblocks_automatically(self):
        self.pay(self.invoice, 2500.0, "2026-02-20")
        self.assertFalse(self.customer.relance_blocked)
        self.assertFalse(self._quotation(self.salesman).relance_blocked)

    def test_partial_payment_keeps_the_block(self):
        self.pay(self.invoice, 1000.0, "2026-02-20")
        self.assertTrue(self.customer.relance_blocked)

    def test_no_auto_unblock_when_disabled(self):
        self.company.relance_auto_unblock = False
        self.pay(self.invoice, 2500.0, "2026-02-20")
        self.assertTrue(self.customer.relance_blocked)

    def test_manual_unblock_is_for_managers_with_a_reason(self):
        wizard = self.env["relance.block.partner"].create(
            {"partner_id": self.customer.id, "block": False, "reason": "Payment plan signed"}
        )
        with self.assertRaisesRegex(UserError, "manager"):
            wizard.with_user(self.collector).action_apply()
        wizard.with_user(self.manager).action_apply()
        self.assertFalse(self.customer.relance_blocked)
        self.assertIn("Payment plan signed", self.customer.message_ids[0].body)

    def test_new_invoice_of_a_blocked_customer_shows_the_banner(self):
        draft = self.init_invoice("out_invoice", self.customer, "2026-03-01", amounts=[10.0])
        self.assertTrue(draft.relance_partner_blocked)
        self.assertIn("blocked", draft.relance_partner_block_message)

    def test_over_credit_limit_also_blocks_confirmation(self):
        self.customer._relance_unblock("test")
        self.env.company.account_use_credit_limit = True
        self.customer.credit_limit = 100.0
        self.customer.use_partner_credit_limit = True
        order = self._quotation(self.salesman)
        self.assertTrue(order.partner_credit_warning)
        self.assertTrue(order.relance_blocked)
        with self.assertRaises(UserError):
            order.action_confirm()
