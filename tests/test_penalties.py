from datetime import date

from odoo.exceptions import UserError

from .common import RelanceCase


class TestPenaltyComputation(RelanceCase):
    """Figures computed by hand from LEGAL_FR (ECB 2.15 % in 2025 S2 and 2026 S1)."""

    def test_worked_example_45_days_at_ecb_plus_10(self):
        invoice = self.make_invoice(self.customer, "2026-01-31", 10000.0)
        penalty = invoice._relance_compute_penalty(date(2026, 3, 17))
        self.assertEqual(penalty["days"], 45)
        self.assertAlmostEqual(penalty["rate"], 12.15)
        self.assertEqual(penalty["interest"], 149.79)  # 10,000 x 12.15 % x 45 / 365
        self.assertEqual(penalty["indemnity"], 40.0)

    def test_no_interest_on_or_before_the_due_date(self):
        invoice = self.make_invoice(self.customer, "2026-01-31", 10000.0)
        penalty = invoice._relance_compute_penalty(date(2026, 1, 31))
        self.assertEqual((penalty["days"], penalty["interest"]), (0, 0.0))

    def test_partial_payment_splits_the_computation(self):
        invoice = self.make_invoice(self.customer, "2026-01-31", 10000.0)
        self.pay(invoice, 4000.0, "2026-02-20")
        penalty = invoice._relance_compute_penalty(date(2026, 3, 17))
        # The 4,000 paid on 20 Feb bear interest through 20 Feb:
        # 10,000 x 12.15 % x 20 / 365 (1-20 Feb) + 6,000 x 12.15 % x 25 / 365 (21 Feb - 17 Mar)
        # = 66.58 + 49.93 = 116.51
        self.assertEqual(penalty["interest"], 116.51)
        self.assertEqual([p["days"] for p in penalty["periods"]], [20, 25])

    def test_payment_on_the_first_day_of_interest_bears_that_day(self):
        invoice = self.make_invoice(self.customer, "2026-01-31", 10000.0)
        self.pay(invoice, 4000.0, "2026-02-01")
        penalty = invoice._relance_compute_penalty(date(2026, 3, 17))
        # 10,000 x 12.15 % x 1 / 365 (1 Feb, the payment day) + 6,000 x 12.15 % x 44 / 365
        # = 3.33 + 87.88 = 91.21
        self.assertEqual(penalty["interest"], 91.21)
        self.assertEqual(
            [(p["days"], p["base"]) for p in penalty["periods"]], [(1, 10000.0), (44, 6000.0)]
        )

    def test_payment_on_the_due_date_bears_none(self):
        invoice = self.make_invoice(self.customer, "2026-01-31", 10000.0)
        self.pay(invoice, 10000.0, "2026-01-31")
        penalty = invoice._relance_compute_penalty(date(2026, 3, 17))
        self.assertEqual((penalty["days"], penalty["interest"]), (0, 0.0))

    def test_full_payment_on_the_first_day_of_interest_bears_one_day(self):
        invoice = self.make_invoice(self.customer, "2026-01-31", 10000.0)
        self.pay(invoice, 10000.0, "2026-02-01")
        penalty = invoice._relance_compute_penalty(date(2026, 3, 17))
        # 10,000 x 12.15 % x 1 / 365 = 3.33
        self.assertEqual((penalty["days"], penalty["interest"]), (1, 3.33))

    def test_worked_example_payment_day_bears_interest(self):
        """7,300.00 due 30 April 2026, 3,650.00 paid on 30 May, computed on 29 June:
        7,300 x 12.15 % x 30 / 365 = 72.90, plus 3,650 x 12.15 % x 30 / 365 = 36.45."""
        invoice = self.make_invoice(self.customer, "2026-04-30", 7300.0)
        self.pay(invoice, 3650.0, "2026-05-30")
        penalty = invoice._relance_compute_penalty(date(2026, 6, 29))
        self.assertEqual(penalty["interest"], 109.35)
        self.assertEqual(
            [(p["days"], p["base"], round(p["interest"], 2)) for p in penalty["periods"]],
            [(30, 7300.0, 72.9), (30, 3650.0, 36.45)],
        )
        # The same as the invoice left unpaid on 30 May plus the rest after it.
        unpaid = self.make_invoice(self.customer, "2026-04-30", 7300.0)
        self.assertEqual(unpaid._relance_compute_penalty(date(2026, 5, 30))["interest"], 72.9)

    def test_payment_on_the_first_day_of_a_second_charge(self):
        invoice = self.make_invoice(self.customer, "2026-01-31", 10000.0)
        self.pay(invoice, 4000.0, "2026-03-18")
        penalty = invoice._relance_compute_penalty(date(2026, 4, 16), date_from=date(2026, 3, 18))
        # 18 Mar on 10,000 (the payment day), 19 Mar - 16 Apr (29 days) on 6,000:
        # 10,000 x 12.15 % x 1 / 365 + 6,000 x 12.15 % x 29 / 365 = 3.33 + 57.92 = 61.25
        self.assertEqual(penalty["days"], 30)
        self.assertEqual(penalty["interest"], 61.25)

    def test_no_indemnity_before_the_invoice_is_late(self):
        invoice = self.make_invoice(self.customer, "2026-01-31", 10000.0)
        self.assertEqual(invoice._relance_compute_penalty(date(2026, 1, 20))["indemnity"], 0.0)
        self.assertEqual(invoice._relance_compute_penalty(date(2026, 1, 31))["indemnity"], 0.0)
        self.assertEqual(invoice._relance_compute_penalty(date(2026, 2, 1))["indemnity"], 40.0)

    def test_half_year_change_uses_each_half_year_rate(self):
        invoice = self.make_invoice(self.customer, "2025-06-20", 1000.0)
        penalty = invoice._relance_compute_penalty(date(2025, 7, 10))
        # 21-30 June at 2025 S1 (3.15 + 10), 1-10 July at 2025 S2 (2.15 + 10)
        expected = round(1000 * 0.1315 * 10 / 365 + 1000 * 0.1215 * 10 / 365, 2)
        self.assertEqual(penalty["interest"], expected)

    def test_public_body_uses_ecb_plus_8(self):
        self.customer.relance_typology_id = self.env.ref("relance_avancee.relance_typology_public")
        invoice = self.make_invoice(self.customer, "2026-01-31", 10000.0)
        penalty = invoice._relance_compute_penalty(date(2026, 3, 17))
        self.assertAlmostEqual(penalty["rate"], 10.15)
        self.assertEqual(penalty["interest"], 125.14)  # 10,000 x 10.15 % x 45 / 365
        self.assertEqual(penalty["indemnity"], 40.0)

    def test_individual_gets_legal_rate_from_formal_notice_and_no_indemnity(self):
        person = self.env["res.partner"].create(
            {
                "name": "Jeanne Martin",
                "email": "jeanne@example.com",
                "street": "1 rue",
                "city": "Lyon",
            }
        )
        invoice = self.make_invoice(person, "2026-01-31", 1000.0)
        before_notice = invoice._relance_compute_penalty(date(2026, 3, 17))
        self.assertEqual(before_notice["interest"], 0.0, "B2C: interest runs from the notice")
        self.assertEqual(before_notice["indemnity"], 0.0)
        self.env["relance.history"].create(
            {
                "partner_id": person.id,
                "move_ids": [(6, 0, invoice.ids)],
                "channel": "formal_notice",
                "date": date(2026, 3, 1),
                "state": "done",
            }
        )
        penalty = invoice._relance_compute_penalty(date(2026, 3, 17))
        self.assertEqual(penalty["days"], 16)
        self.assertAlmostEqual(penalty["rate"], 2.62)
        self.assertEqual(penalty["interest"], round(1000 * 0.0262 * 16 / 365, 2))

    def test_statutory_default_rate_has_no_floor(self):
        """10,000.00 due 31 January 2024, on 31 March 2024 (60 days): ECB 4.50 + 10 =
        14.50 % applies as is, though 3 x 5.07 = 15.21 %: 10,000 x 14.50 % x 60 / 365."""
        invoice = self.make_invoice(self.customer, "2024-01-31", 10000.0)
        penalty = invoice._relance_compute_penalty(date(2024, 3, 31))
        self.assertEqual(penalty["days"], 60)
        self.assertAlmostEqual(penalty["rate"], 14.5)
        self.assertEqual(penalty["interest"], 238.36)

    def test_contractual_rate_is_floored_at_three_legal_rates(self):
        """Same invoice, a contractual 12 %: lifted to 3 x 5.07 = 15.21 %:
        10,000 x 15.21 % x 60 / 365 = 250.03. ECB + 9 points is contractual too."""
        invoice = self.make_invoice(self.customer, "2024-01-31", 10000.0)
        self.company.write({"relance_penalty_mode": "fixed", "relance_fixed_rate": 12.0})
        penalty = invoice._relance_compute_penalty(date(2024, 3, 31))
        self.assertAlmostEqual(penalty["rate"], 15.21)
        self.assertEqual(penalty["interest"], 250.03)
        self.company.write({"relance_penalty_mode": "ecb_plus", "relance_penalty_points": 9.0})
        self.assertAlmostEqual(invoice._relance_compute_penalty(date(2024, 3, 31))["rate"], 15.21)

    def test_public_buyer_rate_is_fixed_at_the_start_of_the_delay(self):
        """10,000.00 due 15 June 2025, on 15 July 2025: 30 days at the ECB rate of the
        half-year in which interest began (3.15) + 8 = 11.15 %, not re-read on 1 July:
        10,000 x 11.15 % x 30 / 365 = 91.64."""
        self.customer.relance_typology_id = self.env.ref("relance_avancee.relance_typology_public")
        invoice = self.make_invoice(self.customer, "2025-06-15", 10000.0)
        penalty = invoice._relance_compute_penalty(date(2025, 7, 15))
        self.assertEqual(penalty["days"], 30)
        self.assertEqual({p["rate"] for p in penalty["periods"]}, {11.15})
        self.assertEqual(penalty["interest"], 91.64)

    def test_fixed_rate_respects_the_floor_of_three_legal_rates(self):
        self.company.write({"relance_penalty_mode": "fixed", "relance_fixed_rate": 5.0})
        invoice = self.make_invoice(self.customer, "2026-01-31", 10000.0)
        self.assertAlmostEqual(invoice._relance_compute_penalty(date(2026, 3, 17))["rate"], 7.86)
        self.company.relance_fixed_rate = 15.0
        self.assertAlmostEqual(invoice._relance_compute_penalty(date(2026, 3, 17))["rate"], 15.0)

    def test_foreign_currency_invoice_charged_in_its_currency(self):
        self.env.user.groups_id += self.env.ref("base.group_multi_currency")
        code = "EUR" if self.company.currency_id.name != "EUR" else "USD"
        foreign = self.setup_other_currency(code, rates=[("2026-01-01", 2.0)])
        invoice = self.make_invoice(self.customer, "2026-01-31", 10000.0, currency=foreign)
        self.assertEqual(invoice.currency_id, foreign)
        penalty = invoice._relance_compute_penalty(date(2026, 3, 17))
        self.assertEqual(penalty["interest"], 149.79, "interest in the invoice currency")
        self.assertEqual(penalty["indemnity"], 80.0, "40 in company currency at a rate of 2")

    def test_missing_rate_is_a_clear_error(self):
        with self.assertRaisesRegex(UserError, "No ECB main refinancing rate is known"):
            self.env["relance.rate"]._get_rate("ecb", date(2020, 3, 1))
        invoice = self.make_invoice(self.customer, "2020-01-31", 1000.0)
        penalty = invoice._relance_compute_penalty(date(2020, 3, 1))
        self.assertEqual((penalty["days"], penalty["interest"]), (0, 0.0))
        self.assertEqual(penalty["missing_rate_from"], date(2020, 1, 1))

    def test_half_year_without_its_rate_is_not_charged(self):
        """The 2026 S2 rates are not published in our table: never reuse January's.
        10,000.00 due 15 June 2026, on 15 July 2026: only 16-30 June is charged,
        10,000 x 12.15 % x 15 / 365 = 49.93; July waits for its rate."""
        rates = self.env["relance.rate"]
        rates.search([("date_from", ">=", "2026-07-01")]).unlink()
        self.assertRaises(UserError, rates._get_rate, "ecb", date(2026, 7, 1))
        invoice = self.make_invoice(self.customer, "2026-06-15", 10000.0)
        penalty = invoice._relance_compute_penalty(date(2026, 7, 15))
        self.assertEqual((penalty["days"], penalty["interest"]), (15, 49.93))
        self.assertEqual(penalty["date_to"], date(2026, 6, 30))
        self.assertEqual(penalty["missing_rate_from"], date(2026, 7, 1))
        # Once a manager enters the S2 figures, July is charged from 1 July on.
        rates.create({"kind": "ecb", "date_from": "2026-07-01", "rate": 2.0})
        rates.create({"kind": "legal_pro", "date_from": "2026-07-01", "rate": 2.5})
        later = invoice._relance_compute_penalty(date(2026, 7, 15), date_from=date(2026, 7, 1))
        # 10,000 x 12.00 % x 15 / 365 = 49.32
        self.assertEqual((later["days"], later["interest"]), (15, 49.32))


