from datetime import date

from odoo.tools.misc import formatLang

from .common import RelanceCase

AS_OF = date(2026, 3, 31)


class TestCollectionKpis(RelanceCase):
    """A hand-built ledger; every expected figure is computed in the docstrings.

    Sales by 30-day period back from 31 March: 2-31 March 3,000 (I1, due 14 April),
    31 Jan - 1 March 2,000 (I2, due 17 March), 1-30 January 1,000 (I3, due 14 February,
    paid on 20 February). I2 gets 500 on 1 April, after the as-of date.
    """

    test_module = "relance_avancee_reports"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.i1 = cls.make_invoice(cls.customer, "2026-04-14", 3000.0, invoice_date="2026-03-15")
        cls.i2 = cls.make_invoice(cls.customer, "2026-03-17", 2000.0, invoice_date="2026-02-15")
        cls.i3 = cls.make_invoice(cls.customer, "2026-02-14", 1000.0, invoice_date="2026-01-15")
        cls.pay(cls, cls.i3, 1000.0, "2026-02-20")
        cls.pay(cls, cls.i2, 500.0, "2026-04-01")
        cls.kpi = cls.env["relance.kpi"]

    def test_receivable_and_overdue_ratio(self):
        self.assertEqual(self.kpi._receivable(AS_OF, self.company), 5000.0)
        self.assertEqual(self.kpi._current_receivable(AS_OF, self.company), 3000.0)
        self.assertEqual(self.kpi._overdue_ratio(AS_OF, self.company), 40.0)

    def test_dso_countback(self):
        """5,000 absorbs March's 3,000 (30 days) then February's 2,000 (30 days): 60."""
        self.assertEqual(self.kpi._dso(AS_OF, self.company), 60.0)
        # On 15 March the receivable (5,000) equals the sales of 14 Feb - 15 March
        # (I1 3,000 and I2 2,000): one period, 30 days.
        self.assertEqual(self.kpi._dso(date(2026, 3, 15), self.company), 30.0)

    def test_dso_partial_period(self):
        """On 20 March, receivable 5,000; sales of 19 Feb - 20 March: 3,000 (I1); of
        20 Jan - 18 Feb: 2,000 (I2): 30 + 30 = 60. Paying 1,000 more of I2 leaves 4,000:
        30 + 30 x 1,000 / 2,000 = 45."""
        self.assertEqual(self.kpi._dso(date(2026, 3, 20), self.company), 60.0)
        self.pay(self.i2, 1000.0, "2026-03-19")
        self.assertEqual(self.kpi._dso(date(2026, 3, 20), self.company), 45.0)

    def test_average_days_delinquent(self):
        """Best possible DSO on the current 3,000: 30 days; ADD = 60 - 30 = 30."""
        self.assertEqual(self.kpi._average_days_delinquent(AS_OF, self.company), 30.0)

    def test_cei(self):
        """1 Jan - 31 March: (0 + 6,000 - 5,000) / (0 + 6,000 - 3,000) = 33.3 %."""
        self.assertEqual(self.kpi._cei(date(2026, 1, 1), AS_OF, self.company), 33.3)

    def _history(self, invoice, channel, day, amount, **values):
        return self.env["relance.history"].create(
            {
                "partner_id": self.customer.id,
                "move_ids": [(6, 0, invoice.ids)],
                "channel": channel,
                "date": day,
                "state": "done",
                "amount_due": amount,
                **values,
            }
        )

    def _promise_on_i2(self, promise_date, amount):
        """The call of 20 March on I2 (2,000 due) ended with a promise."""
        return self._history(
            self.i2,
            "phone",
            date(2026, 3, 20),
            2000.0,
            outcome="promise",
            promise_date=promise_date,
            promise_amount=amount,
        )

    def test_channel_effectiveness_and_cost_per_euro(self):
        """Email of 16 Feb on I3: 1,000 paid 4 days later. Call of 20 March on I2: 500
        paid 12 days later. Costs: email 0.10, call 14."""
        self._history(self.i3, "email", date(2026, 2, 16), 1000.0)
        self._history(self.i2, "phone", date(2026, 3, 20), 2000.0)
        groups = self.kpi._effectiveness(date(2026, 1, 1), AS_OF, self.company)
        email, phone = groups["email"], groups["phone"]
        self.assertEqual(
            (email["share_7"], email["share_15"], email["share_30"]), (100.0, 100.0, 100.0)
        )
        self.assertEqual(
            (phone["share_7"], phone["share_15"], phone["share_30"]), (0.0, 25.0, 25.0)
        )
        self.assertEqual(email["cost_per_euro"], 0.0001)
        self.assertEqual(phone["cost_per_euro"], 0.028)
        dashboard = self.env["relance.kpi.dashboard"].create(
            {"date_from": date(2026, 1, 1), "date_to": AS_OF}
        )
        dashboard.action_refresh()
        line = dashboard.effect_line_ids.filtered(lambda e: e.channel == "phone")
        self.assertEqual((line.count, line.share_15, line.cost), (1, 25.0, 14.0))
        self.assertEqual(dashboard.dso, 60.0)
        self.assertEqual(dashboard.cei, 33.3)

    def test_promises_kept_and_broken(self):
        """500 promised for 5 April and paid on 1 April; 2,000 promised for 25 March with
        nothing paid by then. As of 31 March the first is still pending (nothing paid yet,
        date not reached) and the second broken; as of 10 April the first is kept."""
        self._promise_on_i2(date(2026, 4, 5), 500.0)
        self._promise_on_i2(date(2026, 3, 25), 2000.0)
        self.assertEqual(self.kpi._promises(date(2026, 1, 1), AS_OF, self.company), (0, 1, 1))
        self.assertEqual(
            self.kpi._promises(date(2026, 1, 1), date(2026, 4, 10), self.company), (1, 1, 0)
        )

    def test_promise_kept_by_a_payment_not_booked_yet(self):
        """300 promised for 28 March on I2, paid on 27 March on a bank journal without
        outstanding account (no journal entry): kept. A 300 credit note is no cash: on
        31 March, within the plan's 3 grace days, the promise is still pending."""
        self._promise_on_i2(date(2026, 3, 28), 300.0)
        refund = self.init_invoice(
            "out_refund", self.customer, "2026-03-22", amounts=[300.0], taxes=[], post=True
        )
        (refund.line_ids | self.i2.line_ids).filtered(
            lambda line: line.account_id.account_type == "asset_receivable"
        ).reconcile()
        self.assertEqual(self.kpi._promises(date(2026, 1, 1), AS_OF, self.company), (0, 0, 1))
        self.assertEqual(
            self.kpi._promises(date(2026, 1, 1), date(2026, 4, 1), self.company), (0, 1, 0)
        )
        self.pay(self.i2, 300.0, "2026-03-27", journal=self._unbooked_bank())
        self.assertEqual(self.kpi._promises(date(2026, 1, 1), AS_OF, self.company), (1, 0, 0))

    def _unbooked_bank(self):
        bank = self.company_data["default_journal_bank"].copy({"name": "Unbooked bank"})
        bank.inbound_payment_method_line_ids.payment_account_id = False
        return bank

    def test_effectiveness_counts_cash_only(self):
        """Letter of 20 March on I2 (2,000 reminded): a 300 credit note on 22 March
        collects nothing; 200 registered on 24 March on a journal that books nothing is
        cash (4 days); 500 booked on 1 April (12 days). Paid within 7 days: 200 (10 %),
        within 15 and 30 days: 700 (35 %). Cost 2 / 700 = 0.0029 per euro."""
        entry = self._history(self.i2, "letter", date(2026, 3, 20), 2000.0)
        refund = self.init_invoice(
            "out_refund", self.customer, "2026-03-22", amounts=[300.0], taxes=[], post=True
        )
        (refund.line_ids | self.i2.line_ids).filtered(
            lambda line: line.account_id.account_type == "asset_receivable"
        ).reconcile()
        payment = self.pay(self.i2, 200.0, "2026-03-24", journal=self._unbooked_bank())
        self.assertFalse(payment.move_id)
        self.assertEqual(self.kpi._paid_after(entry, 7), {entry.id: 200.0})
        self.assertEqual(self.kpi._paid_after(entry, 15), {entry.id: 700.0})
        letter = self.kpi._effectiveness(date(2026, 3, 1), AS_OF, self.company)["letter"]
        self.assertEqual(
            (letter["share_7"], letter["share_15"], letter["share_30"]), (10.0, 35.0, 35.0)
        )
        self.assertEqual(letter["cost_per_euro"], 0.0029)

    def test_effectiveness_by_level_and_typology(self):
        """Three actions. E1: email at level 1 on I3 (key account customer), 1,000 paid
        4 days later. E2: call at level 3 on I2 (same customer), 500 of 2,000 paid 12 days
        later. E3: call at level 3 on I5 (risky customer), 300 of 900 paid 5 days later.

        Level 1: 1 action, 1,000, 100 % at 7/15/30 days, cost 0.10 / 1,000 = 0.0001.
        Level 3: 2 actions, 2,900; 7 days 300 (10.3 %), 15 and 30 days 800 (27.6 %);
        cost 28 / 800 = 0.035.
        Key account: 3,000; 7 days 1,000 (33.3 %), 15/30 days 1,500 (50 %); cost 14.10 /
        1,500 = 0.0094. Risk: 900; 300 (33.3 %) at each window; cost 14 / 300 = 0.0467."""
        key = self.env.ref("relance_avancee.relance_typology_key_account")
        risk = self.env.ref("relance_avancee.relance_typology_risk")
        self.customer.relance_typology_id = key
        other = self.env["res.partner"].create(
            {"name": "Risky SARL", "is_company": True, "relance_typology_id": risk.id}
        )
        i5 = self.make_invoice(other, "2026-03-01", 900.0, invoice_date="2026-02-01")
        self.pay(i5, 300.0, "2026-03-10")
        levels = self.standard_plan.level_ids.sorted("sequence")
        self._history(self.i3, "email", date(2026, 2, 16), 1000.0, level_id=levels[0].id)
        self._history(self.i2, "phone", date(2026, 3, 20), 2000.0, level_id=levels[2].id)
        self.env["relance.history"].create(
            {
                "partner_id": other.id,
                "move_ids": [(6, 0, i5.ids)],
                "channel": "phone",
                "date": date(2026, 3, 5),
                "state": "done",
                "amount_due": 900.0,
                "level_id": levels[2].id,
            }
        )

        def figures(group):
            return (
                group["count"],
                group["reminded"],
                group["share_7"],
                group["share_15"],
                group["share_30"],
                round(group["cost"], 2),
                group["cost_per_euro"],
            )

        by_level = self.kpi._effectiveness(date(2026, 1, 1), AS_OF, self.company, "level")
        self.assertEqual(
            {key_: figures(group) for key_, group in by_level.items()},
            {
                levels[0].id: (1, 1000.0, 100.0, 100.0, 100.0, 0.1, 0.0001),
                levels[2].id: (2, 2900.0, 10.3, 27.6, 27.6, 28.0, 0.035),
            },
        )
        by_typology = self.kpi._effectiveness(date(2026, 1, 1), AS_OF, self.company, "typology")
        self.assertEqual(
            {key_: figures(group) for key_, group in by_typology.items()},
            {
                key.id: (2, 3000.0, 33.3, 50.0, 50.0, 14.1, 0.0094),
                risk.id: (1, 900.0, 33.3, 33.3, 33.3, 14.0, 0.0467),
            },
        )
        dashboard = self.env["relance.kpi.dashboard"].create(
            {"date_from": date(2026, 1, 1), "date_to": AS_OF}
        )
        dashboard.action_refresh()
        line = dashboard.effect_line_ids.filtered(
            lambda e: e.group_by == "typology" and e.typology_id == risk
        )
        self.assertEqual((line.count, line.share_7, line.cost), (1, 33.3, 14.0))

    def test_dashboard_chart_of_cash_collected_per_channel_and_week(self):
        """Email of 16 Feb on I3: 1,000 paid on Friday 20 Feb (week of Monday 16 Feb).
        Call of 20 March on I2: 500 paid on Wednesday 1 April (week of Monday 30 March).
        1 Jan - 10 April touches the 15 weeks from Monday 29 Dec to Monday 6 April; the
        email's bar is the highest (160 px), the call's half of it (80 px)."""
        self._history(self.i3, "email", date(2026, 2, 16), 1000.0)
        self._history(self.i2, "phone", date(2026, 3, 20), 2000.0)
        dashboard = self.env["relance.kpi.dashboard"].create(
            {"date_from": date(2026, 1, 1), "date_to": date(2026, 4, 10)}
        )
        dashboard.action_refresh()
        self.assertEqual(
            {(line.week, line.channel): line.amount for line in dashboard.collect_line_ids},
            {(date(2026, 2, 16), "email"): 1000.0, (date(2026, 3, 30), "phone"): 500.0},
        )
        chart = str(dashboard.collect_chart)
        self.assertEqual(chart.count('class="o_relance_chart_bar"'), 15)
        currency = self.company.currency_id
        email_amount = formatLang(self.env, 1000.0, currency_obj=currency)
        phone_amount = formatLang(self.env, 500.0, currency_obj=currency)
        self.assertIn(f'title="Email: {email_amount}" style="height:160px', chart)
        self.assertIn(f'title="Phone call: {phone_amount}" style="height:80px', chart)
        # A week with nothing collected is an empty bar, not a missing one; the legend
        # names the two channels that collected.
        self.assertEqual(chart.count("o_relance_chart_segment"), 2)
        self.assertIn("Email</span>", chart)
        self.assertIn("Phone call</span>", chart)
        self.assertNotIn("Letter</span>", chart)

    def test_dashboard_chart_speaks_the_users_language(self):
        self.env["res.lang"]._activate_lang("fr_FR")
        self.env["ir.module.module"]._load_module_terms(["relance_avancee"], ["fr_FR"])
        self._history(self.i3, "email", date(2026, 2, 16), 1000.0)
        self._history(self.i2, "phone", date(2026, 3, 20), 2000.0)
        dashboard = (
            self.env["relance.kpi.dashboard"]
            .with_context(lang="fr_FR")
            .create({"date_from": date(2026, 1, 1), "date_to": date(2026, 4, 10)})
        )
        dashboard.action_refresh()
        self.assertIn("Appel téléphonique</span>", str(dashboard.collect_chart))

    def test_dashboard_chart_without_cash_says_so(self):
        dashboard = self.env["relance.kpi.dashboard"].create(
            {"date_from": date(2026, 1, 1), "date_to": AS_OF}
        )
        dashboard.action_refresh()
        self.assertIn("No cash collected after a reminder", str(dashboard.collect_chart))

    def test_top_late_payers(self):
        other = self.env["res.partner"].create({"name": "Small late payer"})
        self.make_invoice(other, "2026-03-01", 100.0, invoice_date="2026-02-01")
        top = self.kpi._top_late_payers(AS_OF, self.company)
        self.assertEqual(top, [(self.customer.id, 2000.0), (other.id, 100.0)])
        dashboard = self.env["relance.kpi.dashboard"].create(
            {"date_from": date(2026, 1, 1), "date_to": AS_OF}
        )
        dashboard.action_refresh()
        self.assertEqual(
            [(line.sequence, line.partner_id, line.overdue) for line in dashboard.late_line_ids],
            [(1, self.customer, 2000.0), (2, other, 100.0)],
        )

    def test_buckets_over_time(self):
        """Month ends: 31 Jan: I3 1,000 not due; 28 Feb: I2 2,000 not due, I3 paid;
        31 March: I1 3,000 not due, I2 2,000 in 1-30."""
        history = dict(self.kpi._bucket_history(AS_OF, self.company, months=3))
        self.assertEqual(list(history), [date(2026, 1, 31), date(2026, 2, 28), AS_OF])
        self.assertEqual(history[date(2026, 1, 31)][:2], [1000.0, 0.0])
        self.assertEqual(history[date(2026, 2, 28)][:2], [2000.0, 0.0])
        self.assertEqual(history[AS_OF][:2], [3000.0, 2000.0])
        dashboard = self.env["relance.kpi.dashboard"].create(
            {"date_from": date(2026, 1, 1), "date_to": AS_OF}
        )
        dashboard.action_refresh()
        lines = dashboard.bucket_line_ids.filtered(lambda line: line.date == AS_OF)
        self.assertEqual(sum(lines.mapped("amount")), 5000.0)
