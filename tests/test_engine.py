import gc
from datetime import date, timedelta
from unittest.mock import patch

from lxml import etree

from odoo.exceptions import AccessError, UserError
from odoo.tools.safe_eval import safe_eval

from odoo.addons.relance_avancee import performance
from odoo.addons.relance_avancee.performance import column_values

from .common import RelanceCase


class TestEngineEscalation(RelanceCase):
    """Standard plan: email +1, email +8, call +15, formal notice +30, litigation +60."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.level1, cls.level2, cls.level3, cls.level4, cls.level5 = (
            cls.standard_plan.level_ids.sorted("sequence")
        )
        cls.invoice = cls.make_invoice(cls.customer, "2026-01-31", 1000.0)

    def test_nothing_before_the_first_offset(self):
        run = self.run_on(date(2026, 1, 31))
        self.assertFalse(run.history_ids)
        self.assertFalse(self.invoice.relance_level_id)

    def test_first_reminder_is_one_email_with_the_document(self):
        self.level1.attach_pdf = True
        with self.mock_mail_gateway():
            run = self.run_on(date(2026, 2, 1))
        entry = run.history_ids
        self.assertEqual(len(entry), 1)
        self.assertRecordValues(
            entry,
            [
                {
                    "partner_id": self.customer.id,
                    "level_id": self.level1.id,
                    "channel": "email",
                    "state": "done",
                    "amount_due": 1000.0,
                    "date": date(2026, 2, 1),
                }
            ],
        )
        self.assertEqual(entry.move_ids, self.invoice)
        mails = self._new_mails.filtered(lambda m: self.customer in m.recipient_ids)
        self.assertEqual(len(mails), 1, "one email per customer")
        self.assertEqual(mails.state, "outgoing", "queued, not sent inline")
        self.assertIn(self.invoice.name, str(mails.body_html))
        self.assertEqual(mails.attachment_ids, entry.attachment_id)
        self.assertIn(self.invoice.name, entry.attachment_id.raw.decode())
        self.assertEqual(self.invoice.relance_level_id, self.level1)
        self.assertEqual(self.invoice.relance_last_date, date(2026, 2, 1))
        self.assertEqual(self.invoice.relance_next_date, date(2026, 2, 8))
        self.assertEqual(self.customer.relance_level_id, self.level1)

    def test_second_run_on_the_same_date_does_nothing(self):
        with self.mock_mail_gateway():
            run = self.run_on(date(2026, 2, 1))
            self.assertEqual(len(run.history_ids), 1)
            run.action_run()
            again = self.run_on(date(2026, 2, 1))
        self.assertEqual(again, run)
        self.assertEqual(len(run.history_ids), 1)
        self.assertEqual(
            len(self._new_mails.filtered(lambda m: self.customer in m.recipient_ids)), 1
        )

    def test_crescendo_one_level_per_run_no_jump(self):
        """Discovered 40 days late, the invoice still starts at the first level."""
        with self.mock_mail_gateway():
            self.run_on(date(2026, 3, 12))
            self.assertEqual(self.invoice.relance_level_id, self.level1)
            self.run_on(date(2026, 3, 13))
            self.assertEqual(
                self.invoice.relance_level_id, self.level1, "min gap of 5 days before level 2"
            )
            self.run_on(date(2026, 3, 17))
            self.assertEqual(self.invoice.relance_level_id, self.level2)
            self.run_on(date(2026, 3, 22))
        self.assertEqual(self.invoice.relance_level_id, self.level3)
        levels = self.invoice.relance_history_ids.sorted("date").level_id
        self.assertEqual(levels, self.level1 | self.level2 | self.level3)

    def test_phone_level_creates_the_collector_call(self):
        self.invoice.write({"relance_level_id": self.level2.id, "relance_last_date": "2026-02-08"})
        run = self.run_on(date(2026, 2, 15))
        entry = run.history_ids
        self.assertEqual(entry.channel, "phone")
        self.assertEqual(entry.state, "planned", "a call stays planned until its outcome")
        activity = entry.activity_id
        self.assertEqual(activity.user_id, self.collector)
        self.assertEqual(activity.date_deadline, date(2026, 2, 15))
        self.assertEqual(
            activity.activity_type_id,
            self.env.ref("relance_avancee.mail_activity_type_relance_call"),
        )
        self.assertIn(self.invoice.name, str(activity.note))
        self.assertEqual(activity.res_id, self.customer.id)
        # While the call is open, the next run does not escalate past it.
        self.assertFalse(self.run_on(date(2026, 3, 20)).history_ids)

    def test_marking_the_call_done_asks_for_the_outcome(self):
        """A call is closed with what the customer said, never marked done bare."""
        self.invoice.write({"relance_level_id": self.level2.id, "relance_last_date": "2026-02-08"})
        entry = self.run_on(date(2026, 2, 15)).history_ids
        activity = entry.activity_id
        with self.assertRaisesRegex(UserError, "Log the outcome"):
            activity.with_user(self.collector).action_feedback(feedback="Will pay on Friday")
        self.assertTrue(activity.exists())
        self.assertEqual(entry.state, "planned")
        promise = date.today() + timedelta(days=3)
        wizard = (
            self.env["relance.call.outcome"]
            .with_user(self.collector)
            .with_context(default_history_id=entry.id)
            .create({"outcome": "promise", "promise_date": promise, "note": "Pays on Friday"})
        )
        with self.mock_mail_gateway():
            wizard.action_confirm()
        self.assertRecordValues(
            entry, [{"state": "done", "outcome": "promise", "promise_date": promise}]
        )
        self.assertIn("Friday", str(entry.note))
        self.assertFalse(activity.exists(), "the activity is done with the call")

    def test_planned_action_paid_meanwhile_is_cancelled_at_validation(self):
        """Litigation planned on 1 April, invoice paid on 3 April, validated on 4 April."""
        self.invoice.write({"relance_level_id": self.level4.id, "relance_last_date": "2026-03-02"})
        entry = self.run_on(date(2026, 4, 1)).history_ids
        self.assertRecordValues(entry, [{"channel": "litigation", "state": "planned"}])
        self.pay(self.invoice, 1000.0, "2026-04-03")
        entry.action_validate()
        self.assertEqual(entry.state, "cancelled")
        self.assertIn("paid", str(entry.note))
        self.assertFalse(self.customer.relance_litigation)
        self.assertFalse(self.customer.relance_blocked)
        self.assertFalse(
            self.env["relance.litigation"].search([("partner_id", "=", self.customer.id)])
        )
        self.assertEqual(self.invoice.relance_level_id, self.level4, "not advanced")

    def test_planned_action_keeps_only_what_is_still_due(self):
        """Two invoices planned for litigation (1,000 + 400); the 400 is paid, 300 of the
        1,000 too: the validated action is for 700 on the first invoice only."""
        second = self.make_invoice(self.customer, "2026-01-31", 400.0)
        (self.invoice | second).write(
            {"relance_level_id": self.level4.id, "relance_last_date": "2026-03-02"}
        )
        entry = self.run_on(date(2026, 4, 1)).history_ids
        self.assertEqual(entry.amount_due, 1400.0)
        self.pay(second, 400.0, "2026-04-03")
        self.pay(self.invoice, 300.0, "2026-04-03")
        entry.action_validate()
        self.assertRecordValues(entry, [{"state": "done", "amount_due": 700.0}])
        self.assertEqual(entry.move_ids, self.invoice)
        self.assertEqual(self.invoice.relance_level_id, self.level5)
        self.assertEqual(second.relance_level_id, self.level4)

    def test_call_planned_today_stays_on_the_worklist(self):
        """The call planned on 15 Feb keeps the customer in "To Do Today" although the
        next level (formal notice) is not due before 2 March."""
        self.invoice.write({"relance_level_id": self.level2.id, "relance_last_date": "2026-02-08"})
        entry = self.run_on(date(2026, 2, 15)).history_ids
        self.assertEqual(entry.channel, "phone")
        self.assertEqual(self.invoice.relance_next_date, date(2026, 3, 2))
        self.assertEqual(self.customer.relance_next_date, date(2026, 2, 15))
        search_view = self.env.ref("relance_avancee.res_partner_view_search_relance")
        todo = etree.fromstring(search_view.arch).xpath("//filter[@name='relance_todo']")[0]
        domain = safe_eval(todo.get("domain"), {"context_today": lambda: date(2026, 2, 15)})
        self.assertIn(self.customer, self.env["res.partner"].search(domain))
        # Still open the next day, the call stays on the list; closed, the formal notice
        # is the next step.
        self.customer._relance_refresh_state(date(2026, 2, 16))
        self.assertEqual(self.customer.relance_next_date, date(2026, 2, 15), "still open")
        entry.activity_id.with_user(self.collector).unlink()
        self.assertEqual(entry.state, "cancelled", "a deleted call no longer holds the invoice")
        self.assertIn("activity was deleted", str(entry.note))
        self.customer._relance_refresh_state(date(2026, 2, 16))
        self.assertEqual(self.customer.relance_next_date, date(2026, 3, 2))

    def test_run_summary_counts_each_kind_of_action(self):
        """Dupont gets the formal notice (one penalty on its invoice), Martin a first
        email, Durand the litigation to validate, Leroy a letter that fails (no address)."""
        self.invoice.write({"relance_level_id": self.level3.id, "relance_last_date": "2026-02-15"})
        martin, durand, leroy = self.env["res.partner"].create(
            [
                {"name": name, "is_company": True, "email": email, "street": street}
                for name, email, street in (
                    ("Martin", "martin@example.com", "2 rue Haute"),
                    ("Durand", "durand@example.com", "3 rue Basse"),
                    ("Leroy", False, False),
                )
            ]
        )
        self.make_invoice(martin, "2026-03-01", 200.0)
        self.make_invoice(leroy, "2026-03-01", 50.0)
        litigation = self.make_invoice(durand, "2026-01-01", 300.0)
        litigation.write({"relance_level_id": self.level4.id, "relance_last_date": "2026-02-01"})
        with self.mock_mail_gateway():
            run = self.run_on(date(2026, 3, 2))
        self.assertEqual(len(self.invoice.relance_penalty_ids), 1)
        self.assertRecordValues(
            run,
            [
                {
                    "count_email": 1,
                    "count_letter": 0,
                    "count_phone": 0,
                    "count_formal_notice": 1,
                    "count_penalty": 1,
                    "count_litigation": 0,
                    "count_to_validate": 1,
                    "count_failed": 1,
                }
            ],
        )
        self.assertEqual(
            run.summary,
            "1 emails, 0 letters, 0 calls, 1 formal notices, 1 penalties, 0 litigations, "
            "1 to validate, 1 failed",
        )
        run.history_ids.filtered("to_validate").action_validate()
        run.invalidate_recordset()
        self.assertIn("1 litigations, 0 to validate", run.summary)

    def test_preview_lists_the_decisions_and_sends_nothing(self):
        second = self.make_invoice(self.customer, "2026-01-25", 250.0)
        run = self.env["relance.run"]._get_or_create(self.company, date(2026, 2, 1))
        with self.mock_mail_gateway():
            run.action_preview()
        self.assertRecordValues(
            run.preview_ids,
            [
                {
                    "partner_id": self.customer.id,
                    "level_id": self.level1.id,
                    "amount_due": 1250.0,
                    "to_validate": False,
                }
            ],
        )
        self.assertEqual(run.preview_ids.move_ids, self.invoice | second)
        self.assertEqual(run.state, "draft")
        self.assertFalse(run.history_ids)
        self.assertFalse(
            self.env["relance.history"].search([("partner_id", "=", self.customer.id)])
        )
        self.assertFalse(self._new_mails)
        self.assertFalse((self.invoice | second).relance_level_id)
        self.assertFalse(self.customer.activity_ids)

    def test_invoice_paid_after_the_first_reminder_never_escalates(self):
        with self.mock_mail_gateway():
            self.run_on(date(2026, 2, 1))
        self.assertEqual(self.invoice.relance_level_id, self.level1)
        self.pay(self.invoice, 1000.0, "2026-02-03")
        with self.mock_mail_gateway():
            for day in (date(2026, 2, 8), date(2026, 2, 15), date(2026, 4, 30)):
                self.assertFalse(self.run_on(day).history_ids, day)
        self.assertFalse(self._new_mails)
        self.assertEqual(self.invoice.relance_level_id, self.level1)
        self.assertEqual(len(self.invoice.relance_history_ids), 1)
        self.customer._relance_refresh_state(date(2026, 4, 30))
        self.assertFalse(self.customer.relance_next_date, "nothing left to remind")

    def test_formal_notice_blocks_and_stores_the_document(self):
        self.invoice.write({"relance_level_id": self.level3.id, "relance_last_date": "2026-02-15"})
        with self.mock_mail_gateway():
            entry = self.run_on(date(2026, 3, 2)).history_ids
        self.assertEqual(entry.channel, "formal_notice")
        self.assertEqual(entry.state, "done")
        self.assertTrue(entry.attachment_id)
        self.assertIn("Formal notice", entry.attachment_id.raw.decode())
        self.assertTrue(self.customer.relance_blocked)
        self.assertEqual(
            len(self._new_mails.filtered(lambda m: self.customer in m.recipient_ids)), 1
        )

    def test_litigation_level_waits_for_validation(self):
        self.invoice.write({"relance_level_id": self.level4.id, "relance_last_date": "2026-03-02"})
        entry = self.run_on(date(2026, 4, 1)).history_ids
        self.assertEqual(entry.level_id, self.level5)
        self.assertRecordValues(
            entry, [{"state": "planned", "to_validate": True, "executed": False}]
        )
        self.assertFalse(self.customer.relance_litigation)
        self.assertEqual(
            self.invoice.relance_level_id, self.level4, "not advanced before validation"
        )
        self.assertEqual(self.customer.relance_next_date, date(2026, 4, 1), "on the worklist")
        self.assertFalse(self.run_on(date(2026, 4, 2)).history_ids, "no second planning")
        entry.action_validate()
        self.assertEqual(entry.state, "done")
        self.assertTrue(self.customer.relance_litigation)
        self.assertTrue(self.customer.relance_blocked)
        self.assertEqual(self.invoice.relance_level_id, self.level5)

    def test_done_history_is_never_rewritten(self):
        with self.mock_mail_gateway():
            entry = self.run_on(date(2026, 2, 1)).history_ids
        with self.assertRaisesRegex(Exception, "cannot be changed"):
            entry.write({"amount_due": 1.0})
        with self.assertRaisesRegex(Exception, "cannot be deleted"):
            entry.unlink()


class TestEngineGroupingAndSkips(RelanceCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.first_level = cls.standard_plan.level_ids.sorted("sequence")[0]

    def test_one_email_per_customer_for_all_its_invoices(self):
        inv1 = self.make_invoice(self.customer, "2026-01-31", 1000.0)
        inv2 = self.make_invoice(self.customer, "2026-01-30", 250.0)
        other = self.env["res.partner"].create(
            {
                "name": "Other",
                "email": "other@example.com",
                "relance_plan_id": self.standard_plan.id,
            }
        )
        inv3 = self.make_invoice(other, "2026-01-31", 300.0)
        with self.mock_mail_gateway():
            run = self.run_on(date(2026, 2, 2))
        self.assertEqual(len(run.history_ids), 2)
        mine = run.history_ids.filtered(lambda h: h.partner_id == self.customer)
        self.assertEqual(mine.move_ids, inv1 | inv2)
        self.assertEqual(mine.amount_due, 1250.0)
        self.assertEqual(run.history_ids.filtered(lambda h: h.partner_id == other).move_ids, inv3)
        mails = self._new_mails.filtered(lambda m: self.customer in m.recipient_ids)
        self.assertEqual(len(mails), 1)
        self.assertIn(inv1.name, str(mails.body_html))
        self.assertIn(inv2.name, str(mails.body_html))
        self.assertEqual(run.count_email, 2)
        self.assertEqual(run.count_partners, 2)
        self.assertEqual(run.count_invoices, 3)

    def test_email_goes_to_the_invoicing_contact(self):
        contact = self.env["res.partner"].create(
            {
                "name": "Accounts payable",
                "type": "invoice",
                "parent_id": self.customer.id,
                "email": "ap@dupont.example.com",
            }
        )
        self.make_invoice(self.customer, "2026-01-31")
        with self.mock_mail_gateway():
            entry = self.run_on(date(2026, 2, 1)).history_ids
        self.assertEqual(entry.recipient_id, contact)
        self.assertEqual(len(self._new_mails.filtered(lambda m: contact in m.recipient_ids)), 1)

    def test_no_email_address_falls_back_to_a_letter(self):
        self.customer.email = False
        self.make_invoice(self.customer, "2026-01-31")
        with self.mock_mail_gateway():
            entry = self.run_on(date(2026, 2, 1)).history_ids
        self.assertEqual(entry.channel, "letter")
        self.assertEqual(entry.state, "done")
        self.assertIn("No email address", entry.fallback_reason)
        self.assertTrue(entry.attachment_id)
        self.assertFalse(self._new_mails.filtered(lambda m: self.customer in m.recipient_ids))
        letters = self.env["relance.history"].search(
            [
                ("channel", "in", ("letter", "formal_notice")),
                ("printed", "=", False),
                ("attachment_id", "!=", False),
                ("state", "=", "done"),
            ]
        )
        self.assertIn(entry, letters)

    def test_letter_without_postal_address_fails_visibly(self):
        self.customer.write({"email": False, "street": False, "city": False, "zip": False})
        invoice = self.make_invoice(self.customer, "2026-01-31")
        entry = self.run_on(date(2026, 2, 1)).history_ids
        self.assertEqual(entry.state, "failed")
        self.assertIn("no postal address", entry.error)
        self.assertFalse(invoice.relance_level_id, "a failed action does not advance the invoice")

    def test_paid_invoice_is_never_reminded(self):
        invoice = self.make_invoice(self.customer, "2026-01-31", 500.0)
        self.pay(invoice, 500.0, "2026-01-31")
        self.assertFalse(self.run_on(date(2026, 2, 1)).history_ids)
        self.assertFalse(invoice.relance_level_id)

    def test_partly_paid_invoice_reminded_for_the_rest(self):
        invoice = self.make_invoice(self.customer, "2026-01-31", 500.0)
        self.pay(invoice, 200.0, "2026-01-31")
        entry = self.run_on(date(2026, 2, 1)).history_ids
        self.assertEqual(entry.amount_due, 300.0)

    def test_excluded_invoice_and_partner_are_skipped(self):
        invoice = self.make_invoice(self.customer, "2026-01-31")
        invoice.write({"relance_excluded": True, "relance_exclusion_reason": "Agreed delay"})
        self.assertTrue(invoice.relance_suspended)
        self.assertFalse(self.run_on(date(2026, 2, 1)).history_ids)
        invoice.relance_excluded = False
        self.customer.write({"relance_excluded": True, "relance_exclusion_reason": "Agreed delay"})
        self.assertFalse(self.run_on(date(2026, 2, 2)).history_ids)
        self.customer.relance_excluded = False
        self.assertEqual(self.run_on(date(2026, 2, 3)).history_ids.move_ids, invoice)

    def test_customer_below_plan_minimum_is_skipped(self):
        self.customer.relance_plan_id = self.written_plan
        self.written_plan.min_amount = 50.0
        self.make_invoice(self.customer, "2026-01-31", 10.0)
        self.assertFalse(self.run_on(date(2026, 2, 5)).history_ids)

    def test_plan_minimum_is_the_customers_total_at_the_level(self):
        """Many small invoices: 6 x 10.00 = 60.00 due at the same level reaches a 50.00
        minimum though each invoice is below it."""
        self.customer.relance_plan_id = self.written_plan
        self.written_plan.min_amount = 50.0
        invoices = self.env["account.move"]
        for _index in range(6):
            invoices |= self.make_invoice(self.customer, "2026-01-31", 10.0)
        with self.mock_mail_gateway():
            entry = self.run_on(date(2026, 2, 5)).history_ids
        self.assertEqual(entry.move_ids, invoices)
        self.assertEqual(entry.amount_due, 60.0)

    def test_credit_note_and_draft_are_not_reminded(self):
        draft = self.init_invoice("out_invoice", self.customer, "2026-01-31", amounts=[100.0])
        self.assertEqual(draft.state, "draft")
        self.assertFalse(self.run_on(date(2026, 2, 2)).history_ids)


class TestEnginePreventiveAndPromise(RelanceCase):
    def test_preventive_call_before_the_due_date(self):
        self.customer.relance_plan_id = self.phone_plan
        invoice = self.make_invoice(self.customer, "2026-03-20", 5000.0)
        self.assertFalse(self.run_on(date(2026, 3, 12)).history_ids, "8 days before: too early")
        entry = self.run_on(date(2026, 3, 13)).history_ids
        self.assertEqual(entry.level_id.offset_days, -7)
        self.assertEqual(entry.channel, "phone")
        self.assertEqual(entry.move_ids, invoice)

    def test_preventive_level_is_passed_over_once_overdue(self):
        self.customer.relance_plan_id = self.phone_plan
        self.make_invoice(self.customer, "2026-03-01", 5000.0)
        with self.mock_mail_gateway():
            entry = self.run_on(date(2026, 3, 10)).history_ids
        self.assertEqual(entry.level_id.offset_days, 3)
        self.assertEqual(entry.channel, "email")

    def test_promise_pauses_then_dunning_resumes(self):
        invoice = self.make_invoice(self.customer, "2026-01-31", 800.0)
        with self.mock_mail_gateway():
            self.run_on(date(2026, 2, 1))
            self._promise(invoice, date(2026, 2, 2), date(2026, 2, 20), 800.0)
            grace = self.standard_plan.grace_days
            self.assertFalse(self.run_on(date(2026, 2, 10)).history_ids)
            self.assertFalse(self.run_on(date(2026, 2, 20) + timedelta(days=grace)).history_ids)
            entry = self.run_on(date(2026, 2, 21) + timedelta(days=grace)).history_ids
        self.assertEqual(entry.move_ids, invoice)
        self.assertEqual(entry.level_id.sequence, 20, "resumes at the next level")
        self.customer._relance_refresh_state(date(2026, 2, 24))
        self.assertGreater(self.customer.relance_priority, 0)

    def _promise(self, invoice, day, promised, amount):
        """What a call outcome records: the trace, the invoice's and the customer's date."""
        self.env["relance.history"].create(
            {
                "partner_id": self.customer.id,
                "move_ids": [(6, 0, invoice.ids)],
                "channel": "phone",
                "date": day,
                "state": "done",
                "outcome": "promise",
                "promise_date": promised,
                "promise_amount": amount,
                "amount_due": amount,
            }
        )
        invoice.relance_promise_date = promised
        self.customer.write({"relance_promise_date": promised, "relance_promise_amount": amount})

    def test_broken_promise_is_noted_once_then_cleared_by_a_new_promise(self):
        invoice = self.make_invoice(self.customer, "2026-01-31", 800.0)
        grace = self.standard_plan.grace_days

        def notes():
            return self.customer.message_ids.filtered(
                lambda m: "Promise to pay not kept" in str(m.body)
            )

        with self.mock_mail_gateway():
            self.run_on(date(2026, 2, 1))
            self._promise(invoice, date(2026, 2, 2), date(2026, 2, 20), 800.0)
            self.run_on(date(2026, 2, 20) + timedelta(days=grace))
            self.assertFalse(notes(), "still within the grace days")
            broken_on = date(2026, 2, 21) + timedelta(days=grace)
            self.run_on(broken_on)
            self.assertEqual(len(notes()), 1)
            self.assertIn("02/20/2026", str(notes().body))
            self.assertIn("800.00", str(notes().body))
            self.assertEqual(self.customer.relance_promise_broken_date, broken_on)
            self.run_on(broken_on + timedelta(days=1))
            self.assertEqual(len(notes()), 1, "noted once")
            self.customer.write({"relance_promise_date": date(2026, 3, 31)})
            self.assertFalse(self.customer.relance_promise_broken_date)

    def test_kept_promise_is_not_noted_as_broken(self):
        invoice = self.make_invoice(self.customer, "2026-01-31", 800.0)
        self._promise(invoice, date(2026, 2, 2), date(2026, 2, 20), 800.0)
        self.pay(invoice, 800.0, "2026-02-19")
        with self.mock_mail_gateway():
            self.run_on(date(2026, 3, 10))
        self.assertFalse(self.customer.relance_promise_broken_date)
        self.assertNotIn("Promise to pay not kept", str(self.customer.message_ids.mapped("body")))


class TestInProcessPayments(RelanceCase):
    """Odoo 18: a payment on a journal without outstanding account books nothing."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.unbooked_bank = cls.company_data["default_journal_bank"].copy({"name": "Unbooked bank"})
        cls.unbooked_bank.inbound_payment_method_line_ids.payment_account_id = False

    def test_fully_covered_invoice_is_not_reminded(self):
        invoice = self.make_invoice(self.customer, "2026-01-31", 700.0)
        payment = self.pay(invoice, 700.0, "2026-01-31", journal=self.unbooked_bank)
        self.assertIn(payment.state, ("in_process", "paid"))
        self.assertFalse(payment.move_id, "registered, not booked")
        self.assertEqual(invoice.amount_residual, 700.0, "the receivable stays open")
        self.assertEqual(invoice.relance_amount_due, 0.0)
        self.assertFalse(self.run_on(date(2026, 2, 1)).history_ids)

    def test_partly_covered_invoice_is_reminded_for_the_rest(self):
        invoice = self.make_invoice(self.customer, "2026-01-31", 700.0)
        self.pay(invoice, 200.0, "2026-01-31", journal=self.unbooked_bank)
        self.assertEqual(invoice.relance_amount_due, 500.0)
        with self.mock_mail_gateway():
            entry = self.run_on(date(2026, 2, 1)).history_ids
        self.assertEqual(entry.amount_due, 500.0)
        self.customer.invalidate_recordset()
        self.assertEqual(
            self.customer.with_context(relance_date=date(2026, 2, 1)).relance_due_amount, 500.0
        )