class TestPenaltyCharging(RelanceCase):
    """The standard plan's formal notice (+30) applies penalties."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.levels = cls.standard_plan.level_ids.sorted("sequence")
        cls.notice = cls.levels[3]

    def _charge_at_notice(self, invoice, day):
        """Charge the formal-notice level's penalties on ``invoice`` as of ``day``."""
        entry = self.env["relance.history"].create(
            {
                "partner_id": self.customer.id,
                "move_ids": [(6, 0, invoice.ids)],
                "level_id": self.notice.id,
                "channel": "formal_notice",
                "date": day,
            }
        )
        return self.env["relance.penalty"]._charge(entry)

    def _at_notice(self, invoice, last_date):
        invoice.write({"relance_level_id": self.levels[2].id, "relance_last_date": last_date})

    def test_formal_notice_charges_one_penalty_invoice_per_customer(self):
        inv1 = self.make_invoice(self.customer, "2026-01-31", 10000.0)
        inv2 = self.make_invoice(self.customer, "2026-02-01", 1000.0)
        self._at_notice(inv1, "2026-02-20")
        self._at_notice(inv2, "2026-02-20")
        with self.mock_mail_gateway():
            entry = self.run_on(date(2026, 3, 17)).history_ids
        self.assertEqual(entry.level_id, self.notice)
        self.assertEqual(entry.state, "done")
        penalty_move = entry.penalty_ids.penalty_move_id
        self.assertEqual(len(penalty_move), 1)
        self.assertEqual(penalty_move.partner_id, self.customer)
        self.assertEqual(penalty_move.state, "draft", "drafts by default")
        # inv1: 149.79 + 40 ; inv2: 1,000 x 12.15 % x 44 / 365 = 14.65 + 40
        self.assertAlmostEqual(penalty_move.amount_total, 149.79 + 40 + 14.65 + 40)
        self.assertEqual(penalty_move.amount_tax, 0.0, "no VAT on penalties")
        self.assertEqual(len(penalty_move.invoice_line_ids), 4)
        self.assertIn(inv1.name, " ".join(penalty_move.invoice_line_ids.mapped("name")))
        self.assertEqual(inv1.relance_penalty_move_ids, penalty_move)
        self.assertIn("149.79", entry.attachment_id.raw.decode())

    def test_penalty_taxes_follow_the_company_setting(self):
        """No VAT by default (France); a company elsewhere can tax its penalties."""
        tax = self.env["account.tax"].create(
            {"name": "Penalty tax 20 %", "amount": 20.0, "type_tax_use": "sale"}
        )
        self.company.relance_penalty_tax_ids = tax
        invoice = self.make_invoice(self.customer, "2026-01-31", 10000.0)
        self._at_notice(invoice, "2026-02-20")
        with self.mock_mail_gateway():
            entry = self.run_on(date(2026, 3, 17)).history_ids
        penalty_move = entry.penalty_ids.penalty_move_id
        self.assertEqual(penalty_move.invoice_line_ids.tax_ids, tax)
        # (149.79 + 40) x 20 % = 37.96 (line by line: 29.96 + 8.00)
        self.assertAlmostEqual(penalty_move.amount_untaxed, 189.79)
        self.assertAlmostEqual(penalty_move.amount_tax, 37.96)

    def test_second_charge_adds_only_the_accrued_interest(self):
        invoice = self.make_invoice(self.customer, "2026-01-31", 10000.0)
        self._at_notice(invoice, "2026-02-20")
        with self.mock_mail_gateway():
            self.run_on(date(2026, 3, 17))
        first = invoice.relance_penalty_ids
        self.assertRecordValues(
            first, [{"date_from": date(2026, 2, 1), "date_to": date(2026, 3, 17), "days": 45}]
        )
        second = self._charge_at_notice(invoice, date(2026, 4, 16))
        self.assertRecordValues(
            second,
            [
                {
                    "date_from": date(2026, 3, 18),
                    "date_to": date(2026, 4, 16),
                    "days": 30,
                    "interest": 99.86,  # 10,000 x 12.15 % x 30 / 365
                    "indemnity": 0.0,
                }
            ],
        )

    def test_posted_penalties_when_configured(self):
        self.company.relance_penalty_post = True
        invoice = self.make_invoice(self.customer, "2026-01-31", 10000.0)
        self._at_notice(invoice, "2026-02-20")
        with self.mock_mail_gateway():
            entry = self.run_on(date(2026, 3, 17)).history_ids
        self.assertEqual(entry.penalty_ids.penalty_move_id.state, "posted")

    def test_missing_penalty_product_fails_the_action_visibly(self):
        self.company.relance_penalty_product_id = False
        invoice = self.make_invoice(self.customer, "2026-01-31", 10000.0)
        self._at_notice(invoice, "2026-02-20")
        with self.mock_mail_gateway():
            entry = self.run_on(date(2026, 3, 17)).history_ids
        self.assertEqual(entry.state, "failed")
        self.assertIn("penalty product", entry.error)
        self.assertFalse(self._new_mails.filtered(lambda m: self.customer in m.recipient_ids))
        self.assertEqual(invoice.relance_level_id, self.levels[2], "not advanced")

    def test_manager_waives_a_posted_penalty_with_a_credit_note(self):
        self.company.relance_penalty_post = True
        invoice = self.make_invoice(self.customer, "2026-01-31", 10000.0)
        self._at_notice(invoice, "2026-02-20")
        with self.mock_mail_gateway():
            entry = self.run_on(date(2026, 3, 17)).history_ids
        penalties = entry.penalty_ids
        with self.assertRaisesRegex(UserError, "manager"):
            penalties.with_user(self.collector).action_waive("Good customer")
        penalties.action_waive("Good customer")
        self.assertEqual(set(penalties.mapped("state")), {"waived"})
        self.assertEqual(penalties.penalty_move_id.payment_state, "reversed")

    def _charge_two_invoices(self):
        inv1 = self.make_invoice(self.customer, "2026-01-31", 10000.0)
        inv2 = self.make_invoice(self.customer, "2026-02-01", 1000.0)
        self._at_notice(inv1, "2026-02-20")
        self._at_notice(inv2, "2026-02-20")
        with self.mock_mail_gateway():
            entry = self.run_on(date(2026, 3, 17)).history_ids
        return inv1, inv2, entry.penalty_ids.penalty_move_id

    def test_waiving_one_charge_credits_only_its_lines(self):
        self.company.relance_penalty_post = True
        inv1, inv2, penalty_move = self._charge_two_invoices()
        self.assertEqual(penalty_move.state, "posted")
        self.assertAlmostEqual(penalty_move.amount_total, 149.79 + 40 + 14.65 + 40)
        wizard = (
            self.env["relance.penalty.waive"]
            .with_context(inv2.relance_penalty_ids.action_open_waive_wizard()["context"])
            .create({"reason": "Delivery was late"})
        )
        self.assertAlmostEqual(wizard.amount, 54.65)
        wizard.action_waive()
        self.assertEqual(inv2.relance_penalty_ids.state, "waived")
        self.assertEqual(inv2.relance_penalty_ids.waive_reason, "Delivery was late")
        self.assertEqual(inv1.relance_penalty_ids.state, "charged", "the other charge stays")
        credit_note = inv2.relance_penalty_ids.waive_move_id
        self.assertRecordValues(
            credit_note,
            [{"move_type": "out_refund", "state": "posted", "reversed_entry_id": penalty_move.id}],
        )
        self.assertAlmostEqual(credit_note.amount_total, 14.65 + 40)
        self.assertTrue(all(inv2.name in line.name for line in credit_note.invoice_line_ids))
        self.assertEqual(penalty_move.payment_state, "partial")
        self.assertAlmostEqual(penalty_move.amount_residual, 149.79 + 40)
        self.assertIn("Delivery was late", penalty_move.message_ids[0].body)
        self.assertIn(credit_note.name, penalty_move.message_ids[0].body)
        with self.assertRaisesRegex(UserError, "already waived"):
            inv2.relance_penalty_ids.action_waive("Again")

    def test_waiving_one_charge_of_a_draft_penalty_invoice_removes_its_lines(self):
        inv1, inv2, penalty_move = self._charge_two_invoices()
        self.assertEqual(penalty_move.state, "draft")
        inv1.relance_penalty_ids.action_waive("Commercial gesture")
        self.assertEqual(penalty_move.state, "draft")
        self.assertAlmostEqual(penalty_move.amount_total, 14.65 + 40)
        self.assertNotIn(inv1.name, " ".join(penalty_move.invoice_line_ids.mapped("name")))
        self.assertEqual(inv2.relance_penalty_ids.state, "charged")
        inv2.relance_penalty_ids.action_waive("Commercial gesture")
        self.assertEqual(penalty_move.state, "cancel", "nothing left to charge")

    def test_waiver_needs_a_reason(self):
        _inv1, inv2, _move = self._charge_two_invoices()
        with self.assertRaisesRegex(UserError, "reason"):
            inv2.relance_penalty_ids.action_waive("  ")

    def test_charge_is_traced_on_the_customer(self):
        self.company.relance_penalty_post = True
        _inv1, _inv2, penalty_move = self._charge_two_invoices()
        messages = self.customer.message_ids.filtered(
            lambda m: "Late-payment penalties charged" in (m.body or "")
        )
        self.assertEqual(len(messages), 1)
        self.assertIn(penalty_move.name, messages.body)
        self.assertIn("244.44", messages.body)  # 149.79 + 40 + 14.65 + 40

    def test_reminder_document_shows_the_company_indemnity_amount(self):
        self.company.relance_indemnity_amount = 50.0
        invoice = self.make_invoice(self.customer, "2026-01-31", 10000.0)
        self._at_notice(invoice, "2026-02-20")
        with self.mock_mail_gateway():
            entry = self.run_on(date(2026, 3, 17)).history_ids
        self.assertEqual(entry.penalty_ids.indemnity, 50.0)
        document = entry.attachment_id.raw.decode()
        self.assertIn("recovery indemnity of", document)
        self.assertNotIn("40 EUR", document)
        self.assertIn("50.00", document)

    def test_foreign_currency_invoice_gets_a_penalty_invoice_in_its_currency(self):
        self.env.user.groups_id += self.env.ref("base.group_multi_currency")
        code = "EUR" if self.company.currency_id.name != "EUR" else "USD"
        foreign = self.setup_other_currency(code, rates=[("2026-01-01", 2.0)])
        invoice = self.make_invoice(self.customer, "2026-01-31", 10000.0, currency=foreign)
        charges = self._charge_at_notice(invoice, date(2026, 3, 17))
        penalty_move = charges.penalty_move_id
        self.assertEqual(penalty_move.currency_id, foreign)
        self.assertEqual(charges.currency_id, foreign)
        # 149.79 interest in the invoice currency + 40 company currency x 2 = 80
        self.assertAlmostEqual(penalty_move.amount_total, 229.79)
        self.assertAlmostEqual(penalty_move.amount_total_signed, 114.9, delta=0.01)


