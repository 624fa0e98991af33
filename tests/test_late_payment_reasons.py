"""Why customers pay late (issue 18, items 8 and 12): every call records the reason the
customer gave, counted by internal process and month with the disputes' root processes
and the copies whose receipt the customer did not confirm in time."""

import re
from datetime import date, timedelta

from freezegun import freeze_time

from odoo import fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import Form

from .common import RelanceCase, RelanceHttpCase

ANALYSIS = "relance.late.payment.analysis"
RECEIPT_LINK = re.compile(r'href="[^"]*(/relance/confirm/(\d+)\?access_token=([^"&]+))"')


class LateReasonCase(RelanceCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.manager = cls._create_relance_user(
            "late_manager",
            ["relance_avancee.group_relance_manager", "account.group_account_invoice"],
        )

    def _wizard(self, moves, outcome, **values):
        wizard = Form(
            self.env["relance.call.outcome"]
            .with_user(self.collector)
            .with_context(default_partner_id=self.customer.id)
        )
        wizard.move_ids.clear()
        for move in moves:
            wizard.move_ids.add(move)
        wizard.outcome = outcome
        for name, value in values.items():
            setattr(wizard, name, value)
        return wizard

    def _log_call(self, moves, outcome, **values):
        wizard = self._wizard(moves, outcome, **values).save()
        with self.mock_mail_gateway():
            wizard.action_confirm()
        return self.env["relance.history"].search(
            [("partner_id", "=", self.customer.id), ("channel", "=", "phone")], limit=1
        )

    def _analysis(self, user=None, **domain):
        rows = self.env[ANALYSIS].with_user(user or self.manager)
        return rows.search(
            [("partner_id", "=", self.customer.id), *[(k, "=", v) for k, v in domain.items()]]
        )

    def _by_process_and_month(self):
        groups = (
            self.env[ANALYSIS]
            .with_user(self.manager)
            ._read_group(
                [("partner_id", "=", self.customer.id)],
                ["process", "date:month"],
                ["__count", "amount:sum"],
            )
        )
        return {
            (process, month.strftime("%Y-%m")): (count, round(amount, 2))
            for process, month, count, amount in groups
        }


class TestLatePaymentReasons(LateReasonCase):
    """Base addon: the reason of each call, and the analysis of calls alone."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.inv_a = cls.make_invoice(cls.customer, "2026-01-05", 1234.56)
        cls.inv_b = cls.make_invoice(cls.customer, "2026-01-10", 789.10)
        cls.inv_c = cls.make_invoice(cls.customer, "2026-01-15", 2000.00)

    @freeze_time("2026-02-15")
    def test_each_outcome_suggests_its_reason(self):
        # outcome: (suggested reason, reason required, reason offered)
        expected = {
            "promise": (False, False, True),
            "dispute": ("dispute", True, True),
            "not_received": ("not_received", True, True),
            "wrong_contact": ("wrong_recipient", True, True),
            "no_answer": (False, False, False),
            "claims_paid": (False, False, True),
        }
        for outcome, (reason, required, offered) in expected.items():
            with self.subTest(outcome=outcome):
                wizard = self._wizard(self.inv_a, outcome)
                self.assertEqual(wizard.late_reason, reason)
                self.assertEqual(wizard._get_modifier("late_reason", "required"), required)
                self.assertEqual(wizard._get_modifier("late_reason", "invisible"), not offered)

    @freeze_time("2026-02-15")
    def test_the_collector_changes_the_suggested_reason(self):
        entry = self._log_call(self.inv_b, "not_received", late_reason="wrong_recipient")
        self.assertRecordValues(
            entry, [{"outcome": "not_received", "late_reason": "wrong_recipient"}]
        )
        self.assertEqual(self.inv_b.relance_late_reason, "wrong_recipient", "on the invoice too")
        self.assertEqual(self.inv_b.relance_late_reason_date, date(2026, 2, 15))
        self.assertFalse(self.inv_a.relance_late_reason, "not on invoices of other calls")

    @freeze_time("2026-02-15")
    def test_a_promise_records_the_reason_given(self):
        entry = self._log_call(
            self.inv_a, "promise", promise_date=date(2026, 2, 20), late_reason="cash"
        )
        self.assertRecordValues(entry, [{"outcome": "promise", "late_reason": "cash"}])
        self.assertEqual(self.inv_a.relance_late_reason, "cash")

    @freeze_time("2026-02-15")
    def test_required_reason_missing_is_refused_and_nothing_is_done(self):
        for outcome, note in (("not_received", False), ("wrong_contact", "Ask accounting")):
            with self.subTest(outcome=outcome):
                wizard = self._wizard(self.inv_c, outcome, **({"note": note} if note else {}))
                record = wizard.save()
                record.late_reason = False
                with (
                    self.mock_mail_gateway(),
                    self.assertRaisesRegex(UserError, "Choose why the customer pays late"),
                ):
                    record.action_confirm()
                self.assertFalse(self._new_mails, "no duplicate sent")
                self.assertFalse(
                    self.env["relance.history"].search([("partner_id", "=", self.customer.id)])
                )
                self.assertFalse(self.inv_c.relance_late_reason)

    @freeze_time("2026-02-15")
    def test_no_answer_records_no_reason(self):
        wizard = (
            self.env["relance.call.outcome"]
            .with_user(self.collector)
            .create(
                {
                    "partner_id": self.customer.id,
                    "move_ids": [(6, 0, self.inv_a.ids)],
                    "outcome": "no_answer",
                    "late_reason": "forgot",
                }
            )
        )
        wizard.action_confirm()
        entry = self.env["relance.history"].search(
            [("partner_id", "=", self.customer.id), ("outcome", "=", "no_answer")]
        )
        self.assertFalse(entry.late_reason, "nobody answered: no reason")
        self.assertFalse(self._analysis())

    def test_analysis_by_internal_process_and_month(self):
        """January: cash difficulties on A (1,234.56), B not received (789.10).
        February: missing PO on A+B (1,234.56 + 789.10 = 2,023.66), C forgotten
        (2,000.00), then C wrong recipient (2,000.00). An unanswered call counts nothing."""
        with freeze_time("2026-01-20"):
            self._log_call(
                self.inv_a, "promise", promise_date=date(2026, 1, 30), late_reason="cash"
            )
        with freeze_time("2026-01-25"):
            self._log_call(self.inv_b, "not_received")
        with freeze_time("2026-02-10"):
            self._log_call(
                self.inv_a | self.inv_b,
                "promise",
                promise_date=date(2026, 2, 20),
                late_reason="missing_po",
            )
        with freeze_time("2026-02-12"):
            self._log_call(
                self.inv_c, "promise", promise_date=date(2026, 2, 20), late_reason="forgot"
            )
        with freeze_time("2026-02-13"):
            self._log_call(self.inv_c, "wrong_contact", note="Ask for Mrs Martin")
            self._log_call(self.inv_c, "no_answer", reschedule_date=date(2026, 2, 16))
        self.assertEqual(
            self._by_process_and_month(),
            {
                ("credit_risk", "2026-01"): (1, 1234.56),
                ("invoicing", "2026-01"): (1, 789.10),
                ("sales", "2026-02"): (1, 2023.66),
                ("dunning", "2026-02"): (1, 2000.00),
                ("master_data", "2026-02"): (1, 2000.00),
            },
        )
        preventable = self._analysis(preventable=True)
        self.assertEqual(
            sorted(preventable.mapped("late_reason")),
            ["missing_po", "not_received", "wrong_recipient"],
        )
        self.assertEqual(set(self._analysis().mapped("source")), {"call"})
        self.assertEqual(set(self._analysis().company_id.ids), {self.company.id})


class TestLatePaymentAnalysisAccess(LateReasonCase):
    """Managers and collectors read the analysis of their companies; portal users never."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.invoice = cls.make_invoice(cls.customer, "2026-01-05", 450.25)
        cls.portal = cls._create_portal_user("late_portal", "Portal Customer")

    @freeze_time("2026-02-15")
    def test_portal_user_cannot_read_the_analysis(self):
        self._log_call(self.invoice, "promise", promise_date=date(2026, 2, 20), late_reason="cash")
        for user in (self.manager, self.collector):
            with self.subTest(user=user.login):
                rows = self.rpc(user, ANALYSIS, "search_read", [], ["process", "amount"])
                self.assertEqual(
                    [(r["process"], r["amount"]) for r in rows], [("credit_risk", 450.25)]
                )
        with self.assertRaises(AccessError):
            self.rpc(self.portal, ANALYSIS, "search_read", [], ["process", "amount"])
        with self.assertRaises(AccessError):
            self.rpc(self.portal, ANALYSIS, "read_group", [], ["amount:sum"], ["process"])

    @freeze_time("2026-02-15")
    def test_another_companys_collector_sees_none_of_it(self):
        self._log_call(self.invoice, "promise", promise_date=date(2026, 2, 20), late_reason="cash")
        other = self.setup_other_company()["company"]
        outsider = self._create_relance_user(
            "late_outsider",
            ["relance_avancee.group_relance_user", "account.group_account_invoice"],
            company=other,
        )
        self.assertEqual(self.rpc(outsider, ANALYSIS, "search_read", [], ["process"]), [])
        self.assertEqual(len(self.rpc(self.collector, ANALYSIS, "search_read", [], ["id"])), 1)


class TestLatePaymentsWithDisputes(LateReasonCase):
    """With the disputes addon: disputes join the analysis by their root process; a call
    that opened a dispute is counted by its dispute, once."""

    requires_addons = ("relance_avancee_disputes",)

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.invoice = cls.make_invoice(cls.customer, "2026-01-05", 1500.40)
        cls.other_invoice = cls.make_invoice(cls.customer, "2026-01-10", 320.35)
        cls.third_invoice = cls.make_invoice(cls.customer, "2026-01-12", 75.00)
        cls.reason_price = cls.env.ref("relance_avancee_disputes.reason_price")
        cls.reason_defective = cls.env.ref("relance_avancee_disputes.reason_defective")

    def test_disputes_are_counted_by_their_root_process(self):
        with freeze_time("2026-01-20"):
            self._log_call(
                self.invoice,
                "dispute",
                dispute_reason_id=self.reason_price,
                note="Discount not applied",
                send_confirmation=False,
            )
        with freeze_time("2026-02-03"):
            defective = self.env["relance.dispute"].create(
                {
                    "partner_id": self.customer.id,
                    "move_ids": [(6, 0, self.other_invoice.ids)],
                    "reason_id": self.reason_defective.id,
                }
            )
            rejected = self.env["relance.dispute"].create(
                {
                    "partner_id": self.customer.id,
                    "move_ids": [(6, 0, self.third_invoice.ids)],
                    "reason_id": self.reason_price.id,
                }
            )
            rejected.action_reject("The price was the one agreed")
            self._log_call(
                self.other_invoice,
                "promise",
                promise_date=date(2026, 2, 20),
                late_reason="approval",
            )
        self.assertEqual(defective.root_process, "production")
        self.assertEqual(
            self._by_process_and_month(),
            {
                # The call's dispute: price disagreement, a sales matter (not "other").
                ("sales", "2026-01"): (1, 1500.40),
                ("production", "2026-02"): (1, 320.35),
                ("customer", "2026-02"): (1, 320.35),
            },
        )
        self.assertEqual(sorted(self._analysis().mapped("source")), ["call", "dispute", "dispute"])

    def test_uninstalling_the_addon_leaves_the_base_analysis(self):
        """The uninstall hook builds the view again without the disputes: dropping
        their table (as Odoo does, with CASCADE) keeps the analysis of calls."""
        with freeze_time("2026-01-20"):
            self._log_call(
                self.invoice,
                "dispute",
                dispute_reason_id=self.reason_price,
                note="Discount not applied",
                send_confirmation=False,
            )
            self._log_call(
                self.other_invoice, "promise", promise_date=date(2026, 1, 30), late_reason="cash"
            )
        self.env.flush_all()
        self.env[ANALYSIS]._relance_drop_disputes()
        self.env.cr.execute("DROP TABLE relance_dispute CASCADE")
        self.env.cr.execute(
            "SELECT source, process, amount FROM relance_late_payment_analysis "
            "WHERE partner_id = %s ORDER BY amount",
            [self.customer.id],
        )
        self.assertEqual(
            self.env.cr.fetchall(),
            # The call that opened the dispute is a call again, its process unknown.
            [("call", "credit_risk", 320.35), ("call", "other", 1500.40)],
        )

    def test_dispute_reasons_use_the_one_list_of_processes(self):
        processes = self.env["relance.dispute.reason"]._fields["root_process"].selection
        self.assertEqual(processes, self.env[ANALYSIS]._fields["process"].selection)
        stored = set(self.env["relance.dispute.reason"].search([]).mapped("root_process"))
        self.assertLessEqual(stored, {key for key, _label in processes})


class TestUnconfirmedReceipt(LateReasonCase):
    """A copy sent after "invoice not received" asks for a receipt confirmation; without
    one after the company's delay, the invoice counts once and the collector acts."""

    requires_addons = ("relance_avancee_disputes",)

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.invoice = cls.make_invoice(cls.customer, "2026-01-31", 987.65)
        cls.company.relance_receipt_days = 5

    def _flag(self, day):
        return self.env["account.move"]._relance_flag_unconfirmed_receipts(
            self.company, fields.Date.to_date(day)
        )

    def test_unconfirmed_after_the_delay_is_counted_once_with_a_task(self):
        with freeze_time("2026-02-15"):
            self._log_call(self.invoice, "not_received")
        self.assertRecordValues(
            self.invoice,
            [
                {
                    "relance_receipt_state": "requested",
                    "relance_receipt_asked_date": date(2026, 2, 15),
                }
            ],
        )
        self.assertFalse(self._flag("2026-02-19"), "4 days: the customer still has time")
        self.assertEqual(self.invoice.relance_receipt_state, "requested")
        with freeze_time("2026-02-20"):
            self.env["account.move"]._cron_relance_unconfirmed_receipts()
        self.assertRecordValues(
            self.invoice,
            [
                {
                    "relance_receipt_state": "unconfirmed",
                    "relance_receipt_unconfirmed_date": date(2026, 2, 20),
                }
            ],
        )
        # Once: the next days change nothing.
        self.assertFalse(self._flag("2026-02-21"))
        with freeze_time("2026-02-22"):
            self.env["account.move"]._cron_relance_unconfirmed_receipts()
        tasks = self.customer.activity_ids.filtered(
            lambda a: a.summary == "Invoice not received: receipt not confirmed"
        )
        self.assertEqual(len(tasks), 1)
        self.assertEqual(tasks.user_id, self.collector)
        self.assertEqual(tasks.date_deadline, date(2026, 2, 20))
        self.assertIn(self.invoice.name, str(tasks.note))
        for record in (self.invoice, self.customer):
            notes = record.message_ids.filtered(lambda m: "not confirmed by the customer" in m.body)
            self.assertEqual(len(notes), 1, f"traced once on {record._name}")
        unconfirmed = self._analysis(source="unconfirmed")
        self.assertRecordValues(
            unconfirmed,
            [
                {
                    "date": date(2026, 2, 20),
                    "late_reason": "not_received",
                    "process": "invoicing",
                    "preventable": True,
                    "amount": 987.65,
                    "occurrences": 1,
                }
            ],
        )
        self.assertEqual(
            self._by_process_and_month(),
            # The call (not received) and the copy left unconfirmed.
            {("invoicing", "2026-02"): (2, 1975.30)},
        )

    def test_a_copy_without_the_link_asks_nothing(self):
        """A company's own text without the link (or one kept from before it): the
        customer was not asked, so nothing is waited for nor counted."""
        template = self.env.ref("relance_avancee.mail_template_relance_duplicates")
        template.body_html = "<div><p>Here is the copy you asked for.</p></div>"
        with freeze_time("2026-02-15"):
            self._log_call(self.invoice, "not_received")
        self.assertFalse(self.invoice.relance_receipt_state)
        self.assertFalse(self._flag("2026-03-15"))
        self.assertFalse(self._analysis(source="unconfirmed"))

    def test_a_paid_invoice_was_received(self):
        with freeze_time("2026-02-15"):
            self._log_call(self.invoice, "not_received")
        self.pay(self.invoice, 987.65, "2026-02-17")
        self.assertFalse(self._flag("2026-02-20"))
        self.assertEqual(self.invoice.relance_receipt_state, "confirmed")
        self.assertFalse(self._analysis(source="unconfirmed"))
        self.assertFalse(
            self.customer.activity_ids.filtered(lambda a: "receipt" in (a.summary or ""))
        )


class TestReceiptConfirmationPortal(RelanceHttpCase):
    """The copy's link opens the preventive confirmation page; the customer confirms
    receipt there (a real HTTP request)."""

    test_module = "relance_avancee_disputes"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.invoice = cls.make_invoice(cls.customer, "2026-01-31", 640.00)

    def _send_copy(self):
        wizard = (
            self.env["relance.call.outcome"]
            .with_user(self.collector)
            .create(
                {
                    "partner_id": self.customer.id,
                    "move_ids": [(6, 0, self.invoice.ids)],
                    "outcome": "not_received",
                    "send_confirmation": False,
                }
            )
        )
        with self.mock_mail_gateway():
            wizard.action_confirm()
        mail = self._new_mails.filtered(
            lambda m: self.customer in m.recipient_ids and m.attachment_ids
        )
        self.assertEqual(len(mail), 1, "the copy")
        match = RECEIPT_LINK.search(str(mail.body_html))
        self.assertTrue(match, "the copy carries the link to confirm receipt")
        self.assertEqual(int(match.group(2)), self.invoice.id)
        self.assertEqual(match.group(3), self.invoice.access_token)
        self.assertIn("Confirm receipt of", str(mail.body_html))
        return match.group(1).replace("&amp;", "&")

    def test_the_customer_confirms_receipt_on_the_portal(self):
        link = self._send_copy()
        self.assertEqual(self.invoice.relance_receipt_state, "requested")
        page = self.url_open(link)
        self.assertEqual(page.status_code, 200)
        self.assertIn("We have received this invoice", page.text)
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
        # Another invoice's token answers nothing.
        other = self.make_invoice(self.customer, "2026-01-31", 10.0)
        other._portal_ensure_token()
        refused = self.url_open(
            f"/relance/confirm/{self.invoice.id}",
            data={"csrf_token": csrf, "access_token": other.access_token, "answer": "receipt"},
        )
        self.assertEqual(refused.status_code, 404)
        self.invoice.invalidate_recordset()
        self.assertEqual(self.invoice.relance_receipt_state, "requested")
        response = self.url_open(
            f"/relance/confirm/{self.invoice.id}",
            data={
                "csrf_token": csrf,
                "access_token": self.invoice.access_token,
                "answer": "receipt",
            },
        )
        self.assertEqual(response.status_code, 200)
        self.assertIn("Thank you", response.text)
        self.invoice.invalidate_recordset()
        self.assertRecordValues(
            self.invoice,
            [
                {
                    "relance_receipt_state": "confirmed",
                    "relance_receipt_confirmed_date": fields.Date.today(),
                }
            ],
        )
        for record in (self.invoice, self.customer):
            record.invalidate_recordset()
            trace = record.message_ids.filtered(lambda m: "confirmed on the portal" in m.body)
            self.assertEqual(len(trace), 1, f"traced on {record._name}")
            self.assertEqual(trace.author_id, self.customer, "by the customer")
        # Confirmed: never counted as unconfirmed, no task.
        later = fields.Date.today() + timedelta(days=30)
        self.assertFalse(
            self.env["account.move"]._relance_flag_unconfirmed_receipts(self.company, later)
        )
        self.assertFalse(
            self.env[ANALYSIS].search(
                [("partner_id", "=", self.customer.id), ("source", "=", "unconfirmed")]
            )
        )
