"""Trust I: nobody reads or moves what they must not.

Each attack is made as the attacker would: through Odoo's remote gate
(``get_public_method`` then ``call_kw``, what ``/web/dataset/call_kw`` and XML-RPC
do), as a user holding the rights they really have, with a positive control so that a
refusal for another reason cannot pass for protection.
"""

from datetime import timedelta

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.service.model import get_public_method

from .common import RelanceCase

COLLECTOR_GROUPS = ["relance_avancee.group_relance_user", "account.group_account_invoice"]
SALES_GROUPS = ["sales_team.group_sale_salesman", "base.group_partner_manager"]


class TrustCase(RelanceCase):
    """Users as they are in a real company, and a remote call helper."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.today = fields.Date.context_today(cls.env["res.partner"])
        cls.salesperson = cls._create_relance_user("salesperson", SALES_GROUPS)
        cls.manager = cls._create_relance_user(
            "relmanager", ["relance_avancee.group_relance_manager", "account.group_account_invoice"]
        )
        cls.portal_user = cls._create_portal_user("portal_buyer", "Portal Buyer")
        cls.other_customer = cls.env["res.partner"].create(
            {
                "name": "Martin SARL",
                "is_company": True,
                "email": "compta@martin.example.com",
                "relance_plan_id": cls.standard_plan.id,
            }
        )
        cls.levels = cls.standard_plan.level_ids.sorted("sequence")


class TestReceivablesAreNotPublic(TrustCase):
    """1. The aged balance and the KPIs read every customer's receivables in SQL."""

    test_module = "relance_avancee_reports"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.invoice = cls.make_invoice(cls.customer, cls.today - timedelta(days=40), 1234.56)

    def test_portal_customer_and_salesperson_cannot_read_the_aged_balance(self):
        for user in (self.portal_user, self.salesperson):
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                self.rpc(user, "relance.aged.balance", "compute", str(self.today))

    def test_collector_reads_the_aged_balance(self):
        """Positive control: the same remote call works for a collector."""
        collector = self._create_relance_user("reader", COLLECTOR_GROUPS)
        rows = self.rpc(collector, "relance.aged.balance", "compute", str(self.today))
        row = next(r for r in rows if r["partner_id"] == self.customer.id)
        self.assertAlmostEqual(row["total"], 1234.56, places=2)
        self.assertEqual([line["move_id"] for line in row["lines"]], self.invoice.ids)

    def test_report_helpers_and_kpis_are_private(self):
        calls = [
            ("relance.aged.balance", "bucket_labels"),
            ("relance.aged.balance", "summarize"),
            ("relance.kpi", "receivable"),
            ("relance.kpi", "dso"),
            ("relance.kpi", "effectiveness"),
            ("relance.kpi", "top_late_payers"),
            ("relance.kpi", "promises"),
        ]
        for model, method in calls:
            with self.subTest(method=method):
                try:
                    get_public_method(self.env[model].with_user(self.portal_user), method)
                except (AccessError, AttributeError):
                    continue
                self.fail(f"{model}.{method} is callable remotely")


