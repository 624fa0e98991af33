"""What customers are told states only what applies to them (Trust II)."""

from datetime import date
from unittest.mock import patch

from .common import RelanceCase


class TestDebtorKind(RelanceCase):
    """A sole trader is a professional; a consumer owes no indemnity."""

    def test_sole_trader_with_a_siret_is_a_professional(self):
        trader = self.env["res.partner"].create(
            {"name": "Paul Artisan", "company_registry": "81234567800012"}
        )
        self.assertFalse(trader.is_company)
        self.assertTrue(trader.relance_professional)
        invoice = self.make_invoice(trader, "2026-01-31", 10000.0)
        penalty = invoice._relance_compute_penalty(date(2026, 3, 17))
        # Professional rule: from the due date, 10,000 x 12.15 % x 45 / 365, plus 40.00
        self.assertEqual((penalty["interest"], penalty["indemnity"]), (149.79, 40.0))

    def test_consumer_owes_no_indemnity_nor_interest_before_the_notice(self):
        consumer = self.env["res.partner"].create({"name": "Jeanne Martin"})
        self.assertFalse(consumer.relance_professional)
        invoice = self.make_invoice(consumer, "2026-01-31", 10000.0)
        penalty = invoice._relance_compute_penalty(date(2026, 3, 17))
        self.assertEqual((penalty["interest"], penalty["indemnity"]), (0.0, 0.0))
        # The flag decides, whatever is_company says.
        consumer.relance_professional = True
        self.assertEqual(invoice._relance_compute_penalty(date(2026, 3, 17))["indemnity"], 40.0)


