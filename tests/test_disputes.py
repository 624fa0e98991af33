import re
from datetime import date
from unittest.mock import patch

from freezegun import freeze_time
from lxml import etree

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import Form
from odoo.tools.safe_eval import safe_eval

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
        cls.reason_missing_po = ref("relance_avancee_disputes.reason_missing_po")
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
        dispute = self.open_dispute(self.reason_price)
        cr = self.env.cr
        with self.assertRaisesRegex(UserError, "belongs to another customer"), cr.savepoint():
            dispute.write({"move_ids": [Command.link(foreign.id)]})
        self.assertEqual(dispute.move_ids, self.invoice)
        with self.assertRaisesRegex(UserError, "belongs to another customer"), cr.savepoint():
            dispute.write({"partner_id": other.id})
        self.assertEqual(dispute.partner_id, self.customer)

    def test_routing_by_reason(self):
        self.env["relance.dispute.route"].create(
            {
                "name": "Defects seen by sales first",
                "sequence": 1,
                "reason_ids": [Command.set(self.reason_defective.ids)],
                "team_id": self.team_sales.id,
            }
        )
        defect = self.open_dispute(self.reason_defective)
        self.assertEqual((defect.team_id, defect.user_id), (self.team_sales, self.sales_admin))
        late = self.open_dispute(
            self.env.ref("relance_avancee_disputes.reason_late_delivery"),
            self.make_invoice(self.customer, "2026-01-31"),
        )
        self.assertEqual(late.team_id, self.env.ref("relance_avancee_disputes.team_logistics"))

    def test_routing_by_company(self):
        other_company = self.setup_other_company()["company"]
        self.env["relance.dispute.route"].create(
            {
                "name": "Everything of the second company to quality",
                "sequence": 1,
                "company_id": other_company.id,
                "team_id": self.team_quality.id,
            }
        )
        here = self.open_dispute(self.reason_price)
        self.assertEqual(here.team_id, self.team_sales, "rule of another company ignored")
        invoice_there = self.make_invoice(self.customer, "2026-01-31", company=other_company)
        there = (
            self.env["relance.dispute"]
            .with_company(other_company)
            .create(
                {
                    "partner_id": self.customer.id,
                    "company_id": other_company.id,
                    "move_ids": [Command.set(invoice_there.ids)],
                    "reason_id": self.reason_price.id,
                }
            )
        )
        self.assertEqual(there.team_id, self.team_quality)
        with self.assertRaisesRegex(UserError, "another company"):
            here.write({"move_ids": [Command.link(invoice_there.id)]})


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

    def _reverse(self, action, is_modify=False):
        wizard = Form(self.env[action["res_model"]].with_context(**action["context"]))
        wizard.reason = "Agreed with the customer"
        wizard = wizard.save()
        wizard.reverse_moves(is_modify=is_modify)
        return wizard

    def test_credit_note_from_odoos_reversal_is_linked_and_resolves(self):
        dispute = self.open_dispute(self.reason_price)
        action = dispute.action_credit_note()
        self.assertEqual(action["res_model"], "account.move.reversal")
        self.assertEqual(dispute.state, "assigned", "nothing is resolved before the credit note")
        self._reverse(action)
        credit_note = dispute.credit_note_ids
        self.assertRecordValues(
            credit_note,
            [
                {
                    "move_type": "out_refund",
                    "reversed_entry_id": self.invoice.id,
                    "amount_total": 1500.0,
                    "partner_id": self.customer.id,
                }
            ],
        )
        self.assertIn(credit_note.state, ("draft", "posted"))
        self.assertRecordValues(dispute, [{"state": "resolved", "resolution": "credit_note"}])
        self.assertFalse(self.invoice.relance_suspended)
        self.assertTrue(any("Credit note" in m.body for m in dispute.message_ids))

    def test_full_refund_and_new_invoice_is_a_reinvoicing(self):
        dispute = self.open_dispute(self.reason_price)
        self._reverse(dispute.action_credit_note(), is_modify=True)
        self.assertEqual(dispute.credit_note_ids.state, "posted")
        self.assertEqual(self.invoice.payment_state, "reversed")
        self.assertRecordValues(dispute, [{"state": "resolved", "resolution": "reinvoicing"}])

    def test_commercial_gesture_keeps_its_resolution(self):
        dispute = self.open_dispute(self.reason_price)
        with self.assertRaisesRegex(UserError, "Describe the commercial gesture"):
            dispute.action_commercial_gesture()
        dispute.resolution_note = "10 % discount granted"
        action = dispute.action_commercial_gesture()
        self.assertEqual(dispute.resolution, "commercial_gesture")
        self._reverse(action)
        self.assertRecordValues(
            dispute,
            [
                {
                    "state": "resolved",
                    "resolution": "commercial_gesture",
                    "resolution_note": "10 % discount granted",
                }
            ],
        )
        self.assertEqual(dispute.credit_note_ids.move_type, "out_refund")
        self.assertTrue(any("Commercial gesture" in m.body for m in dispute.message_ids))

    def test_payment_found_needs_the_payment_and_links_it(self):
        dispute = self.open_dispute(self.env.ref("relance_avancee_disputes.reason_already_paid"))
        with self.assertRaisesRegex(UserError, "Select the payment"):
            dispute.action_payment_found()
        self.assertEqual(dispute.state, "assigned")
        payment = self.pay(self.invoice, 1500.0, "2026-01-28")
        dispute.payment_id = payment
        dispute.action_payment_found()
        self.assertRecordValues(
            dispute,
            [{"state": "resolved", "resolution": "payment_found", "payment_id": payment.id}],
        )
        self.assertTrue(
            any(
                "Payment found" in m.body and payment.display_name in m.body
                for m in dispute.message_ids
            )
        )

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
        self.assertTrue(
            any(
                "Deadline" in m.body and "escalated to Sales_Admin" in m.body
                for m in dispute.message_ids
            ),
            "the escalation is told in the chatter",
        )

    @freeze_time("2026-02-10")
    def test_sla_runs_from_the_opening_date(self):
        dispute = self.open_dispute(self.reason_price, date_open=date(2026, 2, 1))
        self.assertEqual(dispute.deadline, date(2026, 2, 16), "1 Feb + 15 days, not 10 Feb + 15")

    def test_new_deadline_resets_the_escalation(self):
        with freeze_time("2026-02-10"):
            dispute = self.open_dispute(self.reason_price)
        Dispute = self.env["relance.dispute"]
        self.assertEqual(Dispute._cron_escalate_late(date(2026, 2, 26)), dispute)
        self.assertTrue(dispute.escalated)
        dispute.deadline = date(2026, 3, 10)
        self.assertFalse(dispute.escalated, "a new deadline: not escalated any more")
        self.assertFalse(Dispute._cron_escalate_late(date(2026, 3, 10)))
        self.assertEqual(Dispute._cron_escalate_late(date(2026, 3, 11)), dispute)
        dispute.write({"deadline": date(2026, 3, 10), "resolution_note": "same deadline"})
        self.assertTrue(dispute.escalated, "an unchanged deadline keeps the escalation")


