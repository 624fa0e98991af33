from datetime import date

from freezegun import freeze_time
from lxml import etree

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tools import email_split
from odoo.tools.safe_eval import safe_eval

from .common import RelanceCase
from .test_mail_feedback import BOUNCE


class TestReminderRecipients(RelanceCase):
    """Who a reminder goes to (res.partner._relance_reminder_recipients), through the
    real daily run and its batched mailer: the invoice's own contact, else the
    accounts payable contacts, else the invoicing address, else the customer; copies
    visible as copies."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.email = "relances@company.example.com"
        Partner = cls.env["res.partner"]
        cls.payable = Partner.create(
            {
                "name": "Alice Payable",
                "parent_id": cls.customer.id,
                "email": "ap@dupont.example.com",
                "function": "Accounts payable",
                "phone": "+33 4 00 00 00 01",
                "relance_contact_role": "payable",
            }
        )
        cls.buyer = Partner.create(
            {
                "name": "Bob Buyer",
                "parent_id": cls.customer.id,
                "email": "bob@dupont.example.com",
                "function": "Buyer",
                "mobile": "+33 6 00 00 00 02",
            }
        )
        cls.in_copy = Partner.create(
            {
                "name": "Carla Copy",
                "parent_id": cls.customer.id,
                "email": "carla@dupont.example.com",
                "relance_contact_role": "copy",
            }
        )

    def _remind(self, day=date(2026, 2, 1)):
        """Run the engine on ``day``: the customer's action and its queued email."""
        with self.mock_mail_gateway():
            run = self.run_on(day)
        entry = run.history_ids.filtered(lambda e: e.partner_id == self.customer)
        self.assertEqual(len(entry), 1)
        mail = self._new_mails.filtered(lambda m: m.mail_message_id == entry.message_id)
        self.assertEqual(len(mail), 1, "one email per reminder")
        return entry, mail

    def _outgoing(self, mail):
        """What Odoo's mail queue will send: [(To, Cc)] of each SMTP email."""
        return [
            (sorted(email_split(",".join(e["email_to"]))), sorted(e["email_cc"]))
            for e in mail._prepare_outgoing_list()
        ]

    def test_payable_contact_receives_and_copy_contact_is_in_copy(self):
        self.make_invoice(self.customer, "2026-01-31", 1000.0)
        entry, mail = self._remind()
        self.assertEqual(entry.channel, "email")
        self.assertEqual(entry.recipient_id, self.payable)
        self.assertEqual(entry.recipient_ids, self.payable)
        self.assertEqual(entry.recipient_cc_ids, self.in_copy)
        # One email, To the accounts payable contact, Cc the copy: both see each other.
        self.assertEqual(
            self._outgoing(mail), [(["ap@dupont.example.com"], ["carla@dupont.example.com"])]
        )
        self.assertIn("Alice Payable", mail.email_to)
        self.assertFalse(mail.recipient_ids, "not one private email per partner")
        self.assertNotIn(self.buyer.email, f"{mail.email_to} {mail.email_cc}")
        self.assertNotIn(self.customer.email, f"{mail.email_to} {mail.email_cc}")
        # The chatter names both, each with its delivery status.
        self.assertEqual(entry.message_id.partner_ids, self.payable | self.in_copy)
        self.assertEqual(
            entry.message_id.notification_ids.res_partner_id, self.payable | self.in_copy
        )
        self.assertEqual(set(entry.message_id.notification_ids.mapped("mail_mail_id")), {mail})

    def test_invoice_addressed_to_a_contact_goes_to_that_contact(self):
        """The invoice went to Bob: its reminder goes to Bob, accounts payable in copy
        (they pay it) with the copy contact."""
        invoice = self.make_invoice(self.buyer, "2026-01-31", 500.0)
        self.assertEqual(invoice.commercial_partner_id, self.customer)
        entry, mail = self._remind()
        self.assertEqual(entry.move_ids, invoice)
        self.assertEqual(entry.recipient_ids, self.buyer)
        self.assertEqual(entry.recipient_cc_ids, self.payable | self.in_copy)
        self.assertEqual(
            self._outgoing(mail),
            [
                (
                    ["bob@dupont.example.com"],
                    ["ap@dupont.example.com", "carla@dupont.example.com"],
                )
            ],
        )

    def test_invoices_addressed_to_different_contacts_reach_all_of_them(self):
        dan = self.env["res.partner"].create(
            {"name": "Dan Site", "parent_id": self.customer.id, "email": "dan@dupont.example.com"}
        )
        self.make_invoice(self.buyer, "2026-01-31", 500.0)
        self.make_invoice(dan, "2026-01-30", 300.0)
        self.in_copy.relance_contact_role = False
        self.payable.relance_contact_role = False
        entry, mail = self._remind()
        self.assertEqual(len(entry.move_ids), 2)
        self.assertEqual(entry.recipient_ids, self.buyer | dan)
        self.assertFalse(entry.recipient_cc_ids)
        self.assertEqual(
            self._outgoing(mail), [(["bob@dupont.example.com", "dan@dupont.example.com"], [])]
        )

    def test_several_payable_contacts_all_receive_it(self):
        second = self.env["res.partner"].create(
            {
                "name": "Eve Payable",
                "parent_id": self.customer.id,
                "email": "eve@dupont.example.com",
                "relance_contact_role": "payable",
            }
        )
        self.make_invoice(self.customer, "2026-01-31", 1000.0)
        entry, mail = self._remind()
        self.assertEqual(entry.recipient_ids, self.payable | second)
        self.assertEqual(
            self._outgoing(mail),
            [
                (
                    ["ap@dupont.example.com", "eve@dupont.example.com"],
                    ["carla@dupont.example.com"],
                )
            ],
        )

    def test_without_roles_the_invoicing_address_then_the_customer(self):
        (self.payable | self.in_copy).write({"relance_contact_role": False})
        self.make_invoice(self.customer, "2026-01-31", 1000.0)
        to, cc = self.customer._relance_reminder_recipients()
        self.assertEqual((to, cc), (self.customer, self.env["res.partner"]))
        invoicing = self.env["res.partner"].create(
            {
                "name": "Dupont Billing",
                "parent_id": self.customer.id,
                "type": "invoice",
                "email": "billing@dupont.example.com",
            }
        )
        # Odoo's own path when one partner receives it: its email, no copy.
        entry, mail = self._remind()
        self.assertEqual(entry.recipient_ids, invoicing)
        self.assertEqual(mail.recipient_ids, invoicing)
        self.assertFalse(mail.email_cc)
        self.assertEqual(self._outgoing(mail), [(["billing@dupont.example.com"], [])])

    def test_a_contact_whose_email_bounced_is_skipped(self):
        """A bounce on the accounts payable address flags that contact only: the next
        reminder goes to the invoicing address (the customer), the copy still in copy."""
        self.make_invoice(self.customer, "2026-01-31", 1000.0)
        first, _mail = self._remind()
        self.assertEqual(first.recipient_ids, self.payable)
        raw = BOUNCE.format(
            n=1,
            sender=first.message_id.email_from,
            recipient=self.payable.email,
            original=first.message_id.message_id,
            subject=first.message_id.subject,
        )
        with freeze_time("2026-02-02"):
            self.env["mail.thread"].message_process(False, raw)
        self.assertTrue(first.email_bounced)
        self.assertTrue(self.payable.relance_email_to_check)
        self.assertFalse(self.customer.relance_email_to_check, "its own address is fine")
        # The worklist's "Email To Check" filter finds the customer of a flagged contact.
        view = self.env.ref("relance_avancee.res_partner_view_search_relance")
        arch = etree.fromstring(view.get_combined_arch())
        domain = arch.xpath("//filter[@name='relance_email_to_check']")[0].get("domain")
        self.assertIn(self.customer, self.env["res.partner"].search(safe_eval(domain)))
        second, mail = self._remind(date(2026, 2, 8))
        self.assertEqual(second.channel, "email")
        self.assertEqual(second.recipient_ids, self.customer)
        self.assertEqual(second.recipient_cc_ids, self.in_copy)
        self.assertEqual(
            self._outgoing(mail),
            [(["compta@dupont.example.com"], ["carla@dupont.example.com"])],
        )
        # A flagged copy is skipped too; fixing an address lifts its flag.
        self.in_copy.relance_email_to_check = True
        self.assertFalse(self.customer._relance_reminder_recipients()[1])
        self.payable.email = "payables@dupont.example.com"
        self.assertFalse(self.payable.relance_email_to_check)
        self.assertEqual(self.customer._relance_reminder_recipients()[0], self.payable)

    def test_customer_address_to_check_means_no_email_at_all(self):
        self.customer.relance_email_to_check = True
        self.assertEqual(
            self.customer._relance_reminder_recipients(),
            (self.env["res.partner"], self.env["res.partner"]),
        )
        self.assertFalse(self.customer._relance_invoice_recipient())

    def test_letter_carries_the_payable_contacts_address(self):
        self.customer.relance_channel_preference = "letter"
        self.payable.write(
            {"type": "other", "street": "5 rue de Paris", "city": "Villeurbanne", "zip": "69100"}
        )
        self.make_invoice(self.customer, "2026-01-31", 1000.0)
        with self.mock_mail_gateway():
            run = self.run_on(date(2026, 2, 1))
        entry = run.history_ids
        self.assertEqual(entry.channel, "letter")
        self.assertEqual(entry.letter_address_id, self.payable)
        letter = entry.attachment_id.raw.decode()
        self.assertIn("Alice Payable", letter)
        self.assertIn("5 rue de Paris", letter)
        # Control: without an accounts payable contact, the customer's own address.
        self.payable.relance_contact_role = False
        entry.invalidate_recordset(["letter_address_id"])
        self.assertEqual(entry.letter_address_id, self.customer)
        html = (
            self.env["ir.actions.report"]
            ._render_qweb_html("relance_avancee.action_report_relance_reminder", entry.ids)[0]
            .decode()
        )
        self.assertIn("1 rue de Lyon", html)
        self.assertNotIn("5 rue de Paris", html)


