"""One message per customer and day (#18.14): the most advanced level due writes it,
overdue invoices each at their own stage, invoices falling due soon in their own
section; each invoice still reaches its own level."""

from datetime import date

from lxml import html

from odoo.exceptions import AccessError

from .common import RelanceCase, RelanceHttpCase
from .test_french import FrenchMixin

DAY = date(2026, 3, 10)


class OneMessageMixin:
    @classmethod
    def setup_levels(cls):
        levels = cls.written_plan.level_ids.sorted("sequence")
        cls.due_soon, cls.first, cls.second, cls.letter, cls.notice = levels
        cls.company.email = "relances@company.example.com"

    @classmethod
    def make_ledger(cls, partner, company=None):
        """One invoice falling due in two days (its "Due soon" is due) and eight overdue
        by five days (their "First reminder" is due): 100.00 to 170.00."""
        soon = cls.make_invoice(partner, "2026-03-12", 500.0, company=company)
        overdue = cls.env["account.move"].union(
            *(
                cls.make_invoice(partner, "2026-03-05", 100.0 + 10 * index, company=company)
                for index in range(8)
            )
        )
        return soon, overdue

    def rows(self, body):
        """{invoice name: text of its table row}, and the text of the due-soon section."""
        root = html.fromstring(body)
        soon = root.xpath("//*[contains(@class, 'o_relance_due_soon')]")
        self.assertEqual(len(soon), 1, "one section for the invoices falling due soon")
        soon_rows = [tr.text_content() for tr in soon[0].iter("tr")]
        for section in soon:
            section.getparent().remove(section)
        # The rows of our tables, not those of Odoo's layout around them.
        rows = [tr.text_content() for tr in root.iter("tr") if not tr.xpath(".//tr")]
        return rows, soon_rows

    def assert_one_message(self, run, partner, soon, overdue, stage, date_text):
        entry = run.history_ids.filtered(lambda h: h.partner_id == partner)
        self.assertEqual(len(entry), 1, "one action for the customer")
        self.assertEqual((entry.level_id, entry.channel), (self.first, "email"))
        self.assertEqual(entry.amount_due, 1080.0, "the eight overdue, 800 + 10 x (0+...+7)")
        mails = self._new_mails.filtered(lambda m: partner in m.recipient_ids)
        self.assertEqual(len(mails), 1, "one email")
        overdue_rows, soon_rows = self.rows(str(mails.body_html))
        for invoice in overdue:
            row = [text for text in overdue_rows if invoice.name in text]
            self.assertEqual(len(row), 1, f"{invoice.name} listed once as overdue")
            self.assertIn(stage, row[0], "at its own stage, in the customer's language")
            self.assertIn(date_text, row[0], "its due date, in the customer's format")
        self.assertFalse([text for text in overdue_rows if soon.name in text], "not overdue")
        self.assertEqual(len([text for text in soon_rows if soon.name in text]), 1)
        self.assertFalse([text for text in soon_rows if overdue[0].name in text])
        return entry


