"""Trust I, the customer's side: portal links, problem reports and dispute teams.

Each attack is made as the attacker would: HTTP requests on the portal (anonymous with
the link a customer received, or in an employee's authenticated session), or Odoo's
remote gate (``get_public_method`` then ``call_kw``) as a user holding the rights they
really have. Each comes with a positive control, so that a refusal for another reason
cannot pass for protection.
"""

import re
from datetime import timedelta

from freezegun import freeze_time

from odoo import Command, fields, tools
from odoo.exceptions import AccessError, UserError

from .common import RelanceHttpCase

COLLECTOR_GROUPS = ["relance_avancee.group_relance_user", "account.group_account_invoice"]
CSRF = re.compile(r'(?:name="csrf_token" value="|csrf_token: ")([^"]+)"')


class TrustPortalCase(RelanceHttpCase):
    test_module = "relance_avancee_disputes"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.today = fields.Date.context_today(cls.env["res.partner"])
        ref = cls.env.ref
        cls.reason_price = ref("relance_avancee_disputes.reason_price")
        cls.reason_wrong = ref("relance_avancee_disputes.reason_wrong_recipient")
        cls.team_sales = ref("relance_avancee_disputes.team_sales_admin")
        cls.member = cls._create_relance_user("team_member", ["base.group_user"])
        cls.team_sales.write(
            {"leader_id": cls.member.id, "member_ids": [Command.set(cls.member.ids)]}
        )

    def csrf(self, url="/web/login"):
        """The CSRF token of the current HTTP session (any page carries it)."""
        response = self.url_open(url)
        return CSRF.search(response.text).group(1)

    @staticmethod
    def path(url):
        return url[url.index("/relance/") :]


class TestPortalPromise(TrustPortalCase):
    """5. "Received, paid on D" pauses the invoice it names, once, within bounds."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer.relance_plan_id = cls.written_plan
        cls.due = cls.today + timedelta(days=10)
        cls.upcoming = cls.make_invoice(cls.customer, cls.due, 1200.0, invoice_date=cls.today)
        cls.overdue = cls.make_invoice(cls.customer, cls.today - timedelta(days=40), 800.0)

    def answer(self, invoice, pay_date, token=None):
        """Post "received, paid on ``pay_date``" with the invoice's confirmation link."""
        link = self.path(invoice._relance_confirmation_url())
        csrf = self.csrf(link)
        return self.url_open(
            f"/relance/confirm/{invoice.id}",
            data={
                "csrf_token": csrf,
                "access_token": token or invoice.access_token,
                "answer": "received",
                "pay_date": fields.Date.to_string(pay_date),
            },
        )

    def promises(self):
        return self.env["relance.history"].search(
            [("partner_id", "=", self.customer.id), ("outcome", "=", "promise")]
        )

    def decided(self, day):
        """Invoices the engine would remind on ``day``."""
        decisions = self.env["relance.engine"]._compute_decisions(self.company, day)
        return self.env["account.move"].union(*(d["moves"] for d in decisions))

    def assertNothingPromised(self, *invoices):
        self.env.invalidate_all()
        self.assertFalse(self.promises())
        self.assertFalse(self.customer.relance_promise_date)
        for invoice in invoices:
            self.assertFalse(invoice.relance_promise_date)

    def test_promise_pauses_its_invoice_only(self):
        pay_date = self.due + timedelta(days=5)
        response = self.answer(self.upcoming, pay_date)
        self.assertIn("Thank you", response.text)
        self.env.invalidate_all()
        self.assertEqual(self.upcoming.relance_promise_date, pay_date)
        self.assertEqual(self.promises().move_ids, self.upcoming, "the promise names it")
        self.assertFalse(self.customer.relance_promise_date, "not the whole customer")
        # The other overdue invoice keeps its rhythm; the promised one waits.
        self.assertEqual(self.decided(self.today), self.overdue)
        self.assertNotIn(self.upcoming, self.decided(self.due + timedelta(days=4)))
        grace = self.written_plan.grace_days
        self.assertIn(self.upcoming, self.decided(pay_date + timedelta(days=grace + 1)))

    def test_paid_or_overdue_invoices_are_refused(self):
        paid = self.make_invoice(self.customer, self.due, 300.0, invoice_date=self.today)
        self.pay(paid, 300.0, self.today)
        response = self.answer(paid, self.due)
        self.assertIn("is not open any more", response.text)
        response = self.answer(self.overdue, self.today + timedelta(days=20))
        self.assertIn("is already due", response.text)
        self.assertNothingPromised(paid, self.overdue)
        # Positive control: the open invoice not yet due is confirmed.
        self.assertIn("Thank you", self.answer(self.upcoming, self.due).text)
        self.upcoming.invalidate_recordset()
        self.assertEqual(self.upcoming.relance_promise_date, self.due)

    def test_payment_date_is_bounded_from_the_due_date(self):
        response = self.answer(self.upcoming, self.due + timedelta(days=31))
        self.assertIn("more than 30 days after the due date", response.text)
        self.assertNothingPromised(self.upcoming)
        latest = self.due + timedelta(days=30)
        self.assertIn("Thank you", self.answer(self.upcoming, latest).text)
        self.upcoming.invalidate_recordset()
        self.assertEqual(self.upcoming.relance_promise_date, latest)

    def test_an_invoice_is_confirmed_once(self):
        self.assertIn("Thank you", self.answer(self.upcoming, self.due).text)
        response = self.answer(self.upcoming, self.due + timedelta(days=20))
        self.assertIn("was already confirmed", response.text)
        self.env.invalidate_all()
        self.assertEqual(self.upcoming.relance_promise_date, self.due, "unchanged")
        self.assertEqual(len(self.promises()), 1)

    def test_an_employee_does_not_answer_for_the_customer(self):
        """A collector may read the invoice: without the link's token he is refused."""
        self.upcoming._portal_ensure_token()
        self.authenticate("collector", "collector")
        url = f"/relance/confirm/{self.upcoming.id}"
        self.assertEqual(self.url_open(url).status_code, 404)
        response = self.url_open(
            url,
            data={
                "csrf_token": self.csrf(),
                "answer": "received",
                "pay_date": fields.Date.to_string(self.due),
            },
        )
        self.assertEqual(response.status_code, 404)
        self.assertNothingPromised(self.upcoming)
        # Positive control: with the customer's link, the same session may answer.
        self.assertIn("Thank you", self.answer(self.upcoming, self.due).text)