class TestMultiCompanyRun(RelanceCase):
    def test_run_only_touches_its_company(self):
        other = self.setup_other_company()["company"]
        self.make_invoice(self.customer, "2026-01-31")
        other_invoice = self.make_invoice(self.customer, "2026-01-31", company=other)
        self.assertEqual(other_invoice.company_id, other)
        with self.mock_mail_gateway():
            run = self.run_on(date(2026, 2, 1))
        self.assertNotIn(other_invoice, run.history_ids.move_ids)
        self.assertFalse(other_invoice.relance_level_id)
        self.assertEqual(run.company_id, self.company)

    def test_run_works_in_its_company_whatever_the_users(self):
        """The run of company 2, started while the user works in company 1."""
        other = self.setup_other_company()["company"]
        other_invoice = self.make_invoice(self.customer, "2026-01-31", 600.0, company=other)
        run = self.env["relance.run"].with_company(other)._get_or_create(other, date(2026, 2, 1))
        with self.mock_mail_gateway():
            run.with_company(self.company).action_run()
        entry = run.history_ids
        self.assertRecordValues(
            entry, [{"company_id": other.id, "state": "done", "amount_due": 600.0}]
        )
        first = self.standard_plan.level_ids.sorted("sequence")[0]
        self.assertEqual(other_invoice.relance_level_id, first)
        in_other = self.customer.with_company(other)
        self.assertEqual(in_other.relance_level_id, first, "refreshed in company 2")
        self.assertEqual(in_other.relance_next_date, date(2026, 2, 8))
        self.assertFalse(self.customer.relance_level_id, "company 1 has no reminder for it")


