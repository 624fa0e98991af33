"""Trust III: an attacker's review of payer scores, typology rules, why customers pay
late, contacts and leads, e-invoicing statuses and the KPI chart.

As in ``test_trust``: each attack goes through Odoo's remote gate, as a user holding
the rights they really have, next to a positive control so that a refusal for
another reason cannot pass for protection.
"""

import base64
from datetime import timedelta

from odoo import Command, api
from odoo.exceptions import AccessError, UserError
from odoo.service.model import get_public_method

from odoo.addons.relance_avancee.einvoice_cdar import CdarError, parse_cdar

from .test_einvoice_import import EinvoiceMixin
from .test_trust import COLLECTOR_GROUPS, TrustCase


class TestContactsDunningFieldsStayTheCollectors(TrustCase):
    """A contact's dunning role and its bounce flag are its own (not shared with the
    customer): a salesperson who edits contacts may not clear them, as they may not
    set them."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Partner = cls.env["res.partner"]
        cls.payable = Partner.create(
            {
                "name": "Alice Payable",
                "parent_id": cls.customer.id,
                "email": "ap@dupont.example.com",
                "relance_contact_role": "payable",
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
        cls.bounced = Partner.create(
            {
                "name": "Bruno Bounced",
                "parent_id": cls.customer.id,
                "email": "bruno@dupont.example.com",
                "relance_email_to_check": True,
            }
        )

    def test_salesperson_cannot_clear_a_contacts_dunning_role(self):
        for contact in (self.payable, self.in_copy):
            with self.subTest(contact=contact.name), self.assertRaises(AccessError):
                self.rpc(
                    self.salesperson,
                    "res.partner",
                    "write",
                    contact.ids,
                    {"relance_contact_role": False},
                )
        self.assertEqual(self.payable.relance_contact_role, "payable")
        self.assertEqual(self.in_copy.relance_contact_role, "copy")
        # Reminders still go to the accounts payable contact.
        self.assertEqual(self.customer._relance_invoice_recipient(), self.payable)

    def test_salesperson_still_edits_the_contact_and_collector_clears_its_role(self):
        """Positive controls: the contact editor edits the rest, the collector the role."""
        self.rpc(self.salesperson, "res.partner", "write", self.payable.ids, {"phone": "+33 1"})
        self.assertEqual(self.payable.phone, "+33 1")
        self.rpc(
            self.collector,
            "res.partner",
            "write",
            self.payable.ids,
            {"relance_contact_role": False},
        )
        self.assertFalse(self.payable.relance_contact_role)

    def test_salesperson_cannot_clear_a_contacts_bounce_flag(self):
        with self.assertRaises(AccessError):
            self.rpc(
                self.salesperson,
                "res.partner",
                "write",
                self.bounced.ids,
                {"relance_email_to_check": False},
            )
        self.assertTrue(self.bounced.relance_email_to_check)
        # The collector may (positive control).
        self.rpc(
            self.collector,
            "res.partner",
            "write",
            self.bounced.ids,
            {"relance_email_to_check": False},
        )
        self.assertFalse(self.bounced.relance_email_to_check)

    def test_saving_the_same_email_again_keeps_the_bounce_flag(self):
        """Only a changed address lifts the flag (as superuser): saving a form with the
        same bounced address is no fix, whoever saves it."""
        self.customer.relance_email_to_check = True
        same = self.customer.email
        self.rpc(self.salesperson, "res.partner", "write", self.customer.ids, {"email": same})
        self.assertTrue(self.customer.relance_email_to_check)
        self.rpc(
            self.salesperson,
            "res.partner",
            "write",
            self.bounced.ids,
            {"email": "bruno@dupont.example.com"},
        )
        self.assertTrue(self.bounced.relance_email_to_check)
        self.assertTrue(self.customer.relance_email_to_check)
        # A new address is a fix (positive control): tried again.
        self.rpc(
            self.salesperson,
            "res.partner",
            "write",
            self.customer.ids,
            {"email": "comptabilite@dupont.example.com"},
        )
        self.assertFalse(self.customer.relance_email_to_check)


class TestEinvoiceAmountsAreNumbers(EinvoiceMixin, TrustCase):
    """A lifecycle message's amount is a finite number: 'NaN' or 'Infinity' is an
    unreadable message (refused whole), never a stored amount nor a server error."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.billing = cls._create_relance_user("billing16", ["account.group_account_invoice"])

    def _paid(self, amount, message_id):
        xml = self.message_for("211_payment_sent.xml", message_id=message_id)
        return xml.replace(b">1000.00<", b">" + amount.encode() + b"<", 1)

    def _import(self, xml):
        values = {"file": base64.b64encode(xml), "filename": "211.xml"}
        wizard = self.rpc(self.billing, "relance.einvoice.import", "create", values)
        return self.rpc(self.billing, "relance.einvoice.import", "action_import", [wizard])

    def test_non_finite_amounts_are_refused(self):
        for index, amount in enumerate(("NaN", "sNaN", "Infinity", "-Infinity", "1E+999")):
            with self.subTest(amount=amount):
                xml = self._paid(amount, f"CDV-NAN{index}")
                with self.assertRaises(CdarError) as caught:
                    parse_cdar(xml)
                self.assertEqual(caught.exception.key, "bad_amount")
                with self.assertRaisesRegex(UserError, "Invalid amount"):
                    self._import(xml)
        self.assertFalse(self.invoice.relance_einvoice_status_ids)

    def test_a_finite_amount_is_recorded(self):
        """Positive control: the same message with a number is recorded."""
        self._import(self._paid("1000.00", "CDV-OK"))
        status = self.invoice.relance_einvoice_status_ids
        self.assertEqual(status.status, "payment_sent")
        self.assertAlmostEqual(status.amount, 1200.0, places=2)