class TestCollectorCannotSteerTheEngine(TrustCase):
    """2. What a collector chooses for an action is re-checked before the superuser
    engine charges, notifies or blocks anyone."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.collector_b = cls._create_relance_user("billing_collector", COLLECTOR_GROUPS)
        cls.own_invoice = cls.make_invoice(cls.customer, cls.today - timedelta(days=40), 500.0)
        cls.other_invoice = cls.make_invoice(
            cls.other_customer, cls.today - timedelta(days=90), 9000.0
        )

    def _values(self, **overrides):
        level = overrides.pop("level", self.levels[0])
        return {
            "partner_id": self.customer.id,
            "move_ids": [Command.set(self.own_invoice.ids)],
            "level_id": level.id,
            "channel": level.channel,
            "date": str(self.today),
            **overrides,
        }

    def _history_of(self, partner):
        return self.env["relance.history"].search([("partner_id", "=", partner.id)])

    def test_another_customers_invoices_are_refused(self):
        values = self._values(level=self.levels[3], move_ids=[Command.set(self.other_invoice.ids)])
        with self.assertRaises(ValidationError):
            self.rpc(self.collector_b, "relance.history", "create", values)
        self.assertFalse(self._history_of(self.customer))
        self.assertFalse(self.customer.relance_blocked)

    def test_a_level_outside_the_customers_plan_is_refused(self):
        foreign_level = self.written_plan.level_ids.sorted("sequence")[-1]
        with self.assertRaises(ValidationError):
            self.rpc(
                self.collector_b, "relance.history", "create", self._values(level=foreign_level)
            )
        with self.assertRaises(ValidationError):
            self.rpc(
                self.collector_b,
                "relance.history",
                "create",
                self._values(channel="formal_notice"),
            )
        self.assertFalse(self._history_of(self.customer))

    def test_a_future_date_is_refused(self):
        values = self._values(date=str(self.today + timedelta(days=400)))
        with self.assertRaises(AccessError):
            self.rpc(self.collector_b, "relance.history", "create", values)
        self.assertFalse(self._history_of(self.customer))

    def test_litigation_stays_a_managers_decision(self):
        with self.assertRaises(AccessError):
            self.rpc(
                self.collector_b, "relance.history", "create", self._values(level=self.levels[4])
            )
        self.assertFalse(self._history_of(self.customer))
        # Positive control: a manager plans the same action.
        entry_id = self.rpc(
            self.manager, "relance.history", "create", self._values(level=self.levels[4])
        )
        self.assertTrue(self.env["relance.history"].browse(entry_id).exists())

    def test_engine_planned_litigation_is_validated_by_a_manager_only(self):
        self.other_invoice.relance_level_id = self.levels[3]
        self.other_invoice.relance_last_date = self.today - timedelta(days=60)
        with self.mock_mail_gateway():
            run = self.run_on(self.today)
        entry = run.history_ids.filtered(lambda h: h.channel == "litigation")
        self.assertTrue(entry.to_validate)
        with self.assertRaises(AccessError):
            self.rpc(self.collector_b, "relance.history", "action_validate", entry.ids)
        self.assertEqual(entry.state, "planned")
        self.assertFalse(self.other_customer.relance_litigation)
        with self.mock_mail_gateway():
            self.rpc(self.manager, "relance.history", "action_validate", entry.ids)
        self.assertEqual(entry.state, "done")

    def test_date_of_an_engine_planned_action_is_not_writable(self):
        run = self.env["relance.run"]._get_or_create(self.company, self.today)
        run._plan()
        entry = run.history_ids.filtered(lambda h: h.partner_id == self.customer)
        self.assertTrue(entry)
        with self.assertRaises(AccessError):
            self.rpc(
                self.collector_b,
                "relance.history",
                "write",
                entry.ids,
                {"date": str(self.today + timedelta(days=365))},
            )
        self.assertEqual(entry.date, self.today)

    def test_collector_sends_a_reminder_of_the_customers_own_invoices(self):
        """Positive control: the legitimate action still works, through the gate."""
        with self.mock_mail_gateway():
            entry_id = self.rpc(self.collector_b, "relance.history", "create", self._values())
            self.rpc(self.collector_b, "relance.history", "action_validate", [entry_id])
        entry = self.env["relance.history"].browse(entry_id)
        self.assertEqual(entry.state, "done")
        self.assertEqual(entry.move_ids, self.own_invoice)
        self.assertEqual(self.own_invoice.relance_level_id, self.levels[0])
        self.assertEqual(self.own_invoice.relance_last_date, self.today)

    def test_executor_rechecks_what_a_collector_planned(self):
        """An action planned yesterday by hand is not carried out today as it was."""
        entry = self.env["relance.history"].with_user(self.collector_b).create(self._values())
        entry.sudo().write({"move_ids": [Command.set(self.other_invoice.ids)]})
        with self.assertRaises(ValidationError):
            self.rpc(self.collector_b, "relance.history", "action_validate", entry.ids)
        self.assertEqual(entry.state, "planned")
        self.assertFalse(self.other_invoice.relance_level_id)

    def test_manual_send_wizard_refuses_litigation(self):
        wizard_id = self.rpc(
            self.collector_b,
            "relance.send.manual",
            "create",
            {
                "partner_id": self.customer.id,
                "move_ids": [Command.set(self.own_invoice.ids)],
                "level_id": self.levels[4].id,
            },
        )
        with self.assertRaises(AccessError):
            self.rpc(self.collector_b, "relance.send.manual", "action_send", [wizard_id])
        self.assertFalse(self._history_of(self.customer))
        self.assertFalse(self.customer.relance_litigation)


class TestCollectorCannotMoveTheRun(TrustCase):
    """3. Runs dated another day, or whose state is forced, are the engine's."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.invoice = cls.make_invoice(cls.customer, cls.today - timedelta(days=40), 700.0)

    def test_collector_cannot_run_on_another_day(self):
        for day in (self.today + timedelta(days=90), self.today - timedelta(days=3)):
            with self.subTest(day=day), self.assertRaises(AccessError):
                self.rpc(
                    self.collector,
                    "relance.run",
                    "create",
                    {"company_id": self.company.id, "date": str(day)},
                )
        self.assertFalse(self.env["relance.run"].search([("company_id", "=", self.company.id)]))
        self.assertFalse(self.invoice.relance_level_id)

    def test_collector_cannot_redate_or_stop_todays_run(self):
        run = self.env["relance.run"]._get_or_create(self.company, self.today)
        with self.assertRaises(AccessError):
            self.rpc(self.collector, "relance.run", "write", run.ids, {"state": "done"})
        with self.assertRaises(AccessError):
            self.rpc(
                self.collector,
                "relance.run",
                "write",
                run.ids,
                {"date": str(self.today + timedelta(days=30))},
            )
        self.assertEqual((run.state, run.date), ("draft", self.today))

    def test_collector_runs_today(self):
        """Positive control: today's run, created when missing."""
        with self.mock_mail_gateway():
            self.rpc(self.collector, "relance.run", "action_run_today")
        run = self.env["relance.run"].search([("company_id", "=", self.company.id)])
        self.assertEqual((run.date, run.state), (self.today, "done"))
        self.assertEqual(self.invoice.relance_level_id, self.standard_plan.level_ids[:1])

    def test_manager_runs_another_day(self):
        run_id = self.rpc(
            self.manager,
            "relance.run",
            "create",
            {"company_id": self.company.id, "date": str(self.today - timedelta(days=3))},
        )
        self.assertTrue(self.env["relance.run"].browse(run_id).exists())
        with self.assertRaises(AccessError):
            self.rpc(self.manager, "relance.run", "write", [run_id], {"state": "done"})