class TestSmsChannel(RelanceCase):
    def test_sms_level_queues_a_text_to_the_mobile(self):
        plan = self.env["relance.plan"].create(
            {
                "name": "SMS plan",
                "level_ids": [(0, 0, {"name": "Text", "offset_days": 2, "channel": "sms"})],
            }
        )
        self.customer.write({"relance_plan_id": plan.id, "mobile": "+33612345678"})
        self.make_invoice(self.customer, "2026-01-31", 420.0)
        entry = self.run_on(date(2026, 2, 2)).history_ids
        self.assertEqual(entry.state, "done")
        sms = self.env["sms.sms"].search([("partner_id", "=", self.customer.id)])
        self.assertEqual(len(sms), 1)
        self.assertIn("420.00", sms.body)

    def test_sms_without_a_number_fails_visibly(self):
        plan = self.env["relance.plan"].create(
            {
                "name": "SMS plan",
                "level_ids": [(0, 0, {"name": "Text", "offset_days": 2, "channel": "sms"})],
            }
        )
        self.customer.write({"relance_plan_id": plan.id, "mobile": False, "phone": False})
        self.make_invoice(self.customer, "2026-01-31", 420.0)
        entry = self.run_on(date(2026, 2, 2)).history_ids
        self.assertEqual(entry.state, "failed")
        self.assertIn("no phone number", entry.error)