class TestStatementLink(TrustPortalCase):
    """9. The reminder's statement link: the sending company's invoices, for a while."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.other_company = cls.setup_other_company()["company"]
        cls.here = cls.make_invoice(cls.customer, cls.today - timedelta(days=5), 700.0)
        cls.there = cls.make_invoice(
            cls.customer, cls.today - timedelta(days=5), 900.0, company=cls.other_company
        )

    @staticmethod
    def problem_link(invoice):
        return f"/relance/dispute/{invoice.id}?access_token="

    def test_statement_lists_the_sending_companys_invoices_only(self):
        with self.mock_mail_gateway():
            self.run_on(self.today)
        mail = self._new_mails.filtered(lambda m: self.customer in m.recipient_ids)
        link = re.search(r'href="([^"]*/relance/statement/[^"]+)"', str(mail.body_html)).group(1)
        page = self.url_open(self.path(link.replace("&amp;", "&")))
        self.assertEqual(page.status_code, 200)
        self.assertIn(self.problem_link(self.here), page.text, "the reminder's link works")
        self.assertNotIn(self.problem_link(self.there), page.text)
        self.assertNotIn(self.there.access_token or "no token", page.text)
        # The signature covers the company: it cannot be switched.
        partner_id, company_id, *signed = self.path(link).split("/")[3:]
        self.assertEqual(int(company_id), self.company.id)
        switched = "/".join(["/relance/statement", partner_id, str(self.other_company.id), *signed])
        self.assertEqual(self.url_open(switched).status_code, 404)

    def test_statement_link_expires(self):
        with freeze_time(fields.Datetime.now() - timedelta(days=61)):
            old = self.path(self.customer._relance_statement_url())
        page = self.url_open(old)
        self.assertEqual(page.status_code, 403)
        self.assertIn("This link has expired", page.text)
        self.assertNotIn(self.problem_link(self.here), page.text)
        # Positive control: a link of today opens.
        fresh = self.url_open(self.path(self.customer._relance_statement_url()))
        self.assertIn(self.problem_link(self.here), fresh.text)

    def test_a_reminders_link_is_the_same_whenever_it_is_rendered(self):
        """The link's expiry follows the reminder's date: rendering the same message a
        second later (a batch, then one by one) gives the same link."""
        with freeze_time("2026-12-01 08:00:00"):
            first = self.customer._relance_statement_url(self.company, issued="2026-12-01")
        with freeze_time("2026-12-01 17:59:59"):
            again = self.customer._relance_statement_url(self.company, issued="2026-12-01")
        self.assertEqual(first, again)
        later = self.customer._relance_statement_url(self.company, issued="2026-12-02")
        self.assertNotEqual(first, later)

    def test_links_of_earlier_reminders_fail_cleanly(self):
        """Before the expiry, links were the customer's keyed hash alone."""
        token = tools.hmac(self.env(su=True), "relance-statement", self.customer.id)
        page = self.url_open(f"/relance/statement/{self.customer.id}/{token}")
        self.assertEqual(page.status_code, 403)
        self.assertIn("This link has expired", page.text)
        self.assertNotIn(self.problem_link(self.here), page.text)
        self.assertNotIn(self.here.name, page.text)