class TestCallScreenContactsAndLeads(RelanceCase):
    """The call screen lists the customer's contacts; the collector marks the right
    one and passes commercial leads to the salesperson."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Partner = cls.env["res.partner"]
        cls.salesman = cls._create_relance_user("salesman", ["sales_team.group_sale_salesman"])
        cls.portal = cls._create_portal_user("portal_dupont", "Dupont Portal")
        cls.customer.user_id = cls.salesman
        cls.accountant = Partner.create(
            {
                "name": "Alice Compta",
                "parent_id": cls.customer.id,
                "function": "Chief accountant",
                "phone": "+33 4 00 00 00 01",
                "mobile": "+33 6 00 00 00 01",
                "email": "alice@dupont.example.com",
            }
        )
        cls.other = Partner.create({"name": "Martin SARL", "is_company": True})
        cls.stranger = Partner.create(
            {"name": "Zoe Martin", "parent_id": cls.other.id, "email": "zoe@martin.example.com"}
        )

    def _call_screen_arch(self, user):
        view = self.env.ref("relance_avancee.res_partner_view_form_call_screen")
        views = self.env["res.partner"].with_user(user).get_views([(view.id, "form")])
        return etree.fromstring(views["views"]["form"]["arch"])

    def test_call_screen_lists_every_contact_with_phone_and_role(self):
        arch = self._call_screen_arch(self.collector)
        columns = arch.xpath("//field[@name='child_ids']/list/field/@name")
        for name in ("name", "function", "phone", "mobile", "email", "relance_contact_role"):
            self.assertIn(name, columns)
        button = arch.xpath("//field[@name='child_ids']/list/button")[0]
        self.assertEqual(button.get("name"), "action_relance_mark_right_contact")
        self.assertIn("relance_customer_id", button.get("context"))
        data = self.customer.with_user(self.collector).web_read(
            {
                "child_ids": {
                    "fields": {"name": {}, "function": {}, "phone": {}, "mobile": {}, "email": {}}
                }
            }
        )[0]
        self.assertEqual(
            data["child_ids"],
            [
                {
                    "id": self.accountant.id,
                    "name": "Alice Compta",
                    "function": "Chief accountant",
                    "phone": "+33 4 00 00 00 01",
                    "mobile": "+33 6 00 00 00 01",
                    "email": "alice@dupont.example.com",
                }
            ],
        )

    def _mark(self, user, contact, customer=None):
        customer = customer or self.customer
        return self.rpc(
            user,
            "res.partner",
            "action_relance_mark_right_contact",
            contact.ids,
            context={"relance_customer_id": customer.id},
        )

    def test_collector_marks_the_right_contact(self):
        self.assertTrue(self._mark(self.collector, self.accountant))
        self.assertEqual(self.accountant.relance_contact_role, "payable")
        self.assertIn(
            "Alice Compta marked as the accounts payable contact",
            str(self.customer.message_ids[0].body),
        )
        # The next reminder goes to that contact.
        self.assertEqual(self.customer._relance_invoice_recipient(), self.accountant)

    def test_marking_a_contact_is_refused_to_others_and_elsewhere(self):
        for user in (self.salesman, self.portal):
            with self.assertRaises(AccessError):
                self._mark(user, self.accountant)
        # Nor may a billing user, who edits contacts, set the role by writing it.
        billing = self._create_relance_user(
            "billing", ["account.group_account_invoice", "base.group_partner_manager"]
        )
        self.rpc(billing, "res.partner", "write", self.accountant.ids, {"function": "CFO"})
        with self.assertRaises(AccessError):
            self.rpc(
                billing,
                "res.partner",
                "write",
                self.accountant.ids,
                {"relance_contact_role": "payable"},
            )
        # Another customer's contact, or the customer itself, from this call.
        with self.assertRaises(AccessError):
            self._mark(self.collector, self.stranger)
        with self.assertRaises(AccessError):
            self._mark(self.collector, self.customer)
        # A contact said to belong to a customer it does not belong to.
        with self.assertRaises(AccessError):
            self._mark(self.collector, self.accountant, customer=self.other)
        self.assertFalse(self.accountant.relance_contact_role)
        self.assertFalse(self.stranger.relance_contact_role)
        # Positive control: the collector, on the customer's own contact.
        self._mark(self.collector, self.accountant)
        self.assertEqual(self.accountant.relance_contact_role, "payable")

    def _note_lead(self, user, lead_type="renewal", note="Fleet renewal planned in March."):
        wizard_id = self.rpc(
            user,
            "relance.commercial.lead",
            "create",
            {"partner_id": self.customer.id, "lead_type": lead_type, "note": note},
        )
        return self.rpc(user, "relance.commercial.lead", "action_confirm", [wizard_id])

    def _leads(self):
        lead_type = self.env.ref("relance_avancee.mail_activity_type_relance_commercial_lead")
        return self.customer.activity_ids.filtered(lambda a: a.activity_type_id == lead_type)

    def test_lead_reaches_the_salesperson_as_an_activity(self):
        action = self.rpc(
            self.collector, "res.partner", "action_relance_commercial_lead", self.customer.ids
        )
        self.assertEqual(action["res_model"], "relance.commercial.lead")
        self._note_lead(self.collector)
        lead = self._leads()
        self.assertEqual(len(lead), 1)
        self.assertEqual(lead.user_id, self.salesman)
        self.assertEqual(lead.res_model, "res.partner")
        self.assertIn("Renewal", lead.summary)
        self.assertIn("Fleet renewal planned in March.", str(lead.note))
        trace = self.customer.message_ids[0]
        self.assertIn("Commercial lead (Renewal)", str(trace.body))
        self.assertIn("Fleet renewal planned in March.", str(trace.body))
        self.assertIn("Salesman", str(trace.body))
        # The salesperson sees it in their activities.
        mine = (
            self.env["mail.activity"]
            .with_user(self.salesman)
            .search([("user_id", "=", self.salesman.id)])
        )
        self.assertIn(lead, mine)

    def test_lead_without_salesperson_goes_to_the_team_leader_then_the_collector(self):
        """No salesperson on the customer: the salesperson of its latest order, else
        that order's sales team leader, else the collector who noted it."""
        self.customer.user_id = False
        self._note_lead(self.collector, "need")
        self.assertEqual(self._leads().user_id, self.collector, "who noted it passes it on")
        self._leads().unlink()
        leader = self._create_relance_user("leader", ["sales_team.group_sale_salesman_all_leads"])
        team = self.env["crm.team"].create({"name": "Rhône", "user_id": leader.id})
        line = [Command.create({"product_id": self.product_a.id, "product_uom_qty": 1})]
        order = self.env["sale.order"].create(
            {"partner_id": self.accountant.id, "team_id": team.id, "order_line": line}
        )
        order.user_id = False
        self._note_lead(self.collector, "complaint", "Pump leaks after two weeks.")
        self.assertEqual(self._leads().user_id, leader)
        self.assertIn("Product Complaint", self._leads().summary)
        self._leads().unlink()
        order.user_id = self.salesman
        self._note_lead(self.collector, "other")
        self.assertEqual(self._leads().user_id, self.salesman)

    def test_lead_is_refused_to_salespeople_and_portal(self):
        for user in (self.salesman, self.portal):
            with self.assertRaises(AccessError):
                self._note_lead(user)
            with self.assertRaises(AccessError):
                self.rpc(user, "res.partner", "action_relance_commercial_lead", self.customer.ids)
        self.assertFalse(self._leads())
        # Positive control.
        self._note_lead(self.collector)
        self.assertTrue(self._leads())

    def test_quotations_show_their_salesperson(self):
        arch = self._call_screen_arch(self.collector)
        for name in ("relance_quotation_ids", "relance_recent_sale_ids"):
            self.assertIn("user_id", arch.xpath(f"//field[@name='{name}']/list/field/@name"))
        line = [Command.create({"product_id": self.product_a.id, "product_uom_qty": 1})]
        quotation = self.env["sale.order"].create(
            {"partner_id": self.customer.id, "user_id": self.salesman.id, "order_line": line}
        )
        data = self.customer.with_user(self.collector).web_read(
            {
                "relance_quotation_ids": {
                    "fields": {"name": {}, "user_id": {"fields": {"display_name": {}}}}
                }
            }
        )[0]
        self.assertEqual(
            data["relance_quotation_ids"],
            [
                {
                    "id": quotation.id,
                    "name": quotation.name,
                    "user_id": {"id": self.salesman.id, "display_name": "Salesman"},
                }
            ],
        )