class TestPartnerCollectionsTab(RelanceCase):
    def test_tab_lists_open_invoices_and_history(self):
        invoice = self.make_invoice(self.customer, "2026-01-31", 100.0)
        paid = self.make_invoice(self.customer, "2026-01-31", 50.0)
        self.pay(paid, 50.0, "2026-01-31")
        with self.mock_mail_gateway():
            entry = self.run_on(date(2026, 2, 1)).history_ids
        self.assertEqual(self.customer.relance_open_invoice_ids, invoice)
        self.assertEqual(self.customer.relance_history_ids, entry)
        self.assertEqual(self.customer.relance_history_count, 1)


class TestWorklist(RelanceCase):
    def test_never_reminded_customer_appears_when_its_first_level_is_due(self):
        self.make_invoice(self.customer, "2026-01-31", 100.0)
        self.customer._relance_refresh_state(date(2026, 1, 20))
        self.assertEqual(self.customer.relance_next_date, date(2026, 2, 1), "due + 1 day")
        todo = self.env["res.partner"].search(
            [("relance_next_date", "<=", date(2026, 2, 1)), ("relance_excluded", "=", False)]
        )
        self.assertIn(self.customer, todo)
        self.assertEqual(self.customer.relance_priority, 0.0, "nothing overdue yet")
        self.customer._relance_refresh_state(date(2026, 2, 14))
        # 100 overdue (0.1 thousand) x (1 + 2 weeks late) x weight 1
        self.assertEqual(self.customer.relance_priority, 0.3)


