from datetime import date

from freezegun import freeze_time
from lxml import etree

from odoo.exceptions import AccessError
from odoo.tools.safe_eval import safe_eval

from .common import RelanceCase

BOUNCE = """\
From: MAILER-DAEMON@mx.dupont.example.com (Mail Delivery System)
To: {sender}
Subject: Undelivered Mail Returned to Sender
Message-Id: <bounce-{n}@mx.dupont.example.com>
Date: Mon, 2 Feb 2026 08:00:00 +0000
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status;
 boundary="DSN-BOUNDARY"

--DSN-BOUNDARY
Content-Type: text/plain; charset=us-ascii

This is the mail system at host mx.dupont.example.com.
I'm sorry to have to inform you that your message could not be delivered.

<{recipient}>: host mx.dupont.example.com said: 550 5.1.1 User unknown

--DSN-BOUNDARY
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.dupont.example.com
Arrival-Date: Mon, 2 Feb 2026 07:59:58 +0000

Final-Recipient: rfc822; {recipient}
Original-Recipient: rfc822;{recipient}
Action: failed
Status: 5.1.1
Diagnostic-Code: smtp; 550 5.1.1 <{recipient}>: Recipient address rejected: User unknown

--DSN-BOUNDARY
Content-Type: message/rfc822

Message-Id: {original}
From: {sender}
To: {recipient}
Subject: {subject}
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8

Reminder.

--DSN-BOUNDARY--
"""

REPLY = """\
From: Compta Dupont <{recipient}>
To: {sender}
Subject: Re: {subject}
Message-Id: <reply-{n}@dupont.example.com>
In-Reply-To: {original}
References: {original}
Date: Sat, 7 Feb 2026 10:00:00 +0000
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8

We paid the invoice by transfer yesterday, please check.
"""