class TestKpisOfAnotherCompany(TrustCase):
    """The KPI dashboard reads receivables in SQL (no record rules): a manager of one
    company never reads another company's figures, nor its chart, by naming it."""

    test_module = "relance_avancee_reports"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.other_company = cls.setup_other_company()["company"]
        cls.make_invoice(cls.customer, cls.today - timedelta(days=40), 777.0)

    def test_manager_of_company_a_cannot_read_company_b_dashboard(self):
        """Refused (an AccessError is a UserError) by the aged balance's company check."""
        board = self.rpc(
            self.manager, "relance.kpi.dashboard", "create", {"company_id": self.other_company.id}
        )
        with self.assertRaises(UserError):
            self.rpc(self.manager, "relance.kpi.dashboard", "read", [board], ["receivable"])
        with self.assertRaises(UserError):
            self.rpc(self.manager, "relance.kpi.dashboard", "action_refresh", [board])

    def test_manager_reads_the_dashboard_of_their_company(self):
        """Positive control: the same calls on the manager's own company answer."""
        board = self.rpc(
            self.manager, "relance.kpi.dashboard", "create", {"company_id": self.company.id}
        )
        self.rpc(self.manager, "relance.kpi.dashboard", "action_refresh", [board])
        (values,) = self.rpc(
            self.manager, "relance.kpi.dashboard", "read", [board], ["receivable", "collect_chart"]
        )
        self.assertAlmostEqual(values["receivable"], 777.0, places=2)


class TestNewPublicMethodsRefuseTheWrongGroup(TrustCase):
    """The public methods added with payer scores, typology rules, contacts, leads,
    e-invoicing and the KPI chart refuse callers outside their group, before acting."""

    def test_salesperson_and_portal_are_refused(self):
        contact = self.env["res.partner"].create(
            {"name": "Dan Contact", "parent_id": self.customer.id, "email": "dan@d.example"}
        )
        calls = [
            ("res.partner", "action_relance_recompute_payer_scores", [self.customer.ids], {}),
            ("res.partner", "action_relance_commercial_lead", [self.customer.ids], {}),
            ("res.partner", "action_relance_mark_right_contact", [contact.ids], {}),
            ("relance.typology.rule", "action_open_review", [[]], {}),
            ("relance.einvoice.import", "default_get", [["file"]], {}),
        ]
        for user in (self.salesperson, self.portal_user):
            for model, method, args, kwargs in calls:
                with self.subTest(user=user.login, method=method), self.assertRaises(AccessError):
                    self.rpc(user, model, method, *args, **kwargs)
        self.assertFalse(contact.relance_contact_role)

    def test_collector_is_refused_the_managers_methods(self):
        for model, method, args in (
            ("res.partner", "action_relance_recompute_payer_scores", [self.customer.ids]),
            ("relance.typology.rule", "action_open_review", [[]]),
        ):
            with self.subTest(method=method), self.assertRaises(AccessError):
                self.rpc(self.collector, model, method, *args)
        # Positive control: a manager runs both.
        self.rpc(
            self.manager, "res.partner", "action_relance_recompute_payer_scores", self.customer.ids
        )
        self.rpc(self.manager, "relance.typology.rule", "action_open_review", [])

    def test_mark_right_contact_keeps_to_the_customer_called(self):
        """A collector marks a contact of the customer being called only: not one of
        another customer, whatever customer the context names."""
        stranger = self.env["res.partner"].create(
            {"name": "Eve Other", "parent_id": self.other_customer.id, "email": "eve@m.example"}
        )
        own = self.env["res.partner"].create(
            {"name": "Fred Own", "parent_id": self.customer.id, "email": "fred@d.example"}
        )
        collector = self._create_relance_user("collector16", COLLECTOR_GROUPS)
        calling = {"relance_customer_id": self.customer.id}
        with self.assertRaises(AccessError):
            self.rpc_in(
                collector, calling, "res.partner", "action_relance_mark_right_contact", stranger.ids
            )
        self.assertFalse(stranger.relance_contact_role)
        # Positive control: the customer's own contact.
        self.rpc_in(collector, calling, "res.partner", "action_relance_mark_right_contact", own.ids)
        self.assertEqual(own.relance_contact_role, "payable")

    def rpc_in(self, user, context, model, method, *args):
        """``rpc`` with a context of the caller's choosing (JSON-RPC sends any)."""
        context = {"lang": "en_US", **context}
        records = api.Environment(self.env.cr, user.id, context)[model]
        try:
            with self.env.cr.savepoint():
                get_public_method(records, method)
                result = api.call_kw(records, method, list(args), {"context": context})
                records.env.flush_all()
        finally:
            self.env.invalidate_all()
        return result


