from datetime import date

from freezegun import freeze_time

from odoo.exceptions import UserError
from odoo.tests import Form

from .common import RelanceCase


@freeze_time("2026-02-15")
class TestCallOutcome(RelanceCase):
    """A call planned at the standard plan's +15 level, then closed by the collector."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        levels = cls.standard_plan.level_ids.sorted("sequence")
        cls.invoice = cls.make_invoice(cls.customer, "2026-01-31", 1200.0)
        cls.invoice.write({"relance_level_id": levels[1].id, "relance_last_date": "2026-02-08"})

    def setUp(self):
        super().setUp()
        self.call = self.run_on(date(2026, 2, 15)).history_ids
        self.assertEqual(self.call.channel, "phone")

    def _log_call(self, **values):
        wizard = Form(
            self.env["relance.call.outcome"]
            .with_user(self.collector)
            .with_context(default_history_id=self.call.id)
        )
        for name, value in values.items():
            setattr(wizard, name, value)
        return wizard.save()

    def test_promise_records_date_amount_and_confirms_in_writing(self):
        wizard = self._log_call(outcome="promise", promise_date=date(2026, 2, 25))
        self.assertEqual(wizard.promise_amount, 1200.0, "defaults to the amount due")
        with self.mock_mail_gateway():
            wizard.action_confirm()
        self.assertEqual(self.customer.relance_promise_date, date(2026, 2, 25))
        self.assertEqual(self.customer.relance_promise_amount, 1200.0)
        self.assertRecordValues(self.call, [{"state": "done", "outcome": "promise"}])
        self.assertFalse(self.call.activity_id, "the call activity is done")
        mail = self._new_mails.filtered(lambda m: self.customer in m.recipient_ids)
        self.assertEqual(len(mail), 1)
        self.assertIn("25", str(mail.body_html))
        self.assertIn(self.invoice.name, str(mail.body_html))

    def test_promise_covers_the_invoices_it_names_only(self):
        """Promise on the call's invoice (1,200.00) for 25 February. Another invoice of
        500.00, due 1 February, keeps its rhythm: its first reminder (due + 1) goes out
        on 16 February; the promised invoice waits until 25 February + grace."""
        other = self.make_invoice(self.customer, "2026-02-01", 500.0)
        with self.mock_mail_gateway():
            self._log_call(outcome="promise", promise_date=date(2026, 2, 25)).action_confirm()
            entries = self.run_on(date(2026, 2, 16)).history_ids
        self.assertEqual(self.invoice.relance_promise_date, date(2026, 2, 25))
        self.assertFalse(other.relance_promise_date, "not promised")
        self.assertEqual(entries.move_ids, other, "the unpromised invoice is reminded")
        self.assertEqual(entries.amount_due, 500.0)

    def test_promise_in_the_past_refused(self):
        wizard = self._log_call(outcome="promise", promise_date=date(2026, 2, 1))
        with self.assertRaisesRegex(UserError, "payment date"):
            wizard.action_confirm()
        self.assertEqual(self.call.state, "planned", "nothing half-done")

    def test_no_answer_reschedules_a_new_call(self):
        wizard = self._log_call(outcome="no_answer", reschedule_date=date(2026, 2, 17))
        with self.mock_mail_gateway():
            wizard.action_confirm()
        self.assertEqual(self.call.outcome, "no_answer")
        self.assertFalse(self._new_mails, "no confirmation for an unanswered call")
        again = self.env["relance.history"].search(
            [("partner_id", "=", self.customer.id), ("state", "=", "planned")]
        )
        self.assertEqual(again.activity_id.date_deadline, date(2026, 2, 17))
        self.assertEqual(again.move_ids, self.invoice)

    def test_not_received_sends_the_duplicate_at_once(self):
        wizard = self._log_call(outcome="not_received")
        with self.mock_mail_gateway():
            wizard.action_confirm()
        duplicates = self._new_mails.filtered(
            lambda m: self.customer in m.recipient_ids and m.attachment_ids
        )
        self.assertEqual(len(duplicates), 1)
        self.assertIn(self.invoice.name, duplicates.subject)

    def test_claims_paid_creates_a_check_task(self):
        wizard = self._log_call(outcome="claims_paid", note="Paid by transfer on 10 Feb")
        with self.mock_mail_gateway():
            wizard.action_confirm()
        task = self.customer.activity_ids.filtered(lambda a: "Check payment" in a.summary)
        self.assertEqual(len(task), 1)
        self.assertIn("10 Feb", str(task.note))

    def test_unplanned_call_from_the_worklist_leaves_a_trace(self):
        self.call.action_cancel()
        action = self.customer.with_user(self.collector).action_relance_log_call()
        self.assertEqual(action["res_model"], "relance.call.outcome")
        wizard = Form(
            self.env["relance.call.outcome"]
            .with_user(self.collector)
            .with_context(action["context"])
        )
        wizard.outcome = "promise"
        wizard.promise_date = date(2026, 2, 20)
        with self.mock_mail_gateway():
            wizard.save().action_confirm()
        trace = self.env["relance.history"].search(
            [("partner_id", "=", self.customer.id), ("outcome", "=", "promise")]
        )
        self.assertEqual(trace.move_ids, self.invoice)
        self.assertEqual(trace.user_id, self.collector)

    def test_broken_promise_resumes_at_next_level_and_doubles_priority(self):
        self._log_call(outcome="promise", promise_date=date(2026, 2, 18)).action_confirm()
        day = date(2026, 3, 2)  # due + 30: the formal notice level
        self.customer._relance_refresh_state(day)
        broken = self.customer.relance_priority
        self.assertTrue(self.customer._relance_promise_broken(day))
        with self.mock_mail_gateway():
            entry = self.run_on(day).history_ids
        self.assertEqual(entry.level_id.channel, "formal_notice", "resumes at the next level")
        self.customer.relance_promise_date = False
        self.customer._relance_refresh_state(day)
        self.assertAlmostEqual(broken, self.customer.relance_priority * 2, places=1)

    def test_kept_promise_pauses_the_formal_notice(self):
        self._log_call(outcome="promise", promise_date=date(2026, 3, 1)).action_confirm()
        self.assertFalse(self.run_on(date(2026, 3, 2)).history_ids, "within the grace days")


@freeze_time("2026-02-10")
class TestManualActions(RelanceCase):
    def test_send_now_from_the_partner_at_the_chosen_level(self):
        invoice = self.make_invoice(self.customer, "2026-01-31", 300.0)
        firm = self.standard_plan.level_ids.sorted("sequence")[1]
        action = self.customer.with_user(self.collector).action_relance_send_now()
        wizard = Form(
            self.env["relance.send.manual"]
            .with_user(self.collector)
            .with_context(action["context"])
        )
        self.assertEqual(wizard.level_id, self.standard_plan.level_ids.sorted("sequence")[0])
        wizard.level_id = firm
        with self.mock_mail_gateway():
            wizard.save().action_send()
        self.assertEqual(invoice.relance_level_id, firm)
        self.assertEqual(
            len(self._new_mails.filtered(lambda m: self.customer in m.recipient_ids)), 1
        )

    def test_exclusion_needs_a_reason_and_is_traced(self):
        invoice = self.make_invoice(self.customer, "2026-01-31", 300.0)
        wizard = (
            self.env["relance.exclusion"]
            .with_context(active_model="account.move", active_ids=invoice.ids)
            .create({"reason": "Payment plan agreed"})
        )
        wizard.action_exclude()
        self.assertTrue(invoice.relance_suspended)
        self.assertEqual(invoice.relance_exclusion_reason, "Payment plan agreed")
        self.assertIn("Payment plan agreed", invoice.message_ids[0].body)
        self.assertIn(invoice.name, self.customer.message_ids[0].body)
        self.assertIn("Payment plan agreed", self.customer.message_ids[0].body)
        self.assertFalse(self.run_on(date(2026, 2, 10)).history_ids)

    def test_send_now_refuses_held_and_foreign_invoices(self):
        invoice = self.make_invoice(self.customer, "2026-01-31", 300.0)
        suspended = self.make_invoice(self.customer, "2026-01-31", 100.0)
        suspended.write({"relance_excluded": True, "relance_exclusion_reason": "Dispute"})
        stranger = self.env["res.partner"].create({"name": "Stranger", "email": "s@example.com"})
        foreign = self.make_invoice(stranger, "2026-01-31", 50.0)
        elsewhere = self.make_invoice(
            self.customer, "2026-01-31", 70.0, company=self.setup_other_company()["company"]
        )
        level = self.standard_plan.level_ids.sorted("sequence")[0]

        def send(moves):
            self.env["relance.send.manual"].create(
                {
                    "partner_id": self.customer.id,
                    "move_ids": [(6, 0, moves.ids)],
                    "level_id": level.id,
                }
            ).action_send()

        with self.mock_mail_gateway():
            for moves, message in (
                (invoice | suspended, "excluded from dunning or suspended"),
                (invoice | foreign, "Only invoices of Dupont Industries"),
                (invoice | elsewhere, "Only invoices of Dupont Industries"),
            ):
                with self.subTest(moves=moves.mapped("name")):
                    with self.assertRaisesRegex(UserError, message):
                        send(moves)
            self.customer.write(
                {"relance_excluded": True, "relance_exclusion_reason": "Receivership"}
            )
            with self.assertRaisesRegex(UserError, "excluded from dunning"):
                send(invoice)
        self.assertFalse(self._new_mails)
        self.assertFalse(
            self.env["relance.history"].search([("partner_id", "=", self.customer.id)])
        )
        self.assertFalse(invoice.relance_level_id)

    def test_customer_excluded_by_the_wizard_is_skipped_until_included(self):
        invoice = self.make_invoice(self.customer, "2026-01-31", 300.0)
        self.env["relance.exclusion"].with_user(self.collector).with_context(
            active_model="res.partner", active_ids=self.customer.ids
        ).create({"reason": "Receivership"}).action_exclude()
        self.assertTrue(self.customer.relance_excluded)
        self.assertEqual(self.customer.relance_exclusion_reason, "Receivership")
        self.assertFalse(self.run_on(date(2026, 2, 9)).history_ids)
        self.customer.with_user(self.collector).action_relance_include()
        self.assertFalse(self.customer.relance_excluded)
        with self.mock_mail_gateway():
            entry = self.run_on(date(2026, 2, 10)).history_ids
        self.assertEqual(entry.move_ids, invoice)
        self.assertEqual(entry.level_id, self.standard_plan.level_ids.sorted("sequence")[0])
        self.assertEqual(entry.state, "done")


@freeze_time("2026-02-15")
class TestPromiseCurrency(RelanceCase):
    def test_promised_amount_defaults_to_the_company_currency(self):
        """An invoice of 1,000.00 in another currency: the promise is written (and
        judged) in the company's currency, so its default is the converted amount."""
        other = self.setup_other_currency("EUR")
        invoice = self.make_invoice(self.customer, "2026-01-31", 1000.0, currency=other)
        wizard = Form(
            self.env["relance.call.outcome"]
            .with_user(self.collector)
            .with_context(default_partner_id=self.customer.id)
        )
        converted = invoice.amount_residual_signed
        self.assertNotEqual(converted, 1000.0, "another rate than 1")
        self.assertEqual(wizard.currency_id, self.company.currency_id)
        self.assertAlmostEqual(wizard.promise_amount, converted, places=2)