class TestEvidenceCannotBeSwapped(TrustCase):
    """4. The document of a done action goes to the lawyer: it is never replaced."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.invoice = cls.make_invoice(cls.customer, cls.today - timedelta(days=40), 800.0)

    def _done_entry(self):
        self.standard_plan.level_ids.filtered(lambda lv: lv.channel == "email").attach_pdf = True
        with self.mock_mail_gateway():
            entry = self.run_on(self.today).history_ids
        self.assertEqual(entry.state, "done")
        self.assertTrue(entry.attachment_id)
        return entry

    def test_collector_cannot_delete_or_rewrite_the_document(self):
        entry = self._done_entry()
        document = entry.attachment_id
        original = document.raw
        with self.assertRaises(UserError):
            self.rpc(self.collector, "ir.attachment", "unlink", document.ids)
        with self.assertRaises(UserError):
            self.rpc(self.collector, "ir.attachment", "write", document.ids, {"raw": b"forged"})
        self.assertEqual(entry.attachment_id, document)
        self.assertEqual(document.raw, original)

    def test_nobody_links_another_document_or_message(self):
        entry = self._done_entry()
        self.rpc(self.manager, "ir.attachment", "unlink", entry.attachment_id.ids)
        self.assertFalse(entry.attachment_id)  # a manager may delete it (positive control)
        forged = self.env["ir.attachment"].create(
            {"name": "notice.pdf", "raw": b"forged", "res_model": "res.partner", "res_id": 1}
        )
        message = self.env["mail.message"].search([], limit=1, order="id")
        for user in (self.collector, self.manager):
            for values in ({"attachment_id": forged.id}, {"message_id": message.id}):
                with self.subTest(user=user.login, values=values), self.assertRaises(UserError):
                    self.rpc(user, "relance.history", "write", entry.ids, values)
        self.assertFalse(entry.attachment_id)
        self.assertNotEqual(entry.message_id, message)