class TestPenaltyUnbookedPayments(RelanceCase):
    """Odoo 18 payments registered on a journal without outstanding account."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.unbooked_bank = cls.company_data["default_journal_bank"].copy({"name": "Unbooked bank"})
        cls.unbooked_bank.inbound_payment_method_line_ids.payment_account_id = False

    def test_one_payment_for_two_invoices_is_spread_not_counted_twice(self):
        inv1 = self.make_invoice(self.customer, "2026-01-30", 10000.0)
        inv2 = self.make_invoice(self.customer, "2026-01-31", 5000.0)
        payment = (
            self.env["account.payment.register"]
            .with_context(active_model="account.move", active_ids=(inv1 | inv2).ids)
            .create(
                {
                    "amount": 12000.0,
                    "payment_date": date(2026, 2, 1),
                    "group_payment": True,
                    "journal_id": self.unbooked_bank.id,
                }
            )
            ._create_payments()
        )
        self.assertFalse(payment.move_id, "registered, not booked")
        self.assertEqual(payment.invoice_ids, inv1 | inv2)
        # Oldest due date first: inv1 fully covered (10,000), inv2 gets the other 2,000.
        # inv1 bears 31 Jan and 1 Feb (the payment day): 10,000 x 12.15 % x 2 / 365
        self.assertEqual(inv1._relance_compute_penalty(date(2026, 3, 17))["days"], 2)
        self.assertEqual(inv1._relance_compute_penalty(date(2026, 3, 17))["interest"], 6.66)
        penalty = inv2._relance_compute_penalty(date(2026, 3, 17))
        # 5,000 on 1 Feb, then the 3,000 left on inv2 from 2 Feb:
        # 5,000 x 12.15 % x 1 / 365 + 3,000 x 12.15 % x 44 / 365 = 1.66 + 43.94
        self.assertEqual(penalty["interest"], 45.6)


class TestMissingRatesAreSaid(RelanceCase):
    """A half-year without its published rates: nothing charged for it, and said."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["relance.rate"].search([("date_from", ">=", "2026-07-01")]).unlink()
        cls.formal_notice = cls.standard_plan.level_ids.filtered(
            lambda level: level.channel == "formal_notice"
        )

    def test_charge_stops_before_the_missing_half_year_and_says_so(self):
        invoice = self.make_invoice(self.customer, "2026-06-15", 10000.0)
        phone = self.standard_plan.level_ids.filtered(lambda level: level.channel == "phone")
        invoice.write({"relance_level_id": phone.id, "relance_last_date": date(2026, 7, 1)})
        with self.mock_mail_gateway():
            run = self.run_on(date(2026, 7, 20))
        entry = run.history_ids
        self.assertEqual((entry.level_id, entry.state), (self.formal_notice, "done"))
        # 16-30 June only: 10,000 x 12.15 % x 15 / 365 = 49.93, and the 40.00 indemnity
        self.assertRecordValues(
            entry.penalty_ids,
            [{"date_to": date(2026, 6, 30), "days": 15, "interest": 49.93, "indemnity": 40.0}],
        )
        self.assertEqual(entry.penalty_missing_rate_from, date(2026, 7, 1))
        self.assertIn("2026-07-01", run.summary)
        self.assertIn("reference rates missing", run.summary)

    def test_settings_and_dashboard_warn_the_manager(self):
        self.assertIn("2026-07-01", self.company._relance_missing_rate_warning("2026-08-01"))
        self.assertFalse(self.company._relance_missing_rate_warning("2026-03-01"))
        settings = self.env["res.config.settings"].create({})
        self.assertEqual(
            bool(settings.relance_rate_warning),
            bool(self.company._relance_missing_rate_warning()),
        )