class TestDisputePartnerAndInvoice(DisputeCase):
    def test_partner_chatter_tells_opening_and_closing(self):
        dispute = self.open_dispute(self.reason_price)
        notes = self.customer.message_ids.mapped("body")
        self.assertTrue(
            any(dispute.name in b and "opened" in b and self.invoice.name in b for b in notes)
        )
        dispute.action_reject(note="As quoted")
        self.customer.invalidate_recordset()
        notes = self.customer.message_ids.mapped("body")
        self.assertTrue(any(dispute.name in b and "closed: Rejected" in b for b in notes))

    def test_report_a_dispute_from_the_invoice_and_the_partner(self):
        action = self.invoice.action_relance_report_dispute()
        form = Form(self.env[action["res_model"]].with_context(**action["context"]))
        form.reason_id = self.reason_price
        dispute = form.save()
        self.assertEqual((dispute.partner_id, dispute.move_ids), (self.customer, self.invoice))
        self.assertEqual(dispute.amount, 1500.0)
        self.assertEqual(dispute.team_id, self.team_sales)
        contact = self.env["res.partner"].create(
            {"name": "Accounts payable", "parent_id": self.customer.id}
        )
        action = contact.action_relance_report_dispute()
        self.assertEqual(action["context"]["default_partner_id"], self.customer.id)
        form = Form(self.env[action["res_model"]].with_context(**action["context"]))
        form.reason_id = self.reason_not_received
        form.move_ids.add(self.make_invoice(self.customer, "2026-02-28", 200.0))
        second = form.save()
        self.assertEqual(second.partner_id, self.customer)
        self.assertEqual(second.amount, 200.0)

    def test_open_dispute_count_on_the_partner(self):
        contact = self.env["res.partner"].create({"name": "Buyer", "parent_id": self.customer.id})
        self.open_dispute(self.reason_price)
        self.open_dispute(self.reason_defective)
        self.open_dispute(self.reason_not_received).action_reject(note="Sent twice")
        (self.customer | contact).invalidate_recordset()
        self.assertEqual(self.customer.relance_open_dispute_count, 2)
        self.assertEqual(contact.relance_open_dispute_count, 2, "the company's disputes")
        self.assertEqual(len(self.customer.relance_open_dispute_ids), 2)


