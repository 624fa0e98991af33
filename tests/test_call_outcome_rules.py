from datetime import date

from freezegun import freeze_time

from odoo.exceptions import UserError
from odoo.tests import Form

from .common import RelanceCase


@freeze_time("2026-02-15")
class TestCallOutcomeRules(RelanceCase):
    """What a call ended with is one list (the call wizard offers exactly what the
    history records besides "sent"); which outcomes need a note and which get no written
    confirmation are one rule each, for the form and for the wizard's checks."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.invoice = cls.make_invoice(cls.customer, "2026-01-31", 1200.0)

    def _wizard(self, outcome, **values):
        wizard = Form(
            self.env["relance.call.outcome"]
            .with_user(self.collector)
            .with_context(default_partner_id=self.customer.id)
        )
        wizard.outcome = outcome
        for name, value in values.items():
            setattr(wizard, name, value)
        return wizard

    def test_the_call_offers_the_outcomes_the_history_records(self):
        offered = self.env["relance.call.outcome"]._fields["outcome"].selection
        recorded = self.env["relance.history"]._fields["outcome"].selection
        self.assertEqual([("sent", "Sent"), *offered], recorded)
        self.assertEqual(
            [key for key, _label in offered],
            ["promise", "dispute", "not_received", "wrong_contact", "no_answer", "claims_paid"],
        )

    def test_note_and_confirmation_by_outcome(self):
        # outcome: (note required, written confirmation offered)
        expected = {
            "promise": (False, True),
            "dispute": (True, True),
            "not_received": (False, True),
            "wrong_contact": (True, False),
            "no_answer": (False, False),
            "claims_paid": (True, True),
        }
        for outcome, (note_required, confirmation_offered) in expected.items():
            with self.subTest(outcome=outcome):
                wizard = self._wizard(outcome)
                self.assertEqual(wizard.note_required, note_required)
                self.assertEqual(wizard.confirmation_offered, confirmation_offered)
                # The form hides the confirmation and requires the note by the same rule.
                self.assertEqual(wizard._get_modifier("note", "required"), note_required)
                self.assertEqual(
                    wizard._get_modifier("send_confirmation", "invisible"),
                    not confirmation_offered,
                )

    def test_wrong_contact_needs_a_note_and_sends_no_confirmation(self):
        wizard = self._wizard("wrong_contact")
        wizard.note = "Ask for the accounts payable desk"
        record = wizard.save()
        record.note = False
        with self.assertRaisesRegex(UserError, "Describe what the customer said"):
            record.action_confirm()
        record.note = "Ask for the accounts payable desk"
        with self.mock_mail_gateway():
            record.action_confirm()
        self.assertFalse(
            self._new_mails.filtered(lambda m: self.customer in m.recipient_ids),
            "nobody agreed to anything: no confirmation",
        )
        trace = self.env["relance.history"].search(
            [("partner_id", "=", self.customer.id), ("outcome", "=", "wrong_contact")]
        )
        self.assertEqual(len(trace), 1)
        self.assertEqual(
            self.customer.activity_ids.filtered(
                lambda a: a.date_deadline == date(2026, 2, 15)
            ).mapped("summary")[:1],
            ["Find the right contact"],
        )