class TestPortalReadsItsOwnDunningFields(TrustCase):
    """A portal contact reads its company's partner record (Odoo's portal rule), but not
    how it is dunned: the typology rule that typed it may name its payer score ("D
    payers"), the exclusion and blocking reasons and the call script are the
    company's own notes."""

    def _portal_contact_user(self):
        contact = self.env["res.partner"].create(
            {"name": "Paula Portal", "parent_id": self.customer.id, "email": "paula@d.example"}
        )
        return (
            self.env["res.users"]
            .with_context(no_reset_password=True)
            .create(
                {
                    "name": "Paula",
                    "login": "paula16",
                    "partner_id": contact.id,
                    "groups_id": [Command.set([self.env.ref("base.group_portal").id])],
                }
            )
        )

    def test_portal_contact_does_not_read_the_typology_rule(self):
        user = self._portal_contact_user()
        typology = self.env["relance.typology"].search([], limit=1)
        rule = self.env["relance.typology.rule"].create(
            {"name": "D payers, large outstanding", "typology_id": typology.id}
        )
        self.customer.sudo().write(
            {"relance_typology_rule_id": rule.id, "relance_exclusion_reason": "Lawyer says so"}
        )
        # Positive control: the portal contact reads its company's name.
        (values,) = self.rpc(user, "res.partner", "read", self.customer.ids, ["name"])
        self.assertEqual(values["name"], self.customer.name)
        for name in ("relance_typology_rule_id", "relance_exclusion_reason", "relance_priority"):
            with self.subTest(field=name), self.assertRaises(AccessError):
                self.rpc(user, "res.partner", "read", self.customer.ids, [name])
        # Nor are they described to it.
        described = self.rpc(user, "res.partner", "fields_get", [], ["type"])
        self.assertIn("name", described)
        self.assertFalse([name for name in described if name.startswith("relance_")])

    def test_every_dunning_field_of_the_customer_is_for_internal_users(self):
        """A new field on res.partner from our addons must say who reads it."""
        partner = self.env["res.partner"]
        ours = [
            name
            for name, field in partner._fields.items()
            if (field._module or "").startswith("relance_avancee") and name.startswith("relance_")
        ]
        self.assertGreater(len(ours), 40)
        open_to_all = [name for name in ours if not partner._fields[name].groups]
        self.assertEqual(open_to_all, [])


class TestPayerScoreStaysWithCollectors(TrustCase):
    """The payer score is the collectors' (its fields' groups): the aged balance, which
    accounting users read too, shows it to collectors only."""

    test_module = "relance_avancee_reports"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.accountant = cls._create_relance_user("accountant16", ["account.group_account_invoice"])
        cls.make_invoice(cls.customer, cls.today - timedelta(days=40), 500.0)
        cls.env["res.partner"].sudo()._relance_compute_payer_scores(cls.company)

    def _score(self, user):
        rows = self.rpc(user, "relance.aged.balance", "compute", str(self.today))
        return next(r for r in rows if r["partner_id"] == self.customer.id)["payer_score"]

    def test_accountant_reads_the_aged_balance_without_the_payer_score(self):
        with self.assertRaises(AccessError):
            self.rpc(
                self.accountant, "res.partner", "read", self.customer.ids, ["relance_payer_score"]
            )
        self.assertFalse(self._score(self.accountant))

    def test_collector_reads_the_payer_score_in_the_aged_balance(self):
        """Positive control: the same call by a collector shows the grade."""
        self.assertEqual(self._score(self.collector), "C")
