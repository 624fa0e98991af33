"""Trust I, sales side: salespeople and contact editors cannot lift a block, stop a
customer's dunning, mail other customers' invoices or render foreign records.

Each attack is made as the attacker would: through Odoo's remote gate
(``get_public_method`` then ``call_kw``), as a user holding the rights they really
have, with a positive control so that a refusal for another reason cannot pass for
protection.
"""

from datetime import date, timedelta

from lxml import etree

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError, ValidationError

from .common import RelanceCase

COLLECTOR_GROUPS = ["relance_avancee.group_relance_user", "account.group_account_invoice"]
MANAGER_GROUPS = ["relance_avancee.group_relance_manager", "account.group_account_invoice"]
SALES_GROUPS = ["sales_team.group_sale_salesman", "base.group_partner_manager"]
OVERRIDE_GROUPS = [*SALES_GROUPS, "relance_avancee.group_relance_block_override"]


class TrustSalesCase(RelanceCase):
    """Users as they are in a real company, and a remote call helper."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.today = fields.Date.context_today(cls.env["res.partner"])
        cls.salesperson = cls._create_relance_user("salesperson", SALES_GROUPS)
        cls.manager = cls._create_relance_user("relmanager", MANAGER_GROUPS)
        cls.other_customer = cls.env["res.partner"].create(
            {
                "name": "Martin SARL",
                "is_company": True,
                "email": "compta@martin.example.com",
                "relance_plan_id": cls.standard_plan.id,
            }
        )
        cls.levels = cls.standard_plan.level_ids.sorted("sequence")


class TestSalesBlockFollowsTheOrdersCompany(TrustSalesCase):
    """6. The customer is blocked by company A only; the salesperson works in A and B
    with B current, and confirms company A's order."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_b = cls.setup_other_company()["company"]
        cls.both = cls.company_b | cls.company  # B current, A active too
        cls.overrider = cls._create_relance_user("overrider", OVERRIDE_GROUPS)
        for user in (cls.salesperson, cls.overrider):
            user.company_ids = [Command.link(cls.company_b.id)]
        cls.make_invoice(cls.customer, cls.today - timedelta(days=45), 2500.0)
        cls.customer._relance_block("Formal notice sent")

    def _order(self, partner, company, user=None):
        return (
            self.env["sale.order"]
            .with_user(user or self.salesperson)
            .with_context(allowed_company_ids=company.ids)
            .create(
                {
                    "partner_id": partner.id,
                    "order_line": [
                        Command.create({"product_id": self.product_a.id, "product_uom_qty": 1})
                    ],
                }
            )
        )

    def test_block_of_the_orders_company_refuses_confirmation(self):
        self.assertFalse(self.customer.with_company(self.company_b).relance_blocked)
        order = self._order(self.customer, self.company)
        with self.assertRaisesRegex(UserError, "cannot be confirmed"):
            self.rpc(
                self.salesperson, "sale.order", "action_confirm", order.ids, companies=self.both
            )
        self.assertEqual(order.state, "draft")

    def test_direct_write_or_create_of_a_confirmed_order_is_refused(self):
        orders = self.env["sale.order"]
        for user in (self.salesperson, self.overrider):
            order = self._order(self.customer, self.company, user)
            orders |= order
            with self.subTest(user=user.login):
                with self.assertRaisesRegex(UserError, "cannot be confirmed"):
                    self.rpc(
                        user,
                        "sale.order",
                        "write",
                        order.ids,
                        {"state": "sale"},
                        companies=self.both,
                    )
                with self.assertRaisesRegex(UserError, "cannot be confirmed"):
                    self.rpc(
                        user,
                        "sale.order",
                        "create",
                        {
                            "partner_id": self.customer.id,
                            "company_id": self.company.id,
                            "state": "sale",
                        },
                        companies=self.both,
                    )
        self.assertEqual(set(orders.mapped("state")), {"draft"})
        self.assertFalse(self.env["sale.order"].search([("state", "=", "sale")]))

    def test_override_reason_is_written_by_the_logged_override_only(self):
        order = self._order(self.customer, self.company, self.overrider)
        with self.assertRaises(AccessError):
            self.rpc(
                self.overrider,
                "sale.order",
                "write",
                order.ids,
                {"relance_override_reason": "Trust me", "state": "sale"},
                companies=self.both,
            )
        self.assertEqual(order.state, "draft")
        self.assertFalse(order.relance_override_reason)

    def test_override_user_confirms_with_a_logged_reason(self):
        """Positive control: the logged override path still confirms."""
        order = self._order(self.customer, self.company, self.overrider)
        action = self.rpc(
            self.overrider, "sale.order", "action_confirm", order.ids, companies=self.both
        )
        self.assertEqual(action["res_model"], "relance.block.override")
        wizard_id = self.rpc(
            self.overrider,
            "relance.block.override",
            "create",
            {"order_ids": [Command.set(order.ids)], "reason": "Prepayment received"},
            companies=self.both,
        )
        self.rpc(
            self.overrider,
            "relance.block.override",
            "action_confirm",
            [wizard_id],
            companies=self.both,
        )
        self.assertEqual(order.state, "sale")
        self.assertEqual(order.relance_override_reason, "Prepayment received")
        self.assertTrue(any("Prepayment received" in m.body for m in order.message_ids))

    def test_customers_not_blocked_by_the_orders_company_are_confirmed(self):
        """Positive control: a free customer, and the blocked customer's order in B."""
        for partner, company, current in (
            (self.other_customer, self.company, self.both),
            (self.customer, self.company_b, self.company | self.company_b),
        ):
            with self.subTest(partner=partner.name, company=company.name):
                order = self._order(partner, company)
                self.rpc(
                    self.salesperson, "sale.order", "action_confirm", order.ids, companies=current
                )
                self.assertEqual(order.state, "sale")
        order = self._order(self.other_customer, self.company)
        self.rpc(
            self.salesperson,
            "sale.order",
            "write",
            order.ids,
            {"state": "sale"},
            companies=self.both,
        )
        self.assertEqual(order.state, "sale")