class TestRunPreview(RelanceCase):
    """The preview lists the run's decisions, one line per action, and does nothing."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.levels = cls.standard_plan.level_ids.sorted("sequence")
        cls.martin, cls.durand = cls.env["res.partner"].create(
            [
                {
                    "name": name,
                    "email": f"{name.split()[0].lower()}@example.com",
                    "relance_plan_id": cls.standard_plan.id,
                }
                for name in ("Martin SARL", "Durand SA")
            ]
        )

    def _three_customers_due(self):
        """On 2026-04-01: Dupont at the first email for two invoices, Martin at the
        second email, Durand at litigation (a manager validates it)."""
        first = self.make_invoice(self.customer, "2026-03-30", 100.0)
        second = self.make_invoice(self.customer, "2026-03-28", 50.25)
        martin = self.make_invoice(self.martin, "2026-03-20", 300.0)
        martin.write({"relance_level_id": self.levels[0].id, "relance_last_date": "2026-03-21"})
        durand = self.make_invoice(self.durand, "2026-01-20", 1234.56)
        durand.write({"relance_level_id": self.levels[3].id, "relance_last_date": "2026-02-20"})
        return first | second, martin, durand

    def test_one_line_per_action_with_its_invoices_amount_and_validation(self):
        dupont, martin, durand = self._three_customers_due()
        run = self.env["relance.run"]._get_or_create(self.company, date(2026, 4, 1))
        with self.mock_mail_gateway():
            run.action_preview()
            run.action_preview()  # a second preview replaces the first
        lines = run.preview_ids.sorted(lambda line: line.amount_due)
        self.assertRecordValues(
            lines,
            [
                {
                    "partner_id": self.customer.id,
                    "level_id": self.levels[0].id,
                    "channel": "email",
                    "amount_due": 150.25,
                    "to_validate": False,
                    "company_id": self.company.id,
                },
                {
                    "partner_id": self.martin.id,
                    "level_id": self.levels[1].id,
                    "channel": "email",
                    "amount_due": 300.0,
                    "to_validate": False,
                    "company_id": self.company.id,
                },
                {
                    "partner_id": self.durand.id,
                    "level_id": self.levels[4].id,
                    "channel": "litigation",
                    "amount_due": 1234.56,
                    "to_validate": True,
                    "company_id": self.company.id,
                },
            ],
        )
        self.assertEqual([line.move_ids for line in lines], [dupont, martin, durand])
        self.assertEqual(lines.create_uid, self.env.user)
        self.assertFalse(run.history_ids)
        self.assertFalse(self._new_mails)

    def test_collector_previews_the_run_of_their_company_only(self):
        self._three_customers_due()
        other_company = self.setup_other_company()["company"]
        other_run = self.env["relance.run"]._get_or_create(other_company, date(2026, 4, 1))
        run = self.env["relance.run"]._get_or_create(self.company, date(2026, 4, 1))
        self.rpc(self.collector, "relance.run", "action_preview", run.ids)
        self.assertEqual(len(run.preview_ids), 3, "positive control: their own company's run")
        self.assertEqual(run.preview_ids.create_uid, self.collector)
        with self.assertRaises(AccessError):
            self.rpc(self.collector, "relance.run", "action_preview", other_run.ids)
        self.assertFalse(other_run.preview_ids)

    def test_collector_reads_the_preview_and_never_writes_it(self):
        """The preview says what the run will do: only the run writes it, so that a
        collector cannot make it say something else to a colleague or a manager."""
        self._three_customers_due()
        run = self.env["relance.run"]._get_or_create(self.company, date(2026, 4, 1))
        self.rpc(self.collector, "relance.run", "action_preview", run.ids)
        line = run.preview_ids.filtered(lambda line: line.partner_id == self.durand)
        read = self.rpc(self.collector, "relance.run.preview", "read", line.ids, ["amount_due"])
        self.assertEqual(read[0]["amount_due"], 1234.56, "positive control: they read it")
        attempts = [
            ("write", [line.ids, {"amount_due": 1.0, "to_validate": False}]),
            ("unlink", [line.ids]),
            ("create", [{"run_id": run.id, "partner_id": self.martin.id, "amount_due": 9.0}]),
        ]
        for method, args in attempts:
            with self.subTest(method=method), self.assertRaises(AccessError):
                self.rpc(self.collector, "relance.run.preview", method, *args)
        self.assertRecordValues(line, [{"amount_due": 1234.56, "to_validate": True}])
        self.assertEqual(len(run.preview_ids), 3)


class TestDecisionsPauseTheCollector(RelanceCase):
    """The decisions pause Python's cyclic garbage collector (a quarter of their time
    at 20,000 invoices) and always leave it as they found it."""

    def _decide_watching_the_collector(self, error=None):
        seen = []
        engine = self.env["relance.engine"]
        original = type(engine)._candidate_invoices

        def candidate_invoices(model, *args, **kwargs):
            seen.append(gc.isenabled())
            if error:
                raise error
            return original(model, *args, **kwargs)

        with patch.object(type(engine), "_candidate_invoices", candidate_invoices):
            decisions = engine._compute_decisions(self.company, date(2026, 2, 1))
        return seen, decisions

    def test_paused_while_deciding_then_running_again(self):
        self.make_invoice(self.customer, "2026-01-31", 100.0)
        self.assertTrue(gc.isenabled())
        seen, decisions = self._decide_watching_the_collector()
        self.assertEqual(seen, [False])
        self.assertEqual(len(decisions), 1, "positive control: the customer is decided")
        self.assertTrue(gc.isenabled())

    def test_running_again_after_an_error(self):
        with self.assertRaises(UserError):
            self._decide_watching_the_collector(error=UserError("broken"))
        self.assertTrue(gc.isenabled())

    def test_left_paused_when_paused_before(self):
        gc.disable()
        try:
            seen, _decisions = self._decide_watching_the_collector()
            self.assertEqual(seen, [False])
            self.assertFalse(gc.isenabled())
        finally:
            gc.enable()


class TestDecisionsReadByColumn(RelanceCase):
    """The decisions read their invoices' and payments' few columns in one statement
    each (``relance_avancee.performance.column_values``): what the ORM holds but has
    not written yet must count all the same, amounts in other currencies included."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.unbooked_bank = cls.company_data["default_journal_bank"].copy({"name": "Unbooked bank"})
        cls.unbooked_bank.inbound_payment_method_line_ids.payment_account_id = False
        cls.foreign = cls.setup_other_currency("CHF", rates=[("2026-01-01", 2.0)])

    def _decided(self, day="2026-02-01"):
        decisions = self.env["relance.engine"]._compute_decisions(
            self.company, date.fromisoformat(day)
        )
        return {move: amount for decision in decisions for move, _lvl, amount in decision["lines"]}

    def test_writes_not_yet_flushed_are_decided_on(self):
        invoice = self.make_invoice(self.customer, "2026-01-31", 100.0)
        for orm_read_max in (performance.ORM_READ_MAX, 0):  # the ORM's way, the database's
            with self.subTest(orm_read_max=orm_read_max):
                with patch.object(performance, "ORM_READ_MAX", orm_read_max):
                    invoice.write({"relance_last_date": False, "relance_promise_date": False})
                    self.assertEqual(self._decided(), {invoice: 100.0}, "positive control")
                    invoice.relance_last_date = date(2026, 2, 1)  # not in the database yet
                    self.assertEqual(self._decided(), {}, "reminded today: not again")
                    invoice.relance_last_date = False
                    invoice.relance_promise_date = date(2026, 2, 10)
                    self.assertEqual(self._decided(), {}, "promised: paused")

    def test_column_values_the_same_from_the_orm_and_the_database(self):
        first = self.make_invoice(self.customer, "2026-01-31", 100.0)
        second = self.make_invoice(self.customer, "2026-01-20", 250.5)
        level = self.standard_plan.level_ids.sorted("sequence")[:1]
        first.write({"relance_level_id": level.id})
        first.relance_last_date = date(2026, 2, 1)  # not in the database yet
        fnames = [
            "relance_last_date",
            "commercial_partner_id",
            "relance_level_id",
            "relance_is_penalty",
            "amount_residual",
            "invoice_date_due",
        ]
        expected = {
            first.id: (
                date(2026, 2, 1),
                self.customer.id,
                level.id,
                False,
                100.0,
                date(2026, 1, 31),
            ),
            second.id: (None, self.customer.id, None, False, 250.5, date(2026, 1, 20)),
        }
        invoices = first | second
        self.assertEqual(column_values(invoices, fnames), expected, "from the ORM")
        with patch.object(performance, "ORM_READ_MAX", 0):
            self.assertEqual(column_values(invoices, fnames), expected, "from the database")
        self.assertEqual(column_values(invoices.browse(), fnames), {})

    def test_unbooked_payment_on_an_invoice_in_another_currency(self):
        """1,000.00 CHF at 2 CHF per company unit, 400.00 CHF paid, registered but not
        booked: 600.00 CHF left, claimed 300.00 in company currency."""
        invoice = self.make_invoice(self.customer, "2026-01-31", 1000.0, currency=self.foreign)
        payment = self.pay(invoice, 400.0, "2026-01-31", journal=self.unbooked_bank)
        self.assertFalse(payment.move_id, "registered, not booked")
        self.assertEqual(invoice.relance_amount_due, 600.0)
        self.assertEqual(self._decided(), {invoice: 300.0})

    def test_what_a_payment_leaves_covers_the_customers_other_invoice(self):
        """1,200.00 CHF paid for a 1,000.00 CHF invoice: the 200.00 CHF left settles the
        customer's other CHF invoice of 250.00 down to 50.00 (25.00 in company
        currency), not its invoice in company currency."""
        invoice = self.make_invoice(self.customer, "2026-01-31", 1000.0, currency=self.foreign)
        other = self.make_invoice(self.customer, "2026-01-31", 250.0, currency=self.foreign)
        domestic = self.make_invoice(self.customer, "2026-01-31", 80.0)
        self.pay(invoice, 1200.0, "2026-01-31", journal=self.unbooked_bank)
        self.assertEqual(invoice.relance_amount_due, 0.0)
        self.assertEqual(other.relance_amount_due, 50.0)
        self.assertEqual(self._decided(), {other: 25.0, domestic: 80.0})
