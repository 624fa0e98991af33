import re
from datetime import date

from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError

from .common import RelanceCase, RelanceHttpCase


class DisputeCase(RelanceCase):
    test_module = "relance_avancee_disputes"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        ref = cls.env.ref
        cls.reason_price = ref("relance_avancee_disputes.reason_price")
        cls.reason_not_received = ref("relance_avancee_disputes.reason_not_received")
        cls.reason_defective = ref("relance_avancee_disputes.reason_defective")
        cls.team_sales = ref("relance_avancee_disputes.team_sales_admin")
        cls.team_quality = ref("relance_avancee_disputes.team_quality")
        cls.team_accounting = ref("relance_avancee_disputes.team_accounting")
        cls.sales_admin = cls._create_relance_user("sales_admin", ["base.group_user"])
        cls.team_sales.write(
            {"leader_id": cls.sales_admin.id, "member_ids": [(6, 0, cls.sales_admin.ids)]}
        )
        cls.invoice = cls.make_invoice(cls.customer, "2026-01-31", 1500.0)

    def open_dispute(self, reason, invoices=None, **values):
        return self.env["relance.dispute"].create(
            {
                "partner_id": self.customer.id,
                "move_ids": [(6, 0, (invoices or self.invoice).ids)],
                "reason_id": reason.id,
                **values,
            }
        )


@freeze_time("2026-02-10")
class TestDisputeRouting(DisputeCase):
    def test_first_matching_rule_assigns_team_leader_and_sla(self):
        dispute = self.open_dispute(self.reason_price)
        self.assertRegex(dispute.name, r"^DSP/2026/\d{5}$")
        self.assertRecordValues(
            dispute,
            [
                {
                    "state": "assigned",
                    "team_id": self.team_sales.id,
                    "user_id": self.sales_admin.id,
                    "category": "commercial",
                    "root_process": "sales",
                    "amount": 1500.0,
                    "deadline": date(2026, 2, 25),  # price disagreement: 15 days
                }
            ],
        )
        activity = dispute.activity_ids
        self.assertEqual(activity.user_id, self.sales_admin)
        self.assertIn(self.sales_admin.partner_id, dispute.message_partner_ids)

    def test_rule_order_wins_and_conditions_apply(self):
        special = self.env["relance.dispute.route"].create(
            {
                "name": "Big commercial disputes to the CFO",
                "sequence": 1,
                "category": "commercial",
                "min_amount": 1000.0,
                "team_id": self.team_accounting.id,
                "user_id": self.env.user.id,
                "sla_days": 3,
            }
        )
        big = self.open_dispute(self.reason_price)
        self.assertEqual((big.team_id, big.deadline), (self.team_accounting, date(2026, 2, 13)))
        small_invoice = self.make_invoice(self.customer, "2026-01-31", 100.0)
        small = self.open_dispute(self.reason_price, small_invoice)
        self.assertEqual(small.team_id, self.team_sales, "below the amount: next rule")
        special.typology_ids = self.env.ref("relance_avancee.relance_typology_public")
        other = self.open_dispute(self.reason_price, self.make_invoice(self.customer, "2026-01-31"))
        self.assertEqual(other.team_id, self.team_sales, "typology does not match")

    def test_no_rule_falls_back_to_the_default_team(self):
        self.env["relance.dispute.route"].search([]).active = False
        dispute = self.open_dispute(self.reason_defective)
        self.assertEqual(dispute.team_id, self.team_accounting)
        self.assertTrue(self.team_accounting.is_default)

    def test_invoice_of_another_customer_refused(self):
        other = self.env["res.partner"].create({"name": "Someone else"})
        foreign = self.make_invoice(other, "2026-01-31")
        with self.assertRaisesRegex(UserError, "belongs to another customer"):
            self.open_dispute(self.reason_price, foreign)


class TestDisputeSuspendsDunning(DisputeCase):
    def test_dispute_suspends_then_dunning_resumes_at_the_next_level(self):
        with self.mock_mail_gateway():
            self.run_on(date(2026, 2, 1))
        first = self.invoice.relance_level_id
        self.assertEqual(first.sequence, 10)
        dispute = self.open_dispute(self.reason_price)
        self.assertTrue(self.invoice.relance_suspended)
        self.assertTrue(self.invoice.relance_in_dispute)
        self.assertFalse(self.run_on(date(2026, 2, 20)).history_ids, "skipped while in dispute")
        dispute.action_reject(note="Price was as quoted")
        self.assertFalse(self.invoice.relance_suspended)
        with self.mock_mail_gateway():
            entry = self.run_on(date(2026, 3, 20)).history_ids
        self.assertEqual(entry.level_id.sequence, 20, "resumes where it stopped, no jump")

    def test_call_outcome_dispute_opens_a_routed_dispute(self):
        wizard = self.env["relance.call.outcome"].create(
            {
                "partner_id": self.customer.id,
                "move_ids": [(6, 0, self.invoice.ids)],
                "outcome": "dispute",
                "dispute_reason_id": self.reason_price.id,
                "note": "Discount not applied",
                "send_confirmation": False,
            }
        )
        wizard.action_confirm()
        dispute = self.invoice.relance_dispute_ids
        self.assertEqual(dispute.source, "call")
        self.assertEqual(dispute.team_id, self.team_sales)
        self.assertTrue(self.invoice.relance_suspended)
        self.assertFalse(self.invoice.relance_excluded, "suspended by the dispute, not excluded")

    def test_resolution_actions_leave_a_trace(self):
        dispute = self.open_dispute(self.reason_not_received)
        with self.mock_mail_gateway():
            dispute.action_send_duplicate()
        self.assertRecordValues(dispute, [{"state": "resolved", "resolution": "duplicate_sent"}])
        self.assertTrue(self._new_mails.filtered(lambda m: self.customer in m.recipient_ids))
        self.assertTrue(any("Duplicate" in m.body for m in dispute.message_ids))
        action = self.open_dispute(self.reason_price).action_credit_note()
        self.assertEqual(action["res_model"], "account.move.reversal")
        self.assertEqual(action["context"]["active_ids"], self.invoice.ids)

    def test_resolve_needs_a_resolution(self):
        dispute = self.open_dispute(self.reason_price)
        with self.assertRaisesRegex(UserError, "Choose how"):
            dispute.action_resolve()