class TestDunningFieldsAreTheCollectors(TrustSalesCase):
    """7. Contact editors cannot stop or steer a customer's dunning."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.safe = cls.env.ref("relance_avancee.relance_typology_safe")

    def _dunning_values(self):
        today = self.today
        return [
            {"relance_promise_date": str(today + timedelta(days=90))},
            {"relance_promise_amount": 5000.0},
            {"relance_excluded": True, "relance_exclusion_reason": "Friend of mine"},
            {"relance_plan_id": self.written_plan.id},
            {"relance_typology_id": self.safe.id},
            {"relance_collector_id": self.salesperson.id},
            {"relance_channel_preference": "letter"},
            {"relance_next_date": str(today + timedelta(days=365))},
            {"relance_level_id": self.levels[0].id},
            {"relance_blocked": True},
            {"relance_litigation": True},
        ]

    def _state(self, partner):
        fields_read = {name for values in self._dunning_values() for name in values}
        partner.invalidate_recordset()
        return partner.read(sorted(fields_read))[0]

    def test_salesperson_cannot_write_dunning_fields(self):
        before = self._state(self.customer)
        for values in self._dunning_values():
            with self.subTest(values=values), self.assertRaises(AccessError):
                self.rpc(self.salesperson, "res.partner", "write", self.customer.ids, values)
        self.assertEqual(self._state(self.customer), before, "nothing written")

    def test_salesperson_cannot_create_a_customer_out_of_dunning(self):
        for values in self._dunning_values():
            with self.subTest(values=values), self.assertRaises(AccessError):
                self.rpc(self.salesperson, "res.partner", "create", {"name": "Shell Co", **values})
        self.assertFalse(self.env["res.partner"].search([("name", "=", "Shell Co")]))

    def test_salesperson_still_creates_and_edits_contacts(self):
        """Positive control: contact editing, creation with default values, contacts
        that share their company's dunning settings."""
        self.rpc(self.salesperson, "res.partner", "write", self.customer.ids, {"phone": "+33 1"})
        self.assertEqual(self.customer.phone, "+33 1")
        new_id = self.rpc(
            self.salesperson,
            "res.partner",
            "create",
            {
                "name": "New Co",
                "is_company": True,
                "relance_excluded": False,
                "relance_exclusion_reason": False,
                "relance_promise_amount": 0.0,
                "relance_plan_id": False,
                "relance_collector_id": False,
            },
        )
        self.assertTrue(self.env["res.partner"].browse(new_id).exists())
        contact_id = self.rpc(
            self.salesperson,
            "res.partner",
            "create",
            {"name": "Jean", "parent_id": self.customer.id, "type": "invoice"},
        )
        contact = self.env["res.partner"].browse(contact_id)
        self.assertEqual(contact.relance_plan_id, self.standard_plan)
        self.assertEqual(contact.relance_collector_id, self.collector)

    def test_collector_steers_dunning_but_not_the_engines_state(self):
        """The collector sets promises and settings; the run's state and the block are
        the manager's (positive control: the manager)."""
        promise = {
            "relance_promise_date": str(self.today + timedelta(days=10)),
            "relance_promise_amount": 800.0,
            "relance_typology_id": self.safe.id,
            "relance_plan_id": self.phone_plan.id,
            "relance_collector_id": self.collector.id,
            "relance_channel_preference": "letter",
        }
        self.rpc(self.collector, "res.partner", "write", self.customer.ids, promise)
        self.assertEqual(self.customer.relance_promise_amount, 800.0)
        self.assertEqual(self.customer.relance_plan_id, self.phone_plan)
        engine_state = {
            "relance_next_date": str(self.today + timedelta(days=365)),
            "relance_level_id": self.levels[2].id,
        }
        with self.assertRaisesRegex(AccessError, "manager"):
            self.rpc(self.collector, "res.partner", "write", self.customer.ids, engine_state)
        self.assertFalse(self.customer.relance_next_date)
        self.rpc(self.manager, "res.partner", "write", self.customer.ids, engine_state)
        self.assertEqual(self.customer.relance_level_id, self.levels[2])

    def test_exclusion_keeps_its_reason(self):
        for values in (
            {"relance_excluded": True},
            {"relance_excluded": True, "relance_exclusion_reason": "  "},
        ):
            with self.subTest(values=values), self.assertRaisesRegex(UserError, "reason"):
                self.rpc(self.collector, "res.partner", "write", self.customer.ids, values)
        self.assertFalse(self.customer.relance_excluded)
        # Positive control: with a reason, then resumed.
        self.rpc(
            self.collector,
            "res.partner",
            "write",
            self.customer.ids,
            {"relance_excluded": True, "relance_exclusion_reason": "Receivership"},
        )
        self.assertTrue(self.customer.relance_excluded)
        with self.assertRaisesRegex(UserError, "reason"):
            self.rpc(
                self.collector,
                "res.partner",
                "write",
                self.customer.ids,
                {"relance_exclusion_reason": False},
            )
        self.assertEqual(self.customer.relance_exclusion_reason, "Receivership")
        self.rpc(self.collector, "res.partner", "action_relance_include", self.customer.ids)
        self.assertFalse(self.customer.relance_excluded)

    def _editable_fields(self, user):
        arch = self.env["res.partner"].with_user(user).get_views([(False, "form")])["views"]
        root = etree.fromstring(arch["form"]["arch"])
        return {
            node.get("name")
            for node in root.xpath("//field[not(ancestor::field)]")  # not the invoices' list
            if node.get("name", "").startswith("relance_")
            and node.get("readonly") not in ("1", "True", "true")
        }

    def test_partner_form_shows_dunning_fields_readonly_to_others(self):
        protected = {name for values in self._dunning_values() for name in values} | {
            "relance_blocked_reason",
            "relance_blocked_date",
            "relance_priority",
            "relance_promise_broken_date",
        }
        self.assertFalse(self._editable_fields(self.salesperson) & protected)
        collector_editable = self._editable_fields(self.collector)
        self.assertIn("relance_plan_id", collector_editable)
        self.assertIn("relance_typology_id", collector_editable)
        # A promise names its invoices: it is recorded through the call outcome only.
        self.assertNotIn("relance_promise_date", collector_editable)
        self.assertFalse(
            collector_editable
            & {"relance_blocked", "relance_level_id", "relance_next_date", "relance_excluded"}
        )


