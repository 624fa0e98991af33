"""Typology rules (#18.6): the accountant's rules propose a typology per customer from
its twelve-month revenue, average invoice, outstanding amount, payer score and public
status; the first matching rule wins; proposals are reviewed and applied, or applied
by the daily run; every change is traced and a person's choice is respected."""

from datetime import date, timedelta

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError, ValidationError

from .common import RelanceCase, RelanceHttpCase

DAY = date(2026, 6, 30)


class TypologyRulesCase(RelanceCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.key = cls.env.ref("relance_avancee.relance_typology_key_account")
        cls.small = cls.env.ref("relance_avancee.relance_typology_small_sme")
        cls.safe = cls.env.ref("relance_avancee.relance_typology_safe")
        cls.risk = cls.env.ref("relance_avancee.relance_typology_risk")
        cls.public = cls.env.ref("relance_avancee.relance_typology_public")
        cls.manager = cls._create_relance_user(
            "typology_manager",
            ["relance_avancee.group_relance_manager", "account.group_account_invoice"],
        )
        cls.Rule = cls.env["relance.typology.rule"]

    @classmethod
    def _customer(cls, name, **values):
        return cls.env["res.partner"].create({"name": name, "is_company": True, **values})

    @classmethod
    def _rule(cls, name, typology, sequence=10, company=None, **criteria):
        return cls.Rule.create(
            {
                "name": name,
                "typology_id": typology.id,
                "sequence": sequence,
                "company_id": (company or cls.company).id,
                **criteria,
            }
        )

    def _proposed(self, day=DAY, company=None, partners=None):
        """{customer: (proposed typology, rule)}."""
        return {
            p["partner"]: (p["typology"], p["rule"])
            for p in self.Rule._relance_proposals(company or self.company, day, partners)
        }

    @staticmethod
    def _figures(**values):
        base = {
            "revenue": 0.0,
            "invoice_count": 0,
            "average": None,
            "outstanding": 0.0,
            "payer_score": False,
            "public": False,
        }
        return dict(base, **values)


class TestTypologyFigures(TypologyRulesCase):
    def test_revenue_average_outstanding_hand_computed(self):
        customer = self._customer("Figures SA")
        vat = self.env["account.tax"].create(
            {"name": "VAT 20 test", "amount": 20.0, "type_tax_use": "sale"}
        )
        # 1,000.00 + 20 % VAT = 1,200.00, dated 10 days before: in the window.
        taxed = self.init_invoice(
            "out_invoice", customer, DAY - timedelta(days=10), amounts=[1000.0], taxes=vat
        )
        taxed.action_post()
        # The first day of the window (364 days before) counts, the day before does not.
        first_day = self.make_invoice(customer, DAY - timedelta(days=364), 3000.0)
        self.make_invoice(customer, DAY - timedelta(days=365), 500.0)
        # After the day: not counted either.
        self.make_invoice(customer, DAY + timedelta(days=1), 7000.0)
        # A credit note of 400.00 in the window.
        refund = self.init_invoice(
            "out_refund", customer, DAY - timedelta(days=5), amounts=[400.0], taxes=[]
        )
        refund.action_post()
        # A penalty invoice is not revenue.
        penalty = self.make_invoice(customer, DAY - timedelta(days=3), 40.0)
        penalty.sudo().relance_is_penalty = True
        # 2,000.00 of the first-day invoice paid.
        self.pay(first_day, 2000.0, DAY - timedelta(days=2))

        figures = customer._relance_typology_figures(self.company, DAY)[customer.id]

        # Revenue (untaxed): 1,000 + 3,000 - 400 = 3,600.00.
        self.assertEqual(figures["revenue"], 3600.0)
        # Average of the two invoices of the window (untaxed): (1,000 + 3,000) / 2.
        self.assertEqual(figures["invoice_count"], 2)
        self.assertEqual(figures["average"], 2000.0)
        # Still owed (taxes included): 1,200 + (3,000 - 2,000) + 500 + 7,000 + 40
        # - 400 (open credit note) = 9,340.00.
        self.assertEqual(figures["outstanding"], 9340.0)
        self.assertFalse(figures["public"])
        self.assertFalse(figures["payer_score"])

    def test_no_invoice_in_the_window_no_average(self):
        customer = self._customer("Dormant SA")
        self.make_invoice(customer, DAY - timedelta(days=400), 800.0)
        figures = customer._relance_typology_figures(self.company, DAY)[customer.id]
        self.assertEqual(figures["revenue"], 0.0)
        self.assertIsNone(figures["average"])
        self.assertEqual(figures["outstanding"], 800.0)

    def test_payer_score_and_public_status(self):
        customer = self._customer("Mairie de Lyon", relance_typology_id=self.public.id)
        self.make_invoice(customer, DAY, 100.0)
        customer.with_company(self.company).sudo().relance_payer_score = "c"
        figures = customer._relance_typology_figures(self.company, DAY)[customer.id]
        self.assertTrue(figures["public"])
        self.assertEqual(figures["payer_score"], "c")


class TestTypologyRuleMatching(TypologyRulesCase):
    def test_unchecked_bounds_are_not_looked_at(self):
        # Bounds typed but not checked: every (non-public) customer matches.
        rule = self._rule("Any", self.safe, revenue_to=0.0, outstanding_from=1e9)
        self.assertTrue(rule._relance_matches(self._figures(revenue=50000.0)))
        self.assertEqual(rule.criteria_summary, "Every customer")

    def test_amount_bounds_included(self):
        cases = {
            "revenue": 10000.0,
            "average": 500.0,
            "outstanding": 2500.0,
        }
        for name, bound in cases.items():
            with self.subTest(criterion=name):
                low = self._rule(
                    f"{name} from", self.key, **{f"{name}_from_set": True, f"{name}_from": bound}
                )
                high = self._rule(
                    f"{name} to", self.small, **{f"{name}_to_set": True, f"{name}_to": bound}
                )
                self.assertTrue(low._relance_matches(self._figures(**{name: bound})))
                self.assertTrue(low._relance_matches(self._figures(**{name: bound + 0.01})))
                self.assertFalse(low._relance_matches(self._figures(**{name: bound - 0.01})))
                self.assertTrue(high._relance_matches(self._figures(**{name: bound})))
                self.assertFalse(high._relance_matches(self._figures(**{name: bound + 0.01})))

    def test_checked_zero_bound_applies(self):
        """ "Owes nothing" is a rule: a checked maximum of 0.00 is a bound."""
        rule = self._rule("Owes nothing", self.safe, outstanding_to_set=True, outstanding_to=0.0)
        self.assertTrue(rule._relance_matches(self._figures(outstanding=0.0)))
        self.assertFalse(rule._relance_matches(self._figures(outstanding=0.01)))

    def test_average_without_invoices_never_matches_a_checked_bound(self):
        rule = self._rule("Small invoices", self.small, average_to_set=True, average_to=500.0)
        self.assertFalse(rule._relance_matches(self._figures(average=None)))
        self.assertTrue(rule._relance_matches(self._figures(average=120.0)))

    def test_payer_score_bounds(self):
        rule = self._rule("Late payers", self.risk, payer_score_from="c", payer_score_to="d")
        self.assertFalse(rule._relance_matches(self._figures(payer_score="b")))
        self.assertTrue(rule._relance_matches(self._figures(payer_score="c")))
        self.assertTrue(rule._relance_matches(self._figures(payer_score="d")))
        self.assertFalse(rule._relance_matches(self._figures(payer_score=False)), "no score")
        good = self._rule("Good payers", self.safe, payer_score_to="a")
        self.assertTrue(good._relance_matches(self._figures(payer_score="a")))
        self.assertFalse(good._relance_matches(self._figures(payer_score="b")))

    def test_public_status_is_kept(self):
        """A rule never turns a public buyer into another customer, nor the reverse."""
        private_rule = self._rule("Everyone", self.safe)
        public_rule = self._rule("Public", self.public)
        self.assertFalse(private_rule._relance_matches(self._figures(public=True)))
        self.assertTrue(private_rule._relance_matches(self._figures(public=False)))
        self.assertTrue(public_rule._relance_matches(self._figures(public=True)))
        self.assertFalse(public_rule._relance_matches(self._figures(public=False)))
        self.assertTrue(public_rule.public_body)

    def test_inverted_bounds_refused(self):
        with self.assertRaises(ValidationError):
            self._rule(
                "Wrong",
                self.key,
                revenue_from_set=True,
                revenue_from=5000.0,
                revenue_to_set=True,
                revenue_to=1000.0,
            )
        with self.assertRaises(ValidationError):
            self._rule("Wrong score", self.key, payer_score_from="d", payer_score_to="a")
        # Unchecked bounds are not compared.
        self._rule("Fine", self.key, revenue_from=5000.0, revenue_to_set=True, revenue_to=1000.0)

    def test_summary(self):
        rule = self._rule(
            "Big",
            self.key,
            revenue_from_set=True,
            revenue_from=10000.0,
            payer_score_from="a",
            payer_score_to="b",
        )
        self.assertIn("Revenue from", rule.criteria_summary)
        self.assertIn("10,000.00", rule.criteria_summary)
        self.assertIn("Payer score A to B", rule.criteria_summary)


class TestTypologyProposals(TypologyRulesCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.big = cls._customer("Big Buyer SA")
        cls.make_invoice(cls.big, DAY - timedelta(days=30), 12000.0)
        cls.little = cls._customer("Little Shop SARL", relance_typology_id=cls.safe.id)
        for days in (10, 20, 40):
            cls.make_invoice(cls.little, DAY - timedelta(days=days), 150.0)

    def test_first_matching_rule_wins(self):
        big_rule = self._rule(
            "Big spenders", self.key, sequence=10, revenue_from_set=True, revenue_from=10000.0
        )
        self._rule("Everyone", self.risk, sequence=20)
        proposed = self._proposed(partners=self.big | self.little)
        self.assertEqual(proposed[self.big], (self.key, big_rule))
        self.assertEqual(proposed[self.little][0], self.risk)
        # Reordered: the catch-all comes first and wins for both.
        big_rule.sequence = 30
        proposed = self._proposed(partners=self.big | self.little)
        self.assertEqual(proposed[self.big][0], self.risk)
        self.assertEqual(proposed[self.little][0], self.risk)

    def test_same_typology_or_no_match_no_proposal(self):
        self._rule("Small invoices", self.safe, average_to_set=True, average_to=500.0)
        # Little Shop already is a safe customer; Big Buyer matches no rule.
        self.assertEqual(self._proposed(partners=self.big | self.little), {})

    def test_archived_rule_ignored(self):
        rule = self._rule("Everyone", self.risk)
        rule.active = False
        self.assertEqual(self._proposed(partners=self.big | self.little), {})

    def test_rule_of_an_archived_typology_ignored(self):
        self._rule("Everyone", self.risk)
        self.risk.active = False
        self.assertEqual(self._proposed(partners=self.big | self.little), {})

    def test_customers_without_invoice_in_the_company_not_proposed(self):
        self._rule("Everyone", self.risk)
        stranger = self._customer("Never Invoiced SA")
        self.assertNotIn(stranger, self._proposed())


class TestTypologyApply(TypologyRulesCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.big = cls._customer("Big Buyer SA", relance_typology_id=cls.safe.id)
        cls.today = fields.Date.today()
        cls.make_invoice(cls.big, cls.today - timedelta(days=30), 12000.0)
        cls.big_rule = cls._rule(
            "Big spenders", cls.key, revenue_from_set=True, revenue_from=10000.0
        )

    def _review(self, user=None):
        action = self.Rule.with_user(user or self.manager).action_open_review()
        return (
            self.env["relance.typology.proposal"]
            .with_user(user or self.manager)
            .search(action["domain"])
        )

    def test_review_lists_and_applies_with_trace(self):
        lines = self._review()
        line = lines.filtered(lambda line: line.partner_id == self.big)
        self.assertEqual(len(line), 1)
        self.assertEqual(line.current_typology_id, self.safe)
        self.assertEqual(line.typology_id, self.key)
        self.assertEqual(line.rule_id, self.big_rule)
        self.assertEqual(line.revenue, 12000.0)
        self.assertEqual(line.average, 12000.0)
        self.assertEqual(line.outstanding, 12000.0)
        messages_before = self.big.message_ids
        line.action_apply()
        self.assertEqual(self.big.relance_typology_id, self.key)
        self.assertEqual(self.big.relance_typology_rule_id, self.big_rule)
        self.assertEqual(self.big.relance_typology_rule_date, self.today)
        self.assertFalse(self.big.relance_typology_locked)
        # The typology's plan follows (the customer had the safe typology's plan).
        self.assertEqual(self.big.relance_plan_id, self.key.plan_id)
        note = self.big.message_ids - messages_before
        self.assertEqual(len(note), 1)
        self.assertIn('from "Safe customer" to "Key account"', note.body)
        self.assertIn('"Big spenders"', note.body)
        self.assertEqual(note.author_id, self.manager.partner_id)
        self.assertFalse(line.exists(), "an applied proposal leaves the review")
        # Nothing more to propose.
        self.assertFalse(self._review().filtered(lambda line: line.partner_id == self.big))

    def test_only_selected_lines_applied(self):
        other = self._customer("Other Big SA")
        self.make_invoice(other, self.today - timedelta(days=3), 15000.0)
        lines = self._review()
        lines.filtered(lambda line: line.partner_id == self.big).action_apply()
        self.assertEqual(self.big.relance_typology_id, self.key)
        self.assertFalse(other.relance_typology_id, "not selected: unchanged")

    def test_plan_chosen_for_the_customer_is_kept(self):
        self.big.relance_plan_id = self.phone_plan  # not the safe typology's plan
        self._review().action_apply()
        self.assertEqual(self.big.relance_typology_id, self.key)
        self.assertEqual(self.big.relance_plan_id, self.phone_plan)

    def test_stale_proposal_not_applied(self):
        lines = self._review()
        self.big.relance_typology_locked = True  # locked meanwhile
        result = lines.action_apply()
        self.assertEqual(self.big.relance_typology_id, self.safe)
        self.assertIn("not applied", result["params"]["message"])

    def test_daily_run_setting(self):
        day = self.today
        self.company.relance_typology_rules_in_run = False
        self.run_on(day)
        self.assertEqual(self.big.relance_typology_id, self.safe, "setting off: untouched")
        self.env["relance.run"].search([("company_id", "=", self.company.id)]).sudo().unlink()
        self.company.relance_typology_rules_in_run = True
        self.run_on(day)
        self.assertEqual(self.big.relance_typology_id, self.key)
        self.assertEqual(self.big.relance_typology_rule_id, self.big_rule)
        self.assertEqual(self.big.relance_typology_rule_date, day)
        self.assertTrue(any("Big spenders" in m.body for m in self.big.message_ids))

    def test_person_overriding_a_rule_locks_and_the_run_respects_it(self):
        self._review().action_apply()
        self.assertEqual(self.big.relance_typology_id, self.key)
        # The collector knows better: back to safe customer.
        self.big.with_user(self.collector).relance_typology_id = self.safe
        self.assertTrue(self.big.relance_typology_locked)
        self.assertFalse(self.big.relance_typology_rule_id)
        self.assertFalse(self.big.relance_typology_rule_date)
        self.company.relance_typology_rules_in_run = True
        self.run_on(self.today)
        self.assertEqual(self.big.relance_typology_id, self.safe, "the person's choice stays")
        self.assertFalse(self._review().filtered(lambda line: line.partner_id == self.big))
        # Unlocked: the rules take over again.
        self.big.with_user(self.collector).relance_typology_locked = False
        self._review().action_apply()
        self.assertEqual(self.big.relance_typology_id, self.key)

    def test_manual_typology_without_rule_does_not_lock(self):
        self.big.with_user(self.collector).relance_typology_id = self.risk
        self.assertFalse(self.big.relance_typology_locked)

    def test_collector_cannot_forge_the_rule_trace(self):
        with self.assertRaises(AccessError):
            self.big.with_user(self.collector).relance_typology_rule_id = self.big_rule


class TestTypologyAccess(TypologyRulesCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.big = cls._customer("Big Buyer SA", relance_typology_id=cls.safe.id)
        cls.make_invoice(cls.big, fields.Date.today() - timedelta(days=30), 12000.0)
        cls.big_rule = cls._rule(
            "Big spenders", cls.key, revenue_from_set=True, revenue_from=10000.0
        )
        cls.portal = cls._create_portal_user("typology_portal", "Portal Typology")

    def test_collector_reads_rules_but_cannot_change_them(self):
        rule = self.big_rule.with_user(self.collector)
        self.assertEqual(rule.name, "Big spenders")
        with self.assertRaises(AccessError):
            rule.write({"revenue_from": 1.0})
        with self.assertRaises(AccessError):
            self.Rule.with_user(self.collector).create({"name": "Mine", "typology_id": self.key.id})
        # Positive control: the manager changes it.
        self.big_rule.with_user(self.manager).write({"revenue_from": 9000.0})
        self.assertEqual(self.big_rule.revenue_from, 9000.0)

    def test_portal_reads_no_rule(self):
        with self.assertRaises(AccessError):
            self.rpc(self.portal, "relance.typology.rule", "search_read", [])
        with self.assertRaises(AccessError):
            self.rpc(self.portal, "relance.typology.rule", "action_open_review", [])

    def test_collector_cannot_review_nor_apply(self):
        refused = "Only a collections manager"  # access.check_manager, before anything
        with self.assertRaisesRegex(AccessError, refused):
            self.rpc(self.collector, "relance.typology.rule", "action_open_review", [])
        lines = self.Rule.with_user(self.manager).action_open_review()["domain"][0][2]
        # Called as the collector on the manager's lines.
        with self.assertRaisesRegex(AccessError, refused):
            self.env["relance.typology.proposal"].browse(lines).with_user(
                self.collector
            ).action_apply()
        with self.assertRaisesRegex(AccessError, refused):
            self.rpc(self.collector, "relance.typology.proposal", "action_apply", lines)
        self.assertEqual(self.big.relance_typology_id, self.safe)
        # Positive control: the manager applies the same lines.
        self.rpc(self.manager, "relance.typology.proposal", "action_apply", lines)
        self.assertEqual(self.big.relance_typology_id, self.key)

    def test_another_managers_review_is_not_mine(self):
        other = self._create_relance_user(
            "typology_manager_2", ["relance_avancee.group_relance_manager"]
        )
        lines = self.Rule.with_user(self.manager).action_open_review()["domain"][0][2]
        self.assertFalse(
            self.env["relance.typology.proposal"].with_user(other).search([("id", "in", lines)])
        )


class TestTypologyMultiCompany(TypologyRulesCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.other = cls.setup_other_company()["company"]
        cls.manager.write({"company_ids": [Command.link(cls.other.id)]})
        # Invoiced by the first company only, by the other only, and by both.
        cls.ours = cls._customer("Ours SA")
        cls.make_invoice(cls.ours, DAY - timedelta(days=5), 500.0)
        cls.theirs = cls._customer("Theirs SA")
        cls.make_invoice(cls.theirs, DAY - timedelta(days=5), 500.0, company=cls.other)
        cls.shared = cls._customer("Shared SA")
        cls.make_invoice(cls.shared, DAY - timedelta(days=5), 500.0)
        cls.make_invoice(cls.shared, DAY - timedelta(days=5), 500.0, company=cls.other)

    def test_rules_act_on_their_company_customers_only(self):
        ours_rule = self._rule("Ours: everyone", self.risk)
        theirs_rule = self._rule("Theirs: everyone", self.small, company=self.other)
        proposed = self._proposed()
        self.assertIn(self.ours, proposed)
        self.assertNotIn(self.theirs, proposed)
        self.assertEqual(proposed[self.shared], (self.risk, ours_rule))
        theirs = self._proposed(company=self.other)
        self.assertEqual(set(theirs), {self.theirs, self.shared})
        self.assertEqual(theirs[self.theirs], (self.small, theirs_rule))

    def test_typology_set_by_another_companys_rule_is_left_to_it(self):
        self._rule("Ours: everyone", self.risk)
        theirs_rule = self._rule("Theirs: everyone", self.small, company=self.other)
        self.Rule._relance_apply(self.Rule._relance_proposals(self.other, DAY), DAY)
        self.assertEqual(self.shared.relance_typology_rule_id, theirs_rule)
        self.assertNotIn(self.shared, self._proposed(), "the other company's rule speaks for it")
        self.assertIn(self.ours, self._proposed())

    def test_typology_of_another_company_is_left_alone(self):
        own_typology = self.env["relance.typology"].create(
            {"name": "Theirs only", "company_id": self.other.id}
        )
        self.shared.relance_typology_id = own_typology
        self._rule("Ours: everyone", self.risk)
        self.assertNotIn(self.shared, self._proposed())

    def test_review_in_one_company_does_not_touch_the_other(self):
        self._rule("Ours: everyone", self.risk)
        self._rule("Theirs: everyone", self.small, company=self.other)
        rules = self.Rule.with_user(self.manager).with_company(self.company)
        lines = self.env["relance.typology.proposal"].browse(
            rules.action_open_review()["domain"][0][2]
        )
        self.assertEqual(lines.company_id, self.company)
        lines.with_user(self.manager).action_apply()
        self.assertEqual(self.ours.relance_typology_id, self.risk)
        self.assertFalse(self.theirs.relance_typology_id)
        # A user of the first company alone does not see the other company's rules.
        self.assertFalse(
            self.Rule.with_user(self.collector).search([("company_id", "=", self.other.id)])
        )

    def test_rule_cannot_propose_another_companys_typology(self):
        own_typology = self.env["relance.typology"].create(
            {"name": "Theirs only", "company_id": self.other.id}
        )
        with self.assertRaises(UserError):  # check_company
            self._rule("Wrong", own_typology)


class TestTypologyReviewTour(RelanceHttpCase, TypologyRulesCase):
    """Headless Chromium: the accountant reviews the proposals and applies two."""

    def test_accountant_applies_selected_proposals(self):
        accountant = self._create_relance_user(
            "tour_typology",
            ["relance_avancee.group_relance_manager", "account.group_account_invoice"],
        )
        accountant.password = "tour_typology"
        today = fields.Date.today()
        big = self._customer("Tour Big Buyer SA", relance_typology_id=self.safe.id)
        self.make_invoice(big, today - timedelta(days=20), 15000.0)
        small = self._customer("Tour Small Shop SARL")
        for days in (5, 15):
            self.make_invoice(small, today - timedelta(days=days), 120.0)
        left = self._customer("Tour Left Alone SAS")
        self.make_invoice(left, today - timedelta(days=8), 2000.0)
        big_rule = self._rule(
            "Big spenders", self.key, sequence=10, revenue_from_set=True, revenue_from=10000.0
        )
        small_rule = self._rule(
            "Small invoices", self.small, sequence=20, average_to_set=True, average_to=500.0
        )
        self._rule("Everyone else", self.risk, sequence=30)
        self.start_tour(
            "/odoo/action-relance_avancee.relance_typology_rule_action",
            "relance_typology_review",
            login="tour_typology",
        )
        self.assertEqual(big.relance_typology_id, self.key)
        self.assertEqual(big.relance_typology_rule_id, big_rule)
        self.assertEqual(big.relance_typology_rule_date, today)
        self.assertEqual(small.relance_typology_id, self.small)
        self.assertEqual(small.relance_typology_rule_id, small_rule)
        self.assertFalse(left.relance_typology_id, "not selected: unchanged")
        note = big.message_ids.filtered(lambda m: "Big spenders" in m.body)
        self.assertEqual(len(note), 1)
        self.assertIn('from "Safe customer" to "Key account"', note.body)
        self.assertEqual(note.author_id, accountant.partner_id)
        self.assertTrue(small.message_ids.filtered(lambda m: '"Small invoices"' in m.body))
