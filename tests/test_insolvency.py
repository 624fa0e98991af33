"""Insolvency proceedings stop all dunning at once; the claim is declared in time."""

from datetime import date

from odoo.exceptions import AccessError

from .common import RelanceCase


class TestInsolvency(RelanceCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # A creditor in metropolitan France: two months to declare (R622-24).
        cls.company.country_id = cls.env.ref("base.fr")
        cls.manager = cls._create_relance_user(
            "insolvency_mgr", ["relance_avancee.group_relance_manager"]
        )
        cls.levels = cls.standard_plan.level_ids.sorted("sequence")
        cls.invoice = cls.make_invoice(cls.customer, "2026-01-31", 10000.0)

    def _open_proceedings(self):
        self.customer.with_user(self.manager).write(
            {
                "relance_insolvency_kind": "reorganisation",
                "relance_insolvency_date": "2026-03-17",
                "relance_insolvency_publication_date": "2026-03-25",
                "relance_insolvency_court": "Tribunal de commerce de Lyon",
            }
        )

    def test_proceedings_stop_reminders_penalties_and_blocks(self):
        with self.mock_mail_gateway():
            planned = self.env["relance.run"]._get_or_create(self.company, date(2026, 2, 1))
            planned._plan()
        entry = planned.history_ids
        self.assertEqual(entry.state, "planned")
        self._open_proceedings()
        self.assertEqual(entry.state, "cancelled", "what was planned is cancelled at once")
        self.invoice.write(
            {"relance_level_id": self.levels[2].id, "relance_last_date": "2026-03-01"}
        )
        with self.mock_mail_gateway():
            run = self.run_on(date(2026, 4, 10))
        self.assertFalse(run.history_ids.filtered(lambda h: h.state != "cancelled"))
        self.assertFalse(self.customer.relance_blocked)
        self.assertFalse(self.invoice.relance_penalty_ids)
        self.customer._relance_block("formal notice")
        self.assertFalse(self.customer.relance_blocked, "no block under the legal stay")

    def test_a_creditor_outside_metropolitan_france_has_four_months(self):
        """R622-24: the two months are extended by two for a creditor who does not
        live in metropolitan France (Martinique has its own country code)."""
        self._open_proceedings()
        self.company.country_id = self.env.ref("base.mq")
        self.customer.invalidate_recordset(["relance_insolvency_claim_deadline"])
        # BODACC publication 25 March 2026 + four months
        self.assertEqual(self.customer.relance_insolvency_claim_deadline, date(2026, 7, 25))

    def test_claim_to_declare_with_the_figures_as_of_the_judgment(self):
        self._open_proceedings()
        self.assertEqual(self.customer.relance_insolvency_claim_deadline, date(2026, 5, 25))
        task = self.env["mail.activity"].search(
            [("res_model", "=", "res.partner"), ("res_id", "=", self.customer.id)]
        )
        self.assertEqual(len(task), 1)
        self.assertEqual(task.date_deadline, date(2026, 5, 18))
        self.assertEqual(task.user_id, self.manager)
        # Principal 10,000.00; interest to the judgment 10,000 x 12.15 % x 45 / 365 = 149.79
        # plus the 40.00 indemnity: 189.79
        self.assertIn("10,000.00", str(task.note))
        self.assertIn("189.79", str(task.note))

    def test_only_a_manager_records_proceedings(self):
        with self.assertRaises(AccessError):
            self.customer.with_user(self.collector).write(
                {"relance_insolvency_kind": "liquidation", "relance_insolvency_date": "2026-03-17"}
            )
        self.assertFalse(self.customer.relance_insolvency_date)