@freeze_time("2026-03-15")
class TestDisputeAnalysis(DisputeCase):
    def _filter_domain(self, name, user):
        arch = self.env["relance.dispute"].with_user(user).get_view(view_type="search")["arch"]
        node = etree.fromstring(arch).xpath(f"//filter[@name='{name}']")[0]
        if node.get("domain"):
            return safe_eval(node.get("domain"), {"uid": user.id})
        return safe_eval(node.get("context"))["group_by"]

    def test_preventable_disputes_by_root_process_and_month(self):
        values = [
            (self.reason_not_received, "2026-01-12"),  # invoicing, preventable
            (self.reason_not_received, "2026-02-03"),  # invoicing, preventable
            (self.reason_missing_po, "2026-02-20"),  # sales, preventable
            (self.reason_price, "2026-02-21"),  # sales, not preventable
        ]
        disputes = self.env["relance.dispute"]
        for reason, day in values:
            disputes |= self.open_dispute(reason, date_open=fields.Date.to_date(day))
        self.assertEqual(disputes.mapped("preventable"), [True, True, True, False])
        domain = self._filter_domain("preventable", self.env.user)
        self.assertEqual(domain, [("preventable", "=", True)])
        groups = self.env["relance.dispute"]._read_group(
            [("id", "in", disputes.ids), *domain],
            ["root_process", "date_open:month"],
            ["__count", "amount:sum"],
        )
        by_month = {
            (process, month.strftime("%Y-%m")): (count, total)
            for process, month, count, total in groups
        }
        self.assertEqual(
            by_month,
            {
                ("invoicing", "2026-01"): (1, 1500.0),
                ("invoicing", "2026-02"): (1, 1500.0),
                ("sales", "2026-02"): (1, 1500.0),
            },
        )
        action = self.env.ref("relance_avancee_disputes.relance_dispute_action_preventable")
        self.assertEqual(safe_eval(action.context), {"search_default_preventable": 1})
        graph = self.env["relance.dispute"].get_view(
            self.env.ref("relance_avancee_disputes.relance_dispute_view_graph_preventable").id,
            "graph",
        )["arch"]
        self.assertIn('interval="month"', graph)

    def test_average_resolution_time_counts_closed_disputes_only(self):
        still_open = self.open_dispute(self.reason_price, date_open=date(2026, 3, 1))
        closed = self.open_dispute(self.reason_defective, date_open=date(2026, 3, 1))
        with freeze_time("2026-03-11"):
            closed.action_reject(note="Works as specified")
        self.assertEqual(closed.resolution_days, 10)
        [(average,)] = self.env["relance.dispute"]._read_group(
            [("id", "in", (still_open | closed).ids)], [], ["resolution_days:avg"]
        )
        self.assertEqual(average, 10.0, "not (0 + 10) / 2")
        by_state = dict(
            self.env["relance.dispute"]._read_group(
                [("id", "in", (still_open | closed).ids)], ["state"], ["resolution_days:avg"]
            )
        )
        self.assertEqual(by_state["rejected"], 10.0)
        self.assertIs(by_state["assigned"], False, "no closed dispute: no average (not 0)")

    def test_search_filters_and_groupings(self):
        mine = self.open_dispute(self.reason_price)  # sales admin team, late (deadline 30 Mar)
        mine.deadline = date(2026, 3, 1)
        quality = self.open_dispute(
            self.reason_defective, self.make_invoice(self.customer, "2026-02-28")
        )
        quality.deadline = date(2026, 4, 30)
        both = mine | quality
        Dispute = self.env["relance.dispute"]

        def search(name, user=self.sales_admin):
            domain = self._filter_domain(name, user)
            return Dispute.search([("id", "in", both.ids), *domain])

        admin = self.env.ref("base.user_admin")  # leads the quality team
        self.assertEqual(search("mine"), mine)
        self.assertEqual(search("my_team"), mine)
        self.assertEqual(search("mine", admin), quality)
        self.assertEqual(search("my_team", admin), quality)
        self.assertEqual(search("late"), mine)
        quality.deadline = date(2026, 3, 14)
        self.assertEqual(search("late"), both)
        quality.action_reject(note="No defect")
        self.assertEqual(search("late"), mine, "closed disputes are never late")
        for name, expected in (
            ("group_reason", {self.reason_price: 1, self.reason_defective: 1}),
            ("group_root_process", {"sales": 1, "production": 1}),
        ):
            groupby = self._filter_domain(name, self.env.user)
            groups = dict(Dispute._read_group([("id", "in", both.ids)], [groupby], ["__count"]))
            self.assertEqual(groups, expected)

    def test_open_filter_and_buttons_follow_the_open_states(self):
        """New (not routed), assigned and in progress are open: the "Open" filter finds
        them and they suspend dunning; resolved and rejected are not. One list says so."""
        Dispute = self.env["relance.dispute"]
        new = self.open_dispute(self.reason_price)
        new.write({"state": "new", "team_id": False, "user_id": False})
        assigned = self.open_dispute(
            self.reason_price, self.make_invoice(self.customer, "2026-02-01")
        )
        started = self.open_dispute(
            self.reason_price, self.make_invoice(self.customer, "2026-02-02")
        )
        started.action_start()
        resolved = self.open_dispute(
            self.reason_price, self.make_invoice(self.customer, "2026-02-03")
        )
        resolved.action_resolve("payment_found")
        rejected = self.open_dispute(
            self.reason_price, self.make_invoice(self.customer, "2026-02-04")
        )
        rejected.action_reject(note="Price as agreed")
        every = new | assigned | started | resolved | rejected
        self.assertEqual(
            every.mapped("state"), ["new", "assigned", "in_progress", "resolved", "rejected"]
        )
        opened = new | assigned | started
        domain = self._filter_domain("open", self.sales_admin)
        self.assertEqual(Dispute.search([("id", "in", every.ids), *domain]), opened)
        self.assertEqual(every.filtered("is_open"), opened)
        self.assertEqual(
            Dispute.search([("id", "in", every.ids), ("is_open", "=", False)]), resolved | rejected
        )
        self.assertEqual(every.move_ids.filtered("relance_suspended"), opened.move_ids)
        self.assertEqual(
            every.move_ids.filtered("relance_in_dispute"), opened.move_ids, "same rule"
        )
        self.assertEqual(self.customer.relance_open_dispute_ids, opened)
        self.assertEqual(self.customer.relance_open_dispute_count, 3)
        # The buttons of the form: resolve/reject while open, reopen once closed.
        arch = etree.fromstring(Dispute.get_view(view_type="form")["arch"])
        reject = arch.xpath("//button[@name='action_reject']")[0].get("invisible")
        reopen = arch.xpath("//button[@name='action_reopen']")[0].get("invisible")
        for dispute in every:
            context = {"is_open": dispute.is_open, "state": dispute.state, "can_edit_case": True}
            self.assertEqual(not safe_eval(reject, context), dispute.is_open, dispute.state)
            self.assertEqual(not safe_eval(reopen, context), not dispute.is_open, dispute.state)


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

    def test_team_member_outside_accounting_works_his_dispute(self):
        member = self.sales_admin
        self.assertFalse(member.has_group("account.group_account_readonly"))
        dispute = self.open_dispute(self.reason_price)
        self.env.invalidate_all()
        as_member = dispute.with_user(member)
        with self.assertRaises(AccessError):
            self.invoice.with_user(member).read(["name"])
        # The form loads without reading invoices, and shows their numbers.
        form = Form(as_member)
        self.assertEqual(form.move_names, self.invoice.name)
        self.assertEqual(form.amount, 1500.0)
        as_member.action_start()
        self.assertEqual(dispute.state, "in_progress")
        as_member.write({"resolution_note": "Discount applied on the next order"})
        as_member.action_resolve("reinvoicing")
        self.assertRecordValues(dispute, [{"state": "resolved", "resolution": "reinvoicing"}])
        self.invoice.invalidate_recordset()
        self.assertFalse(self.invoice.relance_suspended, "dunning resumes")
        closing = self.invoice.message_ids.filtered(lambda m: "closed: dunning resumes" in m.body)
        self.assertEqual(closing.author_id, member.partner_id, "traced as the member")

    def test_team_member_is_told_which_fields_only_collectors_change(self):
        dispute = self.open_dispute(self.reason_price)
        as_member = dispute.with_user(self.sales_admin)
        # The message names the fields by their labels, in alphabetical order.
        with self.assertRaisesRegex(
            AccessError, "Only collectors can change Deadline, What the customer says of a dispute"
        ):
            as_member.write({"deadline": "2026-06-30", "description": "Late delivery"})
        as_member.write({"resolution_note": "Positive control: a member's field"})
        self.assertEqual(dispute.resolution_note, "Positive control: a member's field")

    def test_salesperson_reads_only(self):
        salesman = self._create_relance_user("disp_sales", ["sales_team.group_sale_salesman"])
        dispute = self.open_dispute(self.reason_defective)
        self.env.invalidate_all()
        Dispute = self.env["relance.dispute"].with_user(salesman)
        found = Dispute.search([("id", "=", dispute.id)])
        self.assertEqual(found, dispute, "salespeople see every dispute")
        [values] = found.read(["name", "reason_id", "state", "team_id"])
        self.assertEqual(values["reason_id"][0], self.reason_defective.id)
        self.assertEqual(values["team_id"][0], self.team_quality.id)
        with self.assertRaises(AccessError):
            dispute.with_user(salesman).write({"resolution_note": "x"})
        with self.assertRaises(AccessError):
            dispute.with_user(salesman).action_start()
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
        # Another customer's signed link, with our customer's id: refused.
        other_path = other._relance_statement_url().split("/relance/statement/")[1]
        bad_statement = f"/relance/statement/{self.customer.id}/{other_path.split('/', 1)[1]}"
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
        # Posting a problem on the other invoice with our token: refused, nothing created.
        csrf, _form = self._csrf(
            f"/relance/dispute/{self.invoice.id}?access_token={self.invoice.access_token}"
        )
        response = self.url_open(
            f"/relance/dispute/{other_invoice.id}",
            data={
                "csrf_token": csrf,
                "access_token": self.invoice.access_token,
                "reason_id": self.reason_price.id,
                "message": "Not mine",
            },
        )
        self.assertEqual(response.status_code, 404)
        other_invoice.invalidate_recordset()
        self.assertFalse(other_invoice.relance_dispute_ids)
        self.assertFalse(self.env["relance.dispute"].search([("partner_id", "=", other.id)]))

    def test_reminder_email_carries_the_statement_link(self):
        with self.mock_mail_gateway():
            self.run_on(date(2026, 2, 1))
        mail = self._new_mails.filtered(lambda m: self.customer in m.recipient_ids)
        self.assertIn(f"/relance/statement/{self.customer.id}/", str(mail.body_html))


