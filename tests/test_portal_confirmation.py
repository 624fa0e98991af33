"""Preventive reminder: the customer confirms an invoice on the portal (issue 10)."""

import re
from datetime import timedelta

from odoo import fields

from .common import RelanceHttpCase

LINK = re.compile(r'href="[^"]*(/relance/confirm/(\d+)\?access_token=([^"&]+))"')


class TestPortalConfirmation(RelanceHttpCase):
    test_module = "relance_avancee_disputes"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer.relance_plan_id = cls.written_plan
        cls.today = fields.Date.today()
        cls.due = cls.today + timedelta(days=10)
        cls.invoice = cls.make_invoice(cls.customer, cls.due, 1200.0, invoice_date=cls.today)
        cls.reason_missing_po = cls.env.ref("relance_avancee_disputes.reason_missing_po")
        cls.team_accounting = cls.env.ref("relance_avancee_disputes.team_accounting")

    def _preventive_link(self):
        """Run the preventive level (3 days before the due date) and return its link."""
        with self.mock_mail_gateway():
            entry = self.run_on(self.due - timedelta(days=3)).history_ids
        self.assertEqual(entry.level_id, self.env.ref("relance_avancee.relance_level_written_1"))
        mail = self._new_mails.filtered(lambda m: self.customer in m.recipient_ids)
        self.assertEqual(len(mail), 1)
        match = LINK.search(str(mail.body_html))
        self.assertTrue(match, "the preventive email carries a confirmation link")
        self.assertEqual(int(match.group(2)), self.invoice.id)
        self.assertEqual(match.group(3), self.invoice.access_token)
        return match.group(1).replace("&amp;", "&")

    def _page(self, link):
        response = self.url_open(link)
        self.assertEqual(response.status_code, 200)
        self.assertIn(self.invoice.name, response.text)
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', response.text).group(1)
        return csrf, response

    def _post(self, move_id, csrf, token, **values):
        return self.url_open(
            f"/relance/confirm/{move_id}",
            data={"csrf_token": csrf, "access_token": token, **values},
        )

    def test_received_records_a_promise_with_its_date(self):
        csrf, page = self._page(self._preventive_link())
        self.assertIn(self.reason_missing_po.name, page.text, "the problem form offers reasons")
        pay_date = self.due + timedelta(days=5)
        response = self._post(
            self.invoice.id,
            csrf,
            self.invoice.access_token,
            answer="received",
            pay_date=fields.Date.to_string(pay_date),
        )
        self.assertEqual(response.status_code, 200)
        self.assertIn("Thank you", response.text)
        promise = self.env["relance.history"].search(
            [("partner_id", "=", self.customer.id), ("outcome", "=", "promise")]
        )
        self.assertRecordValues(
            promise,
            [
                {
                    "state": "done",
                    "channel": "email",
                    "promise_date": pay_date,
                    "promise_amount": 1200.0,
                    "move_ids": self.invoice.ids,
                }
            ],
        )
        self.invoice.invalidate_recordset()
        self.assertEqual(self.invoice.relance_promise_date, pay_date, "the invoice's promise")
        self.customer.invalidate_recordset()
        self.assertFalse(self.customer.relance_promise_date, "not the whole customer's")
        trace = self.invoice.message_ids.filtered(lambda m: "will be paid on" in m.body)
        self.assertEqual(len(trace), 1, "the answer is traced on the invoice")
        self.assertEqual(trace.author_id, self.customer, "by the customer")
        self.assertFalse(self.invoice.relance_dispute_ids)

    def test_past_date_is_refused(self):
        csrf, _page = self._page(self._preventive_link())
        response = self._post(
            self.invoice.id,
            csrf,
            self.invoice.access_token,
            answer="received",
            pay_date=fields.Date.to_string(self.today - timedelta(days=1)),
        )
        self.assertEqual(response.status_code, 200)
        self.assertIn("Choose a payment date from today on", response.text)
        response = self._post(
            self.invoice.id,
            csrf,
            self.invoice.access_token,
            answer="received",
            pay_date=fields.Date.to_string(self.due + timedelta(days=31)),
        )
        self.assertIn("more than 30 days after the due date", response.text)
        self.assertFalse(
            self.env["relance.history"].search_count([("outcome", "=", "promise")]),
        )
        self.customer.invalidate_recordset()
        self.assertFalse(self.customer.relance_promise_date)
        self.assertFalse(self.invoice.relance_promise_date)

    def test_problem_opens_a_routed_dispute(self):
        csrf, _page = self._page(self._preventive_link())
        response = self._post(
            self.invoice.id,
            csrf,
            self.invoice.access_token,
            answer="problem",
            reason_id=self.reason_missing_po.id,
            message="Our PO number is 4500123",
        )
        self.assertEqual(response.status_code, 200)
        self.invoice.invalidate_recordset()
        dispute = self.invoice.relance_dispute_ids
        self.assertRecordValues(
            dispute,
            [
                {
                    "partner_id": self.customer.id,
                    "reason_id": self.reason_missing_po.id,
                    "source": "portal",
                    "team_id": self.team_accounting.id,  # administrative: accounting
                    "state": "assigned",
                    "description": "Our PO number is 4500123",
                }
            ],
        )
        self.assertIn(dispute.name, response.text)
        self.assertTrue(self.invoice.relance_suspended)
        bodies = self.invoice.message_ids.mapped("body")
        self.assertTrue(
            any("reported a problem on the portal" in b and "4500123" in b for b in bodies)
        )
        self.customer.invalidate_recordset()
        self.assertFalse(self.customer.relance_promise_date, "a problem is not a promise")

    def test_problem_needs_a_reason_and_a_message(self):
        csrf, _page = self._page(self._preventive_link())
        response = self._post(
            self.invoice.id, csrf, self.invoice.access_token, answer="problem", message="x"
        )
        self.assertIn("Choose a reason and describe the problem", response.text)
        self.assertFalse(self.invoice.relance_dispute_ids)

    def test_another_customers_invoice_or_token_is_refused(self):
        other = self.env["res.partner"].create({"name": "Other customer", "email": "o@x.example"})
        other_invoice = self.make_invoice(other, self.due, 300.0, invoice_date=self.today)
        other_invoice._portal_ensure_token()
        csrf, _page = self._page(self._preventive_link())
        token = self.invoice.access_token
        # Our token does not open the other customer's invoice, nor answer for it.
        self.assertEqual(
            self.url_open(f"/relance/confirm/{other_invoice.id}?access_token={token}").status_code,
            404,
        )
        for values in (
            {"answer": "received", "pay_date": fields.Date.to_string(self.due)},
            {"answer": "problem", "reason_id": self.reason_missing_po.id, "message": "x"},
        ):
            response = self._post(other_invoice.id, csrf, token, **values)
            self.assertEqual(response.status_code, 404)
        # No token, or a wrong one, on our own invoice.
        self.assertEqual(self.url_open(f"/relance/confirm/{self.invoice.id}").status_code, 404)
        response = self._post(
            self.invoice.id,
            csrf,
            other_invoice.access_token,
            answer="received",
            pay_date=fields.Date.to_string(self.due),
        )
        self.assertEqual(response.status_code, 404)
        self.assertFalse(self.env["relance.dispute"].search([("partner_id", "=", other.id)]))
        self.assertFalse(self.invoice.relance_dispute_ids)
        self.assertFalse(
            self.env["relance.history"].search_count([("outcome", "=", "promise")]),
            "nothing recorded",
        )
        (other | self.customer).invalidate_recordset()
        self.assertFalse(other.relance_promise_date)
        self.assertFalse(self.customer.relance_promise_date)

    def test_level_without_confirmation_sends_no_link(self):
        self.env.ref("relance_avancee.relance_level_written_1").ask_confirmation = False
        with self.mock_mail_gateway():
            self.run_on(self.due - timedelta(days=3))
        mail = self._new_mails.filtered(lambda m: self.customer in m.recipient_ids)
        self.assertEqual(len(mail), 1)
        self.assertNotIn("/relance/confirm/", str(mail.body_html))
