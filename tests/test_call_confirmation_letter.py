from datetime import timedelta

from lxml import etree

from odoo import fields
from odoo.exceptions import UserError
from odoo.tools.safe_eval import safe_eval

from .common import RelanceHttpCase
from .test_french import FrenchMixin


class TestCallConfirmationLetter(FrenchMixin, RelanceHttpCase):
    """Every call is confirmed in writing: a customer without email gets a letter,
    listed with the letters to print, in its own language."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.load_french()
        cls.customer.lang = "fr_FR"
        cls.collector.lang = "en_US"
        cls.invoice = cls.make_invoice(cls.customer, "2026-01-31", 1234.56)

    def _log_promise(self):
        """The collector logs a call: 1,234.56 promised in ten days."""
        self.promise_date = fields.Date.context_today(self.customer) + timedelta(days=10)
        wizard = (
            self.env["relance.call.outcome"]
            .with_user(self.collector)
            .with_context(lang="en_US")
            .create(
                {
                    "partner_id": self.customer.id,
                    "move_ids": [(6, 0, self.invoice.ids)],
                    "outcome": "promise",
                    "promise_date": self.promise_date,
                    "promise_amount": 1234.56,
                }
            )
        )
        with self.mock_mail_gateway():
            wizard.action_confirm()
        return self.env["relance.history"].search(
            [("partner_id", "=", self.customer.id), ("outcome", "=", "promise")]
        )

    def _letters_to_print(self):
        """What the 'Letters To Print' menu lists: its action's default filter."""
        view = self.env.ref("relance_avancee.relance_history_view_search")
        arch = etree.fromstring(view.arch)
        domain = arch.xpath("//filter[@name='letters_to_print']")[0].get("domain")
        action = self.env.ref("relance_avancee.relance_history_action_letters")
        self.assertIn("search_default_letters_to_print", action.context)
        return self.env["relance.history"].search(safe_eval(domain))

    def test_customer_without_email_gets_a_letter_to_print_in_french(self):
        self.customer.email = False
        self.env = self.env(context=dict(self.env.context, force_report_rendering=True))
        call = self._log_promise()
        letter = call.confirmation_letter_ids
        self.assertRecordValues(
            letter,
            [
                {
                    "channel": "letter",
                    "state": "done",
                    "call_id": call.id,
                    "document_state": "done",
                    "printed": False,
                    "amount_due": 1234.56,
                }
            ],
        )
        self.assertEqual(self._letters_to_print(), letter, "listed with the letters to print")
        self.assertEqual(letter.attachment_id.mimetype, "application/pdf")
        text = self.pdf_text(letter.attachment_id.raw)
        # French formats: the promised date as dd/mm/yyyy, 1 234,56 € (grouped thousands).
        self.assertIn(self.promise_date.strftime("%d/%m/%Y"), text)
        self.assertIn("1 234,56", text)
        self.assertIn(self.invoice.name, text)
        self.assertIn("Suite à notre appel", text, "the template's subject, in French")
        self.assertIn("Lyon", text, "the customer's postal address")
        self.assertNotIn("As agreed on the phone", text)
        # The call's trace is the letter: the chatter note carrying its PDF.
        self.assertEqual(call.message_id, letter.message_id)
        self.assertIn(letter.attachment_id, call.message_id.attachment_ids)
        # Printing it from the letters list marks it printed.
        action = letter.with_user(self.collector).action_print_letters()
        self.assertEqual(action["report_name"], "relance_avancee.report_relance_reminder")
        self.assertTrue(letter.printed)
        self.assertFalse(self._letters_to_print())

    def test_customer_with_email_gets_an_email_and_no_letter(self):
        call = self._log_promise()
        self.assertFalse(call.confirmation_letter_ids)
        self.assertFalse(
            self.env["relance.history"].search(
                [("partner_id", "=", self.customer.id), ("channel", "=", "letter")]
            )
        )
        mail = self._new_mails.filtered(lambda m: self.customer in m.recipient_ids)
        self.assertEqual(len(mail), 1, "confirmed by email")
        self.assertEqual(call.message_id, mail.mail_message_id)

    def test_no_email_nor_postal_address_is_refused_not_skipped(self):
        self.customer.write({"email": False, "street": False, "city": False, "zip": False})
        # The call is not closed without its written confirmation (the request rolls back).
        with (
            self.assertRaisesRegex(UserError, "neither an email address nor a postal address"),
            self.env.cr.savepoint(),
        ):
            self._log_promise()
        self.assertFalse(
            self.env["relance.history"].search([("partner_id", "=", self.customer.id)]),
            "nothing half-done",
        )

    def test_an_address_to_check_after_a_bounce_gets_a_letter_too(self):
        """The customer's address bounced: nothing more goes to it, the call is
        confirmed by letter (positive control: the same customer, address fixed, gets
        an email)."""
        self.assertTrue(self.customer._relance_invoice_recipient())
        self.customer.relance_email_to_check = True
        self.assertFalse(self.customer._relance_invoice_recipient())
        call = self._log_promise()
        self.assertEqual(call.confirmation_letter_ids.channel, "letter")
        self.assertFalse(self._new_mails.filtered(lambda m: self.customer in m.recipient_ids))
