from datetime import date

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
        self.assertEqual(self.kpi.receivable(AS_OF, self.company), 5000.0)
        self.assertEqual(self.kpi.current_receivable(AS_OF, self.company), 3000.0)
        self.assertEqual(self.kpi.overdue_ratio(AS_OF, self.company), 40.0)

    def test_dso_countback(self):
        """5,000 absorbs March's 3,000 (30 days) then February's 2,000 (30 days): 60."""
        self.assertEqual(self.kpi.dso(AS_OF, self.company), 60.0)
        # On 15 March the receivable (5,000) equals the sales of 14 Feb - 15 March
        # (I1 3,000 and I2 2,000): one period, 30 days.
        self.assertEqual(self.kpi.dso(date(2026, 3, 15), self.company), 30.0)

    def test_dso_partial_period(self):
        """On 20 March, receivable 5,000; sales of 19 Feb - 20 March: 3,000 (I1); of
        20 Jan - 18 Feb: 2,000 (I2): 30 + 30 = 60. Paying 1,000 more of I2 leaves 4,000:
        30 + 30 x 1,000 / 2,000 = 45."""
        self.assertEqual(self.kpi.dso(date(2026, 3, 20), self.company), 60.0)
        self.pay(self.i2, 1000.0, "2026-03-19")
        self.assertEqual(self.kpi.dso(date(2026, 3, 20), self.company), 45.0)

    def test_average_days_delinquent(self):
        """Best possible DSO on the current 3,000: 30 days; ADD = 60 - 30 = 30."""
        self.assertEqual(self.kpi.add(AS_OF, self.company), 30.0)

    def test_cei(self):
        """1 Jan - 31 March: (0 + 6,000 - 5,000) / (0 + 6,000 - 3,000) = 33.3 %."""
        self.assertEqual(self.kpi.cei(date(2026, 1, 1), AS_OF, self.company), 33.3)

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

    def test_channel_effectiveness_and_cost_per_euro(self):
        """Email of 16 Feb on I3: 1,000 paid 4 days later. Call of 20 March on I2: 500
        paid 12 days later. Costs: email 0.10, call 14."""
        self._history(self.i3, "email", date(2026, 2, 16), 1000.0)
        self._history(self.i2, "phone", date(2026, 3, 20), 2000.0)
        groups = self.kpi.effectiveness(date(2026, 1, 1), AS_OF, self.company)
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
        """500 promised for 5 April and paid on 1 April: kept. 2,000 promised for
        25 March with nothing paid by then: broken."""
        self._history(
            self.i2,
            "phone",
            date(2026, 3, 20),
            2000.0,
            outcome="promise",
            promise_date=date(2026, 4, 5),
            promise_amount=500.0,
        )
        self._history(
            self.i2,
            "phone",
            date(2026, 3, 20),
            2000.0,
            outcome="promise",
            promise_date=date(2026, 3, 25),
            promise_amount=2000.0,
        )
        self.assertEqual(self.kpi.promises(date(2026, 1, 1), AS_OF, self.company), (1, 1, 0))

    def test_top_late_payers(self):
        other = self.env["res.partner"].create({"name": "Small late payer"})
        self.make_invoice(other, "2026-03-01", 100.0, invoice_date="2026-02-01")
        top = self.kpi.top_late_payers(AS_OF, self.company)
        self.assertEqual(top, [(self.customer.id, 2000.0), (other.id, 100.0)])

    def test_buckets_over_time(self):
        """Month ends: 31 Jan: I3 1,000 not due; 28 Feb: I2 2,000 not due, I3 paid;
        31 March: I1 3,000 not due, I2 2,000 in 1-30."""
        history = dict(self.kpi.bucket_history(AS_OF, self.company, months=3))
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