class TestMailFeedback(RelanceCase):
    """Bounces and replies come back through Odoo's own mail gateway
    (``mail.thread.message_process``) and reach the dunning actions."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.email = "recouvrement@company.example.com"
        # A second customer at the same stage: the positive control of every rule.
        cls.other = cls.env["res.partner"].create(
            {
                "name": "Martin SARL",
                "is_company": True,
                "email": "compta@martin.example.com",
                "street": "3 place Bellecour",
                "city": "Lyon",
                "zip": "69002",
                "relance_plan_id": cls.standard_plan.id,
                "relance_collector_id": cls.collector.id,
            }
        )
        cls.invoice = cls.make_invoice(cls.customer, "2026-01-31", 1000.0)
        cls.other_invoice = cls.make_invoice(cls.other, "2026-01-31", 800.0)

    def _remind(self, day):
        """Run the engine on ``day``: {customer: its action}."""
        with self.mock_mail_gateway():
            run = self.run_on(day)
        return {entry.partner_id: entry for entry in run.history_ids}

    def _process(self, template, entry, n=1, recipient=None):
        message = entry.message_id
        raw = template.format(
            n=n,
            sender=message.email_from,
            recipient=recipient or entry.recipient_id.email,
            original=message.message_id,
            subject=message.subject,
        )
        return self.env["mail.thread"].message_process(False, raw)

    # --- bounces -------------------------------------------------------------

    def test_bounce_marks_not_delivered_and_next_reminder_goes_by_letter(self):
        first = self._remind(date(2026, 2, 1))
        reminder = first[self.customer]
        self.assertEqual(reminder.channel, "email")
        with freeze_time("2026-02-02"):
            self._process(BOUNCE, reminder)
        # Odoo's own bounce handling ran: the notification is bounced, the partner counts it.
        notification = reminder.message_id.notification_ids
        self.assertEqual(notification.notification_status, "bounce")
        self.assertEqual(self.customer.message_bounce, 1)
        # Ours: the action is not delivered, the address is to be checked.
        self.assertTrue(reminder.email_bounced)
        self.assertIn("User unknown", reminder.email_bounce_reason)
        self.assertTrue(self.customer.relance_email_to_check)
        self.assertFalse(first[self.other].email_bounced, "only the reminder that bounced")
        self.assertFalse(self.other.relance_email_to_check)
        activity = self.customer.activity_ids.filtered(
            lambda a: "Check the email address" in (a.summary or "")
        )
        self.assertEqual(activity.user_id, self.collector)
        self.assertIn(
            self.customer,
            self.env["res.partner"].search([("relance_email_to_check", "=", True)]),
            "the 'Email To Check' filter finds it",
        )
        # The next level (due + 8, an email level) goes by letter; the other customer
        # is still emailed.
        second = self._remind(date(2026, 2, 8))
        self.assertRecordValues(
            second[self.customer], [{"channel": "letter", "state": "done", "executed": True}]
        )
        self.assertIn("undelivered", second[self.customer].fallback_reason)
        self.assertEqual(second[self.other].channel, "email")
        # Fixing the address lifts the flag: emails are tried again.
        self.customer.email = "comptabilite@dupont.example.com"
        self.assertFalse(self.customer.relance_email_to_check)

    def test_mail_that_is_not_a_bounce_flags_nothing(self):
        reminder = self._remind(date(2026, 2, 1))[self.customer]
        with freeze_time("2026-02-02"):
            self._process(REPLY, reminder)
        self.assertFalse(reminder.email_bounced)
        self.assertFalse(self.customer.relance_email_to_check)

    # --- replies -------------------------------------------------------------

    def test_reply_puts_the_customer_on_the_worklist_and_pauses_reminders(self):
        first = self._remind(date(2026, 2, 1))
        reminder = first[self.customer]
        with freeze_time("2026-02-07 10:00:00"):
            self._process(REPLY, reminder)
            today = date(2026, 2, 7)
            # The reply lands on the customer's chatter, answering the reminder.
            reply = self.customer.message_ids.filtered(
                lambda m: "paid the invoice by transfer" in str(m.body)
            )
            self.assertEqual(len(reply), 1)
            self.assertEqual(reply.message_type, "email")
            self.assertTrue(reminder.replied_date)
            self.assertFalse(first[self.other].replied_date)
            self.assertEqual(self.customer.relance_replied_date, today)
            # On today's worklist ("To Do Today" filter of the worklist action).
            view = self.env.ref("relance_avancee.res_partner_view_search_relance")
            domain = [
                ("relance_next_date", "!=", False),
                *safe_eval(
                    self._filter_domain(view, "relance_todo"),
                    {"context_today": lambda: today},
                ),
            ]
            worklist = self.env["res.partner"].search(domain)
            self.assertIn(self.customer, worklist)
            self.assertNotIn(self.other, worklist, "next reminder on 8 February")
        # 8 February: the second level is due for both; the customer who replied the
        # day before waits for its collector, the other one is reminded.
        second = self._remind(date(2026, 2, 8))
        self.assertNotIn(self.customer, second)
        self.assertEqual(second[self.other].channel, "email")
        # The pause lasts 3 days (7, 8, 9 February): reminded again on the 10th.
        third = self._remind(date(2026, 2, 10))
        self.assertEqual(third[self.customer].level_id, second[self.other].level_id)

    def test_a_logged_call_ends_the_pause(self):
        reminder = self._remind(date(2026, 2, 1))[self.customer]
        with freeze_time("2026-02-07 10:00:00"):
            self._process(REPLY, reminder)
        with freeze_time("2026-02-08 09:00:00"):
            wizard = (
                self.env["relance.call.outcome"]
                .with_user(self.collector)
                .create(
                    {
                        "partner_id": self.customer.id,
                        "move_ids": [(6, 0, self.invoice.ids)],
                        "outcome": "claims_paid",
                        "note": "Paid by transfer on 6 February, checking.",
                        "send_confirmation": False,
                    }
                )
            )
            wizard.action_confirm()
            second = self._remind(date(2026, 2, 8))
        self.assertIn(self.customer, second, "the collector has looked: dunning resumes")

    def test_a_colleagues_reply_is_not_the_customers(self):
        """An internal user answering the reminder from their mailbox: no pause."""
        reminder = self._remind(date(2026, 2, 1))[self.customer]
        with freeze_time("2026-02-07 10:00:00"):
            self._process(REPLY, reminder, recipient=self.collector.email)
        self.assertFalse(reminder.replied_date)
        self.assertFalse(self.customer.relance_replied_date)

    def test_a_user_cannot_fake_a_reply(self):
        """Only the mail gateway reports a reply: message_update is not callable over
        RPC, and a user's own call reports nothing."""
        reminder = self._remind(date(2026, 2, 1))[self.customer]
        fake = {"parent_id": reminder.message_id.id, "author_id": self.customer.id}
        with self.assertRaises(AccessError):
            self.rpc(self.collector, "res.partner", "message_update", [self.customer.id], fake)
        self.customer.with_user(self.collector).message_update(fake)
        self.assertFalse(reminder.replied_date)
        self.assertFalse(self.customer.relance_replied_date)
        # Positive control: the same reply through the gateway counts.
        with freeze_time("2026-02-07 10:00:00"):
            self._process(REPLY, reminder)
        self.assertTrue(reminder.replied_date)

    def _filter_domain(self, view, name):
        arch = etree.fromstring(view.get_combined_arch())
        return arch.xpath(f"//filter[@name='{name}']")[0].get("domain")