class TestOneMessagePerDay(OneMessageMixin, FrenchMixin, RelanceCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.load_french()
        cls.setup_levels()
        cls.customer.write({"relance_plan_id": cls.written_plan.id, "lang": "en_US"})
        cls.soon, cls.overdue = cls.make_ledger(cls.customer)

    def test_one_email_at_the_most_advanced_level(self):
        with self.mock_mail_gateway():
            run = self.run_on(DAY)
        entry = self.assert_one_message(
            run, self.customer, self.soon, self.overdue, "First reminder", "03/05/2026"
        )
        # Each invoice reached its own level; the history says which.
        self.assertEqual(
            {(line.move_id, line.level_id, line.amount) for line in entry.line_ids},
            {(self.soon, self.due_soon, 500.0)}
            | {(move, self.first, move.amount_total) for move in self.overdue},
        )
        self.assertEqual(entry.move_ids, self.soon | self.overdue)
        self.assertEqual(self.soon.relance_level_id, self.due_soon)
        self.assertEqual(set(self.overdue.mapped("relance_level_id")), {self.first})
        self.assertEqual(set((self.soon | self.overdue).mapped("relance_last_date")), {DAY})
        self.assertEqual(entry.due_totals, "$\N{NO-BREAK SPACE}1,080.00", "nothing claimed yet")

    def test_in_french_for_a_french_customer(self):
        self.customer.lang = "fr_FR"
        with self.mock_mail_gateway():
            run = self.run_on(DAY)
        self.assert_one_message(
            run, self.customer, self.soon, self.overdue, "Première relance", "05/03/2026"
        )

    def test_a_second_run_the_same_day_sends_nothing(self):
        with self.mock_mail_gateway():
            run = self.run_on(DAY)
            self.assertEqual(len(self._new_mails), 1)
            run.action_run()
            self.assertEqual(len(run.history_ids), 1)
            self.assertEqual(len(self._new_mails), 1, "nothing more")

    def test_one_message_per_company(self):
        other = self.setup_other_company()["company"]
        other.email = "relances@other.example.com"
        self.customer.with_company(other).relance_plan_id = self.written_plan
        soon, overdue = self.make_ledger(self.customer, company=other)
        with self.mock_mail_gateway():
            run = self.run_on(DAY)
            other_run = self.run_on(DAY, company=other)
        mails = self._new_mails.filtered(lambda m: self.customer in m.recipient_ids)
        self.assertEqual(len(mails), 2, "one per company")
        for each_run, invoices in ((run, self.soon | self.overdue), (other_run, soon | overdue)):
            self.assertEqual(len(each_run.history_ids), 1)
            self.assertEqual(each_run.history_ids.move_ids, invoices)
            self.assertEqual(each_run.history_ids.line_ids.company_id, each_run.company_id)

    def test_collectors_read_the_levels_only_the_engine_writes_them(self):
        with self.mock_mail_gateway():
            run = self.run_on(DAY)
        History = self.env["relance.history.line"]
        mine = History.with_user(self.collector).search([("history_id", "=", run.history_ids.id)])
        self.assertEqual(len(mine), 9, "the collector reads each invoice's level")
        with self.assertRaises(AccessError):
            mine[:1].write({"level_id": self.notice.id})
        with self.assertRaises(AccessError):
            History.with_user(self.collector).create(
                {"history_id": run.history_ids.id, "move_id": self.soon.id}
            )
        other = self.setup_other_company()["company"]
        manager = self._create_relance_user(
            "other_manager", ["relance_avancee.group_relance_manager"], company=other
        )
        self.assertFalse(History.with_user(manager).search([("id", "in", mine.ids)]))

    def test_penalties_only_on_invoices_at_a_level_that_applies_them(self):
        """A message written at a formal notice recalls an invoice at a first reminder:
        that one is not put on notice, and bears no penalty."""
        entry = self.env["relance.history"].create(
            {
                "partner_id": self.customer.id,
                "move_ids": [(6, 0, self.overdue[:2].ids)],
                "level_id": self.notice.id,
                "channel": "formal_notice",
                "date": "2026-04-30",
            }
        )
        reminded = self.overdue[1]
        # As the engine writes it: the message's lines are its own.
        entry.line_ids.filtered(lambda line: line.move_id == reminded).sudo().write(
            {"level_id": self.first.id}
        )
        self.assertEqual(entry._relance_lines_below_level().move_id, reminded)
        charges = self.env["relance.penalty"]._charge(entry)
        self.assertEqual(charges.move_id, self.overdue[0])
        # 100.00 x 12.15 % x 56 / 365 (6 March - 30 April) = 1.86, and the 40.00 indemnity.
        self.assertEqual((charges.days, charges.interest, charges.indemnity), (56, 1.86, 40.0))


class TestCallsAndLitigation(RelanceCase):
    """Neither a call nor a hand-over to litigation is a written message."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.first, cls.second, cls.call, cls.notice, cls.litigation = (
            cls.standard_plan.level_ids.sorted("sequence")
        )
        cls.late = cls.make_invoice(cls.customer, "2026-01-05", 5000.0)
        cls.new = cls.make_invoice(cls.customer, "2026-03-05", 200.0)

    def test_a_call_covers_every_invoice_of_the_customer(self):
        self.late.write({"relance_level_id": self.second.id, "relance_last_date": "2026-02-20"})
        with self.mock_mail_gateway():
            run = self.run_on(DAY)
        self.assertFalse(self._new_mails.filtered(lambda m: self.customer in m.recipient_ids))
        entry = run.history_ids
        self.assertEqual((len(entry), entry.channel, entry.level_id), (1, "phone", self.call))
        note = str(entry.activity_id.note)
        self.assertRegex(note, f"{self.late.name}.*Collection call")
        self.assertRegex(note, f"{self.new.name}.*First reminder")
        self.assertEqual(entry.amount_due, 5200.0)
        self.assertEqual(
            (self.late.relance_level_id, self.new.relance_level_id), (self.call, self.first)
        )

    def test_litigation_is_an_action_of_its_own(self):
        self.late.write({"relance_level_id": self.notice.id, "relance_last_date": "2026-02-01"})
        decisions = self.env["relance.engine"]._compute_decisions(self.company, DAY)
        self.assertEqual(
            sorted((d["level"].channel, d["moves"].ids, d["amount"]) for d in decisions),
            [("email", self.new.ids, 200.0), ("litigation", self.late.ids, 5000.0)],
        )


class TestOneLetterPerDay(OneMessageMixin, RelanceHttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setup_levels()
        cls.customer.write({"relance_plan_id": cls.written_plan.id, "lang": "en_US"})

    def test_one_letter_lists_every_invoice_at_its_stage(self):
        soon = self.make_invoice(self.customer, "2026-03-12", 500.0)
        first = self.make_invoice(self.customer, "2026-03-05", 100.0)
        late = self.make_invoice(self.customer, "2026-01-20", 300.0)
        late.write({"relance_level_id": self.second.id, "relance_last_date": "2026-02-20"})
        self.env = self.env(context=dict(self.env.context, force_report_rendering=True))
        with self.mock_mail_gateway():
            run = self.run_on(DAY)
        self.assertFalse(self._new_mails.filtered(lambda m: self.customer in m.recipient_ids))
        entry = run.history_ids
        self.assertEqual(len(entry), 1, "one document")
        self.assertEqual((entry.level_id, entry.channel), (self.letter, "letter"))
        self.assertEqual(entry.amount_due, 400.0, "300 + 100: the due-soon 500 is not claimed")
        self.assertEqual(entry.attachment_id.mimetype, "application/pdf")
        text = self.pdf_text(entry.attachment_id.raw)
        overdue_part, soon_part = text.split("Falling due soon")
        self.assertRegex(overdue_part, f"{late.name} [^A-Z]*Reminder letter")
        self.assertRegex(overdue_part, f"{first.name} [^A-Z]*First reminder")
        self.assertNotIn(soon.name, overdue_part)
        self.assertIn(soon.name, soon_part)
        self.assertIn("Total due: $ 400.00", text.replace("\N{NO-BREAK SPACE}", " "))
        self.assertEqual(
            (late.relance_level_id, first.relance_level_id, soon.relance_level_id),
            (self.letter, self.first, self.due_soon),
        )