class TestDisputeSla(DisputeCase):
    def test_escalation_on_the_day_after_the_deadline(self):
        with freeze_time("2026-02-10"):
            dispute = self.open_dispute(self.reason_price)
        self.assertEqual(dispute.deadline, date(2026, 2, 25))
        Dispute = self.env["relance.dispute"]
        self.assertFalse(Dispute._cron_escalate_late(date(2026, 2, 25)))
        self.assertEqual(Dispute._cron_escalate_late(date(2026, 2, 26)), dispute)
        self.assertTrue(dispute.escalated)
        late_activity = dispute.activity_ids.filtered(lambda a: "Late dispute" in a.summary)
        self.assertEqual(late_activity.user_id, self.sales_admin, "the team leader")
        self.assertFalse(Dispute._cron_escalate_late(date(2026, 2, 27)), "escalated once")


class TestDisputeAccess(DisputeCase):
    def test_team_member_edits_his_teams_disputes_only(self):
        mine = self.open_dispute(self.reason_price)
        theirs = self.open_dispute(
            self.reason_defective, self.make_invoice(self.customer, "2026-01-31")
        )
        self.assertEqual(theirs.team_id, self.team_quality)
        as_member = self.env["relance.dispute"].with_user(self.sales_admin)
        self.assertEqual(as_member.search([("id", "in", (mine | theirs).ids)]), mine)
        mine.with_user(self.sales_admin).write({"resolution_note": "Checked with sales"})
        with self.assertRaises(AccessError):
            theirs.with_user(self.sales_admin).write({"resolution_note": "Not mine"})

    def test_salesperson_reads_only(self):
        salesman = self._create_relance_user("disp_sales", ["sales_team.group_sale_salesman"])
        dispute = self.open_dispute(self.reason_defective)
        self.assertEqual(dispute.with_user(salesman).reason_id, self.reason_defective)
        with self.assertRaises(AccessError):
            dispute.with_user(salesman).write({"resolution_note": "x"})
        with self.assertRaises(AccessError):
            self.env["relance.dispute"].with_user(salesman).create(
                {"partner_id": self.customer.id, "reason_id": self.reason_price.id}
            )


class TestDisputePortal(RelanceHttpCase, DisputeCase):
    test_module = "relance_avancee_disputes"

    def _csrf(self, url):
        response = self.url_open(url)
        self.assertEqual(response.status_code, 200)
        return re.search(r'name="csrf_token" value="([^"]+)"', response.text).group(1), response

    def test_customer_reports_a_problem_from_the_reminder_link(self):
        url = self.customer._relance_statement_url()
        statement = self.url_open(url)
        self.assertEqual(statement.status_code, 200)
        self.assertIn(self.invoice.name, statement.text)
        link = re.search(
            r'href="(/relance/dispute/\d+\?access_token=[^"]+)"', statement.text
        ).group(1)
        token, form = self._csrf(link.replace("&amp;", "&"))
        self.assertIn(self.reason_price.name, form.text)
        response = self.url_open(
            f"/relance/dispute/{self.invoice.id}",
            data={
                "csrf_token": token,
                "access_token": self.invoice.access_token,
                "reason_id": self.reason_price.id,
                "message": "The discount is missing",
            },
        )
        self.assertEqual(response.status_code, 200)
        dispute = self.invoice.relance_dispute_ids
        self.assertEqual(dispute.partner_id, self.customer)
        self.assertEqual(dispute.source, "portal")
        self.assertEqual(dispute.team_id, self.team_sales, "routed like any other")
        self.assertIn(dispute.name, response.text)
        self.assertTrue(self.invoice.relance_suspended)

    def test_wrong_tokens_and_other_customers_are_refused(self):
        other = self.env["res.partner"].create({"name": "Other customer"})
        other_invoice = self.make_invoice(other, "2026-01-31", 99.0)
        other_invoice._portal_ensure_token()
        bad_statement = f"/relance/statement/{self.customer.id}/{other._relance_statement_token()}"
        self.assertEqual(self.url_open(bad_statement).status_code, 404)
        statement = self.url_open(self.customer._relance_statement_url())
        self.assertNotIn(other_invoice.name, statement.text)
        # The customer's token does not open another customer's invoice.
        self.invoice._portal_ensure_token()
        response = self.url_open(
            f"/relance/dispute/{other_invoice.id}?access_token={self.invoice.access_token}"
        )
        self.assertEqual(response.status_code, 404)
        self.assertEqual(self.url_open(f"/relance/dispute/{self.invoice.id}").status_code, 404)
        self.assertFalse(other_invoice.relance_dispute_ids)

    def test_reminder_email_carries_the_statement_link(self):
        with self.mock_mail_gateway():
            self.run_on(date(2026, 2, 1))
        mail = self._new_mails.filtered(lambda m: self.customer in m.recipient_ids)
        self.assertIn(f"/relance/statement/{self.customer.id}/", str(mail.body_html))