class TestPortalProblemReports(TrustPortalCase):
    """10. A customer's problem report: one per invoice, text as text, and a wrong
    recipient that warns until accounting confirms it."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.invoice = cls.make_invoice(cls.customer, cls.today - timedelta(days=20), 1500.0)
        cls.invoice._portal_ensure_token()

    def report(self, reason, message):
        link = f"/relance/dispute/{self.invoice.id}?access_token={self.invoice.access_token}"
        return self.url_open(
            f"/relance/dispute/{self.invoice.id}",
            data={
                "csrf_token": self.csrf(link),
                "access_token": self.invoice.access_token,
                "reason_id": reason.id,
                "message": message,
            },
        )

    def activities(self):
        return self.env["mail.activity"].search(
            [("res_model", "=", "relance.dispute"), ("user_id", "=", self.member.id)]
        )

    def test_one_open_report_per_invoice(self):
        first = self.report(self.reason_price, "The discount is missing")
        self.invoice.invalidate_recordset()
        dispute = self.invoice.relance_dispute_ids
        self.assertEqual(len(dispute), 1, "the first report opens a dispute")
        self.assertIn(dispute.name, first.text)
        self.assertEqual(len(self.activities()), 1)
        messages = self.env["mail.message"].search_count([])
        again = self.report(self.reason_price, "Still missing!")
        self.assertEqual(again.status_code, 200)
        self.assertIn("is already being handled", again.text)
        self.assertIn(dispute.name, again.text)
        self.invoice.invalidate_recordset()
        self.assertEqual(self.invoice.relance_dispute_ids, dispute, "no second dispute")
        self.assertEqual(len(self.activities()), 1, "no second activity")
        self.assertEqual(self.env["mail.message"].search_count([]), messages, "no email")

    def test_customer_text_is_text(self):
        text = '<a href="https://evil.example/pay">Pay here</a> <img src="x">'
        self.report(self.reason_price, text)
        self.invoice.invalidate_recordset()
        dispute = self.invoice.relance_dispute_ids
        self.assertEqual(dispute.description, text, "stored as typed")
        note = str(self.activities().note)
        self.assertNotIn("<a ", note)
        self.assertNotIn("<img", note)
        self.assertIn("&lt;a href=", note, "shown as typed")
        messages = dispute.message_ids | self.invoice.message_ids
        bodies = " ".join(str(body) for body in messages.mapped("body"))
        self.assertNotIn('<a href="https://evil.example', bodies)
        self.assertIn("&lt;a href=", bodies)

    def _draft(self):
        invoice = self.init_invoice("out_invoice", self.customer, self.today, amounts=[100.0])
        invoice.ref = "PO-1"
        return invoice

    def test_reported_wrong_recipient_warns_until_accounting_confirms(self):
        self.company.relance_invoice_check_mode = "block"
        self.report(self.reason_wrong, "Send invoices to ap@other.example")
        self.customer.invalidate_recordset()
        self.assertTrue(self.customer.relance_invoice_address_wrong, "reported")
        invoice = self._draft()
        self.rpc(self.collector, "account.move", "action_post", invoice.ids)
        self.env.invalidate_all()
        self.assertEqual(invoice.state, "posted", "a customer's report does not block")
        self.assertIn("reported wrong", invoice.relance_check_warnings)
        # Only accounting confirms it: not an employee, nor a salesperson writing it.
        salesperson = self._create_relance_user(
            "address_sales", ["sales_team.group_sale_salesman", "base.group_partner_manager"]
        )
        with self.assertRaises(AccessError):
            self.rpc(
                salesperson,
                "res.partner",
                "write",
                self.customer.ids,
                {"relance_invoice_address_confirmed": True},
            )
        with self.assertRaises(AccessError):
            self.rpc(
                self.member,
                "res.partner",
                "action_relance_confirm_address_wrong",
                self.customer.ids,
            )
        self.customer.invalidate_recordset()
        self.assertFalse(self.customer.relance_invoice_address_confirmed)
        # Positive control: once an accountant confirms it, the next invoice is blocked.
        self.rpc(
            self.collector, "res.partner", "action_relance_confirm_address_wrong", self.customer.ids
        )
        blocked = self._draft()
        with self.assertRaisesRegex(UserError, "cannot be posted"):
            self.rpc(self.collector, "account.move", "action_post", blocked.ids)
        self.assertEqual(blocked.state, "draft")


class TestDisputeTeamMember(TrustPortalCase):
    """11. Team members work their disputes; what a dispute is about is the collectors'."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.invoice = cls.make_invoice(cls.customer, cls.today - timedelta(days=20), 1500.0)
        cls.second = cls.make_invoice(cls.customer, cls.today - timedelta(days=10), 400.0)
        cls.stranger = cls.env["res.partner"].create({"name": "Martin SARL", "is_company": True})
        cls.stranger_invoice = cls.make_invoice(cls.stranger, cls.today - timedelta(days=30))
        cls.dispute = cls.env["relance.dispute"].create(
            {
                "partner_id": cls.customer.id,
                "move_ids": [Command.set(cls.invoice.ids)],
                "reason_id": cls.reason_price.id,
            }
        )

    def test_member_cannot_rewrite_what_the_dispute_is_about(self):
        self.assertEqual(self.dispute.user_id, self.member, "his team's dispute")
        attacks = [
            {
                "partner_id": self.stranger.id,
                "move_ids": [Command.set(self.stranger_invoice.ids)],
            },
            {"move_ids": [Command.link(self.second.id)]},
            {"amount": 1.0},
            {"company_id": self.company.id},
            {"team_id": self.env.ref("relance_avancee_disputes.team_quality").id},
            {"state": "resolved"},
        ]
        for values in attacks:
            with self.subTest(values=values), self.assertRaises(AccessError):
                self.rpc(self.member, "relance.dispute", "write", self.dispute.ids, values)
        self.env.invalidate_all()
        self.assertRecordValues(
            self.dispute,
            [
                {
                    "partner_id": self.customer.id,
                    "move_ids": self.invoice.ids,
                    "amount": 1500.0,
                    "state": "assigned",
                    "team_id": self.team_sales.id,
                }
            ],
        )
        self.assertFalse(self.second.relance_suspended)
        self.assertFalse(self.stranger_invoice.relance_suspended)
        # Positive control: he works it (note, start, resolve) through the gate.
        self.rpc(
            self.member,
            "relance.dispute",
            "write",
            self.dispute.ids,
            {"resolution_note": "Discount applied on the next order"},
        )
        self.rpc(self.member, "relance.dispute", "action_start", self.dispute.ids)
        self.assertEqual(self.dispute.state, "in_progress")
        self.rpc(self.member, "relance.dispute", "action_resolve", self.dispute.ids, "reinvoicing")
        self.assertRecordValues(self.dispute, [{"state": "resolved", "resolution": "reinvoicing"}])
        # Collectors keep their rights on what the dispute is about.
        other = self.env["relance.dispute"].create(
            {"partner_id": self.customer.id, "reason_id": self.reason_price.id}
        )
        self.rpc(
            self.collector,
            "relance.dispute",
            "write",
            other.ids,
            {"move_ids": [Command.set(self.second.ids)], "amount": 350.0},
        )
        self.assertRecordValues(other, [{"move_ids": self.second.ids, "amount": 350.0}])

    def test_member_assigns_within_his_team_only(self):
        with self.assertRaises(AccessError):
            self.rpc(
                self.member,
                "relance.dispute",
                "write",
                self.dispute.ids,
                {"user_id": self.collector.id},
            )
        self.assertEqual(self.dispute.user_id, self.member)
        teammate = self._create_relance_user("teammate", ["base.group_user"])
        self.team_sales.member_ids = [Command.link(teammate.id)]
        self.rpc(
            self.member, "relance.dispute", "write", self.dispute.ids, {"user_id": teammate.id}
        )
        self.assertEqual(self.dispute.user_id, teammate)

    def test_reopening_is_a_collectors_decision_on_a_closed_dispute(self):
        self.dispute.action_reject(note="Price as quoted")
        self.assertFalse(self.invoice.relance_suspended)
        for method in ("action_reopen", "action_route"):
            with self.subTest(method=method), self.assertRaises(AccessError):
                self.rpc(self.member, "relance.dispute", method, self.dispute.ids)
        self.invoice.invalidate_recordset()
        self.assertEqual(self.dispute.state, "rejected")
        self.assertFalse(self.invoice.relance_suspended, "dunning not suspended again")
        # A collector reopens a closed dispute (positive control), not an open one.
        self.rpc(self.collector, "relance.dispute", "action_reopen", self.dispute.ids)
        self.assertEqual(self.dispute.state, "in_progress")
        self.assertTrue(self.invoice.relance_suspended)
        with self.assertRaisesRegex(UserError, "is not closed"):
            self.rpc(self.collector, "relance.dispute", "action_reopen", self.dispute.ids)
        with self.assertRaisesRegex(UserError, "already routed"):
            self.rpc(self.collector, "relance.dispute", "action_route", self.dispute.ids)
        self.assertEqual(self.dispute.state, "in_progress")