class TestCallOutcomeStaysWithTheCustomer(TrustSalesCase):
    """12. A call outcome acts on its customer's invoices only."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_b = cls.setup_other_company()["company"]
        cls.collector_ab = cls._create_relance_user("collector_ab", COLLECTOR_GROUPS)
        cls.collector_ab.company_ids = [Command.link(cls.company_b.id)]
        due = cls.today - timedelta(days=20)
        cls.invoice = cls.make_invoice(cls.customer, due, 1200.0)
        cls.foreign = cls.make_invoice(cls.other_customer, due, 800.0)
        cls.elsewhere = cls.make_invoice(cls.customer, due, 300.0, company=cls.company_b)

    def _values(self, moves, **overrides):
        return {
            "partner_id": self.customer.id,
            "move_ids": [Command.set(moves.ids)],
            "outcome": "not_received",
            **overrides,
        }

    def _duplicates(self):
        return self._new_mails.filtered("attachment_ids")

    def test_not_received_cannot_mail_another_customers_invoices(self):
        with self.mock_mail_gateway():
            for moves in (self.foreign, self.invoice | self.foreign, self.elsewhere):
                with self.subTest(moves=moves.mapped("name")):
                    with self.assertRaisesRegex(ValidationError, "Only invoices of"):
                        wizard_id = self.rpc(
                            self.collector_ab,
                            "relance.call.outcome",
                            "create",
                            self._values(moves),
                            companies=self.company | self.company_b,
                        )
                        self.rpc(
                            self.collector_ab,
                            "relance.call.outcome",
                            "action_confirm",
                            [wizard_id],
                            companies=self.company | self.company_b,
                        )
        self.assertFalse(self._new_mails)
        self.assertFalse(self.env["relance.history"].search([("outcome", "=", "not_received")]))

    def test_invoices_or_customer_cannot_be_swapped_afterwards(self):
        wizard_id = self.rpc(
            self.collector, "relance.call.outcome", "create", self._values(self.invoice)
        )
        for values in (
            {"move_ids": [Command.set(self.foreign.ids)]},
            {"partner_id": self.other_customer.id},
        ):
            with self.subTest(values=values), self.assertRaises(ValidationError):
                self.rpc(self.collector, "relance.call.outcome", "write", [wizard_id], values)
        wizard = self.env["relance.call.outcome"].browse(wizard_id)
        self.assertEqual(wizard.move_ids, self.invoice)
        self.assertEqual(wizard.partner_id, self.customer)

    def test_a_call_planned_for_another_customer_is_refused(self):
        entry = self.env["relance.history"].create(
            {
                "partner_id": self.other_customer.id,
                "company_id": self.company.id,
                "move_ids": [Command.set(self.foreign.ids)],
                "channel": "phone",
                "date": self.today,
                "state": "planned",
                "amount_due": 800.0,
            }
        )
        with self.assertRaisesRegex(ValidationError, "another customer"):
            self.rpc(
                self.collector,
                "relance.call.outcome",
                "create",
                self._values(self.invoice, history_id=entry.id),
            )
        self.assertEqual(entry.state, "planned")

    def test_invoices_are_checked_again_before_acting(self):
        wizard_id = self.rpc(
            self.collector, "relance.call.outcome", "create", self._values(self.invoice)
        )
        wizard = self.env["relance.call.outcome"].browse(wizard_id)
        relation = wizard._fields["move_ids"]
        # Slipped in without the ORM (no constraint runs).
        self.env.cr.execute(
            f"INSERT INTO {relation.relation} ({relation.column1}, {relation.column2}) "
            "VALUES (%s, %s)",
            (wizard_id, self.foreign.id),
        )
        self.env.invalidate_all()
        with self.mock_mail_gateway():
            with self.assertRaisesRegex(ValidationError, "Only invoices of"):
                self.rpc(self.collector, "relance.call.outcome", "action_confirm", [wizard_id])
        self.assertFalse(self._new_mails)

    def test_collector_sends_the_customers_own_invoice(self):
        """Positive control: the duplicate of the customer's own invoice goes out."""
        with self.mock_mail_gateway():
            wizard_id = self.rpc(
                self.collector, "relance.call.outcome", "create", self._values(self.invoice)
            )
            self.rpc(self.collector, "relance.call.outcome", "action_confirm", [wizard_id])
        duplicate = self._duplicates()
        self.assertEqual(len(duplicate), 1)
        self.assertIn(self.customer, duplicate.recipient_ids)
        self.assertIn(self.invoice.name, duplicate.subject)