class TestDisputedOnDate(DisputeCase):
    """Which invoices were in dispute on a date: the same answer whether a few
    invoices are asked about or a whole ledger (the aged balance's path)."""

    def test_same_answer_for_few_and_many_invoices(self):
        other = self.make_invoice(self.customer, "2026-02-28", 800.0)
        third = self.make_invoice(self.customer, "2026-03-15", 300.0)
        closed = self.open_dispute(self.reason_defective, other, date_open=date(2026, 3, 1))
        with freeze_time("2026-03-20"):
            closed.action_reject(note="Works as specified")
        self.open_dispute(self.reason_price, date_open=date(2026, 3, 10))
        moves = self.invoice | other | third
        module = "odoo.addons.relance_avancee_disputes.models.account_move.MANY_INVOICES"
        expected = {
            date(2026, 2, 28): set(),
            date(2026, 3, 5): {other.id},
            date(2026, 3, 12): {other.id, self.invoice.id},
            date(2026, 3, 25): {self.invoice.id},
        }
        for day, ids in expected.items():
            with self.subTest(day=day):
                self.assertEqual(moves._relance_disputed_on(day), ids)
                with patch(module, 0):  # the many-invoices path
                    self.assertEqual(moves._relance_disputed_on(day), ids)
                    # Invoices not asked about stay out, even in dispute.
                    self.assertEqual((moves - other)._relance_disputed_on(day), ids - {other.id})
