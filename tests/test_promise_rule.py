"""One rule for promises to pay: the engine, the chatter, the call screen and the KPIs
judge the same promise the same way (grace of the customer's plan in the company)."""

from datetime import date

from freezegun import freeze_time

from .common import RelanceCase, requires_addons


class TestOnePromiseRule(RelanceCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # The customer has no plan of its own: the company's default plan applies.
        cls.customer.relance_plan_id = False
        cls.company.relance_default_plan_id = cls.standard_plan
        cls.standard_plan.grace_days = 3
        cls.invoice = cls.make_invoice(cls.customer, "2026-03-01", 1000.0)
        cls.promise = cls.env["relance.history"].create(
            {
                "partner_id": cls.customer.id,
                "move_ids": [(6, 0, cls.invoice.ids)],
                "channel": "phone",
                "date": date(2026, 3, 20),
                "state": "done",
                "outcome": "promise",
                "promise_date": date(2026, 3, 25),
                "promise_amount": 1000.0,
                "amount_due": 1000.0,
            }
        )
        cls.customer.sudo().write(
            {"relance_promise_date": date(2026, 3, 25), "relance_promise_amount": 1000.0}
        )
        cls.invoice.relance_promise_date = date(2026, 3, 25)

    @requires_addons("relance_avancee_reports")
    def test_paid_within_the_grace_days_is_kept_everywhere(self):
        """Promised for 25 March, paid on 27 March: within the 3 grace days (28 March)."""
        self.pay(self.invoice, 1000.0, "2026-03-27")
        engine = self.env["relance.engine"]
        self.assertTrue(engine._promise_pauses(self.invoice, self.standard_plan, date(2026, 3, 27)))
        self.assertFalse(self.customer._relance_promise_broken(date(2026, 3, 27)))
        self.assertEqual(
            self.promise._relance_promise_states(date(2026, 4, 10)), {self.promise.id: "kept"}
        )
        kpi = self.env["relance.kpi"]
        self.assertEqual(
            kpi._promises(date(2026, 3, 1), date(2026, 4, 10), self.company), (1, 0, 0)
        )
        with freeze_time("2026-04-10"):
            self.assertEqual(self.customer._relance_promise_record(date(2026, 1, 1)), (1, 0))

    @requires_addons("relance_avancee_reports")
    def test_unpaid_after_the_grace_days_is_broken_everywhere(self):
        self.assertFalse(
            self.env["relance.engine"]._promise_pauses(
                self.invoice, self.standard_plan, date(2026, 3, 29)
            )
        )
        self.assertTrue(self.customer._relance_promise_broken(date(2026, 3, 29)))
        self.assertEqual(
            self.promise._relance_promise_states(date(2026, 3, 29)), {self.promise.id: "broken"}
        )
        self.assertEqual(
            self.env["relance.kpi"]._promises(date(2026, 3, 1), date(2026, 3, 29), self.company),
            (0, 1, 0),
        )
        # Within the grace days it is still pending, for every reader.
        self.assertFalse(self.customer._relance_promise_broken(date(2026, 3, 28)))
        self.assertEqual(
            self.promise._relance_promise_states(date(2026, 3, 28)), {self.promise.id: "pending"}
        )