class TestLevelTemplateIsADunningTemplate(TrustSalesCase):
    """13. A level's template renders dunning actions only."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.courteous = cls.env.ref("relance_avancee.mail_template_relance_courteous")
        cls.firm = cls.env.ref("relance_avancee.mail_template_relance_firm")
        cls.contacts_template = cls.env["mail.template"].create(
            {
                "name": "Contact card",
                "model_id": cls.env["ir.model"]._get_id("res.partner"),
                "subject": "Card {{ object.email }}",
                "body_html": "<p>Card <t t-out='object.email'/></p>",
            }
        )

    def test_manager_cannot_set_another_models_template(self):
        level = self.levels[0]
        with self.assertRaisesRegex(ValidationError, "not a dunning template"):
            self.rpc(
                self.manager,
                "relance.level",
                "write",
                level.ids,
                {"mail_template_id": self.contacts_template.id},
            )
        with self.assertRaisesRegex(ValidationError, "not a dunning template"):
            self.rpc(
                self.manager,
                "relance.plan",
                "write",
                self.standard_plan.ids,
                {
                    "level_ids": [
                        Command.update(level.id, {"mail_template_id": self.contacts_template.id})
                    ]
                },
            )
        self.assertEqual(level.mail_template_id, self.courteous)
        # Positive control: another dunning template.
        self.rpc(
            self.manager, "relance.level", "write", level.ids, {"mail_template_id": self.firm.id}
        )
        self.assertEqual(level.mail_template_id, self.firm)

    def test_template_editor_cannot_move_a_dunning_template_to_another_model(self):
        self.assertTrue(self.salesperson.has_group("mail.group_mail_template_editor"))
        users_model = self.env["ir.model"]._get_id("res.users")
        with self.assertRaisesRegex(ValidationError, "not a dunning template"):
            self.rpc(
                self.salesperson,
                "mail.template",
                "write",
                self.courteous.ids,
                {"model_id": users_model},
            )
        self.assertEqual(self.courteous.model, "relance.history")
        # Positive control: a template no level uses moves freely.
        own_id = self.rpc(
            self.salesperson,
            "mail.template",
            "create",
            {"name": "Mine", "model_id": self.env["ir.model"]._get_id("res.partner")},
        )
        self.rpc(self.salesperson, "mail.template", "write", [own_id], {"model_id": users_model})
        self.assertEqual(self.env["mail.template"].browse(own_id).model, "res.users")

    def test_a_level_saved_with_another_models_template_is_not_rendered(self):
        poisoned = self.env["relance.plan"].create(
            {
                "name": "Poisoned",
                "level_ids": [
                    Command.create(
                        {
                            "name": "Mail",
                            "offset_days": 1,
                            "channel": "email",
                            "mail_template_id": self.courteous.id,
                        }
                    )
                ],
            }
        )
        # A level saved before the constraint existed.
        self.env.cr.execute(
            "UPDATE relance_level SET mail_template_id = %s WHERE id = %s",
            (self.contacts_template.id, poisoned.level_ids.id),
        )
        self.env.invalidate_all()
        self.other_customer.relance_plan_id = poisoned
        self.make_invoice(self.customer, "2026-01-31", 400.0)
        self.make_invoice(self.other_customer, "2026-01-31", 600.0)
        with self.mock_mail_gateway():
            entries = self.run_on(date(2026, 2, 1)).history_ids
        refused = entries.filtered(lambda e: e.partner_id == self.other_customer)
        self.assertEqual(refused.state, "failed")
        self.assertIn("not a dunning template", refused.error)
        self.assertFalse(self._new_mails.filtered(lambda m: "Card" in (m.subject or "")))
        self.assertFalse(self._new_mails.filtered(lambda m: self.other_customer in m.recipient_ids))
        # Positive control: the customer on a sound level is reminded in the same run.
        sent = entries.filtered(lambda e: e.partner_id == self.customer)
        self.assertEqual(sent.state, "done")
        self.assertTrue(self._new_mails.filtered(lambda m: self.customer in m.recipient_ids))