class TestRemindersStateWhatApplies(RelanceCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.relance_indemnity_amount = 55.0
        cls.levels = cls.standard_plan.level_ids.sorted("sequence")
        cls.consumer = cls.env["res.partner"].create(
            {
                "name": "Jeanne Martin",
                "email": "jeanne@example.com",
                "street": "2 rue de la Paix",
                "city": "Paris",
                "relance_plan_id": cls.standard_plan.id,
            }
        )

    def _firm_email(self, partner):
        invoice = self.make_invoice(partner, "2026-01-31", 1000.0)
        invoice.write({"relance_level_id": self.levels[0].id, "relance_last_date": "2026-02-01"})
        with self.mock_mail_gateway():
            run = self.run_on(date(2026, 2, 9))
        self.assertEqual(run.history_ids.level_id, self.levels[1])
        mails = self._new_mails.filtered(lambda m: partner in m.recipient_ids)
        self.assertEqual(len(mails), 1)
        return str(mails.body_html)

    def test_consumer_firm_reminder_claims_no_indemnity(self):
        body = self._firm_email(self.consumer)
        self.assertNotIn("D441-5", body)
        self.assertNotIn("indemnity", body)
        self.assertNotIn("L441-10", body)

    def test_professional_firm_reminder_states_the_company_indemnity(self):
        body = self._firm_email(self.customer)
        self.assertIn("D441-5", body)
        self.assertIn("55.00", body)
        self.assertNotIn("40 EUR", body)

    def test_public_buyer_firm_reminder_cites_the_public_procurement_code(self):
        self.customer.relance_typology_id = self.env.ref("relance_avancee.relance_typology_public")
        self.customer.relance_plan_id = self.standard_plan
        body = self._firm_email(self.customer)
        self.assertIn("L2192-13", body)
        self.assertNotIn("L441-10", body)


class TestFormalNotice(RelanceCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.relance_notice_deadline_days = 15
        cls.notice_level = cls.standard_plan.level_ids.filtered(
            lambda level: level.channel == "formal_notice"
        )
        cls.phone_level = cls.standard_plan.level_ids.filtered(
            lambda level: level.channel == "phone"
        )

    def _notice(self, partner):
        invoice = self.make_invoice(partner, "2026-01-31", 1000.0)
        invoice.write({"relance_level_id": self.phone_level.id, "relance_last_date": "2026-02-20"})
        with self.mock_mail_gateway():
            run = self.run_on(date(2026, 3, 5))
        entry = run.history_ids
        self.assertEqual((entry.level_id, entry.state), (self.notice_level, "done"))
        return entry

    def test_deadline_from_the_settings_and_a_registered_letter_even_when_emailed(self):
        entry = self._notice(self.customer)
        self.assertEqual(entry.notice_deadline, date(2026, 3, 20))  # 5 March + 15 days
        mails = self._new_mails.filtered(lambda m: self.customer in m.recipient_ids)
        body = str(mails.body_html)
        self.assertIn("03/20/2026", body)
        self.assertNotIn("8 days", body)
        task = self.env["mail.activity"].search(
            [("res_model", "=", "res.partner"), ("res_id", "=", self.customer.id)]
        )
        self.assertIn("registered letter", " ".join(task.mapped("summary")))
        # The collector notes the registered letter on the done action.
        entry.with_user(self.collector).write(
            {"registered_mail_ref": "1A 123 456 7890 1", "registered_mail_date": "2026-03-06"}
        )
        self.assertEqual(entry.registered_mail_ref, "1A 123 456 7890 1")

    def test_public_buyer_notice_goes_before_the_administrative_judge(self):
        self.customer.relance_typology_id = self.env.ref("relance_avancee.relance_typology_public")
        self.customer.relance_plan_id = self.standard_plan
        entry = self._notice(self.customer)
        mail = self._new_mails.filtered(lambda m: self.customer in m.recipient_ids)
        body = str(mail.body_html).replace("&nbsp;", "\xa0")
        self.assertIn("administrative court", body)
        self.assertNotIn("injunction to pay", body)
        labels = " ".join(entry.penalty_ids.penalty_line_ids.mapped("name"))
        self.assertIn("L2192-13", labels)
        self.assertNotIn("L441-10", labels)


class TestTotalsPerCurrency(RelanceCase):
    def test_one_total_per_currency_never_mixed(self):
        self.env.user.groups_id += self.env.ref("base.group_multi_currency")
        code = "EUR" if self.company.currency_id.name != "EUR" else "USD"
        foreign = self.setup_other_currency(code, rates=[("2026-01-01", 2.0)])
        self.make_invoice(self.customer, "2026-01-31", 1000.0)
        self.make_invoice(self.customer, "2026-01-31", 300.0, currency=foreign)
        self.make_invoice(self.customer, "2026-01-30", 200.0, currency=foreign)
        with self.mock_mail_gateway():
            entry = self.run_on(date(2026, 2, 2)).history_ids
        mail = self._new_mails.filtered(lambda m: self.customer in m.recipient_ids)
        body = str(mail.body_html).replace("&nbsp;", "\xa0")
        company_total = self.company.currency_id.format(1000.0)
        foreign_total = foreign.format(500.0)
        self.assertEqual(
            sorted(entry.due_totals.splitlines()), sorted([company_total, foreign_total])
        )
        self.assertIn(f"Total due: <strong>{company_total}</strong>", body)
        self.assertIn(f"Total due: <strong>{foreign_total}</strong>", body)
        self.assertEqual(body.count("Total due:"), 2)


class TestDocumentThatFailsToRender(RelanceCase):
    """An email is never said to carry a document it does not carry."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.levels = cls.standard_plan.level_ids.sorted("sequence")

    def _run_with_failing_documents(self, level, day):
        invoice = self.make_invoice(self.customer, "2026-01-31", 1000.0)
        if level:
            invoice.write({"relance_level_id": level.id, "relance_last_date": "2026-02-20"})
        documents = type(self.env["relance.documents"])

        def broken(model, entries):
            raise ValueError("wkhtmltopdf crashed")

        with self.mock_mail_gateway(), patch.object(documents, "_render", broken):
            entry = self.run_on(day).history_ids
        self.assertEqual((entry.state, entry.document_state), ("done", "failed"))
        return entry

    def _chatter(self):
        return " ".join(self.customer.message_ids.mapped(lambda m: str(m.body)))

    def test_reminder_leaves_without_its_letter_and_the_chatter_says_so(self):
        self.levels[0].attach_pdf = True
        entry = self._run_with_failing_documents(None, date(2026, 2, 2))
        mail = entry.message_id.sudo().mail_ids
        self.assertEqual(mail.state, "outgoing")
        self.assertFalse(mail.scheduled_date, "released at once")
        self.assertIn("could not be rendered", self._chatter())
        self.assertIn("left without it", self._chatter())

    def test_formal_notice_email_is_held_back_without_its_notice(self):
        phone = self.levels.filtered(lambda level: level.channel == "phone")
        entry = self._run_with_failing_documents(phone, date(2026, 3, 5))
        self.assertEqual(entry.channel, "formal_notice")
        self.assertEqual(entry.message_id.sudo().mail_ids.state, "cancel")
        self.assertIn("its email was not sent", self._chatter())