class TestPenaltyInvoicesBearNoPenalty(RelanceCase):
    """No interest on interest (Code civil 1343-2): a penalty invoice is reminded with
    the debt it comes from, never charged penalties nor reminded on its own."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.levels = cls.standard_plan.level_ids.sorted("sequence")
        cls.debt = cls.make_invoice(cls.customer, "2026-01-31", 1000.0)
        cls.penalty_invoice = cls.make_invoice(cls.customer, "2026-01-31", 52.0)
        cls.penalty_invoice.relance_is_penalty = True

    def test_penalty_invoice_is_not_charged_penalties(self):
        self.assertEqual(self.penalty_invoice.relance_penalty_to_date, 0.0)
        entry = self.env["relance.history"].create(
            {
                "partner_id": self.customer.id,
                "move_ids": [(6, 0, (self.debt | self.penalty_invoice).ids)],
                "level_id": self.levels[3].id,
                "channel": "formal_notice",
                "date": "2026-03-17",
            }
        )
        charges = self.env["relance.penalty"]._charge(entry)
        self.assertEqual(charges.move_id, self.debt)
        # 1,000 x 12.15 % x 45 / 365 = 14.98, and 40.00: the 52.00 bear nothing
        self.assertEqual((charges.interest, charges.indemnity), (14.98, 40.0))
        self.assertTrue(charges.penalty_move_id.relance_is_penalty)

    def test_penalty_invoice_is_reminded_with_the_debt_only(self):
        with self.mock_mail_gateway():
            entry = self.run_on(date(2026, 2, 2)).history_ids
        self.assertEqual(entry.move_ids, self.debt | self.penalty_invoice)
        self.assertEqual(entry.amount_due, 1052.0)
        self.pay(self.debt, 1000.0, "2026-02-05")
        with self.mock_mail_gateway():
            later = self.run_on(date(2026, 2, 20)).history_ids
        self.assertFalse(later, "a penalty invoice alone is not reminded")
