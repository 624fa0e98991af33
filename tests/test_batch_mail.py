from datetime import date, datetime
from unittest.mock import patch

from freezegun import freeze_time

from odoo import SUPERUSER_ID, tools

from odoo.addons.relance_avancee.models.batch_formats import BatchFormats

from .common import RelanceCase
from .test_french import FrenchMixin


class TestBatchedReminders(FrenchMixin, RelanceCase):
    """A run renders and posts its reminders in batches: what customers receive
    must be exactly what Odoo's one-by-one path gives."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.load_french()
        cls.first_level = cls.standard_plan.level_ids.sorted("sequence")[0]
        cls.template = cls.first_level.mail_template_id
        cls.company.email = "relances@company.example.com"
        cls.eur = cls.setup_other_currency("EUR")
        cls.french = cls.env["res.partner"].create(
            {
                "name": "Martin SARL",
                "email": "compta@martin.example.com",
                "lang": "fr_FR",
                "relance_plan_id": cls.standard_plan.id,
                "relance_collector_id": cls.collector.id,
            }
        )
        cls.salesman = cls._create_relance_user("salesman", ["sales_team.group_sale_salesman"])
        cls.customer.message_subscribe(partner_ids=cls.salesman.partner_id.ids)
        cls.make_invoice(cls.customer, "2026-01-31", 1234567.891)
        cls.make_invoice(cls.customer, "2026-01-15", 80.5)
        cls.make_invoice(cls.french, "2026-01-31", 4321.5, currency=cls.eur)
        cls.make_invoice(cls.french, "2026-01-20", 12.0)

    def _planned_entries(self):
        run = self.env["relance.run"]._get_or_create(self.company, date(2026, 2, 1))
        run._plan()
        return run.history_ids

    def test_batch_rendering_equals_odoo_rendering_one_by_one(self):
        entries = self._planned_entries()
        self.assertEqual(len(entries), 2)
        fields = ["subject", "body_html", "email_from"]
        batch = self.template._generate_template(entries.ids, fields)
        for entry in entries:
            alone = self.template._generate_template(entry.ids, fields)[entry.id]
            self.assertEqual(batch[entry.id], alone)
        french = entries.filtered(lambda e: e.partner_id == self.french)
        self.assertIn("321,50\N{NO-BREAK SPACE}€", batch[french.id]["body_html"])
        self.assertIn("31/01/2026", batch[french.id]["body_html"])
        mine = entries - french
        self.assertIn("$\N{NO-BREAK SPACE}1,234,567.89", batch[mine.id]["body_html"])

    def test_batch_formats_give_odoo_strings(self):
        env_fr = self.env(context=dict(self.env.context, lang="fr_FR"))
        usd = self.company.currency_id
        for env in (self.env, env_fr):
            render_context = self.template.with_env(env)._render_eval_context()
            formats = BatchFormats(env, render_context["format_date"])
            for amount in (0.0, 0.005, -0.004, 12.0, -1234.5, 1234567.891, -98765432.1):
                for currency in (usd, self.eur):
                    for lang_code in (False, "fr_FR", "en_US"):
                        self.assertEqual(
                            formats.format_amount(amount, currency, lang_code),
                            tools.format_amount(env, amount, currency, lang_code),
                        )
            for value in (date(2026, 1, 31), datetime(2026, 12, 31, 23, 30), False):
                for lang_code in (False, "fr_FR"):
                    self.assertEqual(
                        formats.format_date(value, False, lang_code),
                        render_context["format_date"](value, False, lang_code),
                    )
                    self.assertEqual(
                        formats.format_date(value, "MMMM yyyy", lang_code),
                        render_context["format_date"](value, "MMMM yyyy", lang_code),
                    )

    def test_grouping_of_a_custom_language_setting(self):
        lang = self.env["res.lang"]._lang_get("en_US")
        lang.write({"grouping": "[3,2,0]", "thousands_sep": "'"})
        formats = BatchFormats(self.env, lambda *args: "")
        usd = self.company.currency_id
        for amount in (1234567.891, -12345.0, 100.0):
            self.assertEqual(
                formats.format_amount(amount, usd), tools.format_amount(self.env, amount, usd)
            )
        self.assertEqual(formats.format_amount(1234567.891, usd), "$\N{NO-BREAK SPACE}12'34'567.89")

    def test_reminder_is_posted_queued_and_tracked_like_odoo_does(self):
        self.first_level.attach_pdf = True
        with self.mock_mail_gateway():
            run = self.env["relance.run"]._get_or_create(self.company, date(2026, 2, 1))
            run.action_run()
        entry = run.history_ids.filtered(lambda e: e.partner_id == self.customer)
        message = entry.message_id
        self.assertRecordValues(
            message,
            [
                {
                    "model": "res.partner",
                    "res_id": self.customer.id,
                    "message_type": "comment",
                    "subtype_id": self.env.ref("mail.mt_comment").id,
                    "email_from": self.company.email_formatted,
                    "email_layout_xmlid": "mail.mail_notification_light",
                    "record_name": self.customer.display_name,
                }
            ],
        )
        self.assertEqual(message.partner_ids, self.customer)
        self.assertIn(self.customer.invoice_ids[0].name, str(message.body))
        self.assertIn(message, self.customer.message_ids, "in the customer's chatter")
        mail = self._new_mails.filtered(lambda m: m.mail_message_id == message)
        self.assertEqual(len(mail), 1)
        self.assertEqual(mail.recipient_ids, self.customer)
        self.assertEqual(mail.state, "outgoing")
        self.assertFalse(mail.scheduled_date, "released once its document was attached")
        self.assertEqual(mail.attachment_ids, entry.attachment_id)
        self.assertTrue(entry.attachment_id)
        self.assertIn("relances@company.example.com", mail.email_from)
        self.assertIn(message.message_id, mail.references)
        self.assertIn(self.company.name, str(mail.body_html), "Odoo's email layout")
        notification = message.notification_ids
        self.assertRecordValues(
            notification,
            [
                {
                    "res_partner_id": self.customer.id,
                    "notification_type": "email",
                    "notification_status": "ready",
                    "mail_mail_id": mail.id,
                }
            ],
        )
        # Internal followers read it in the chatter; the collector follows the customer.
        self.assertFalse(
            self._new_mails.filtered(lambda m: self.salesman.partner_id in m.recipient_ids)
        )
        self.assertIn(self.collector.partner_id, self.customer.message_partner_ids)
        french = run.history_ids - entry
        self.assertIn("Sauf erreur de notre part", str(french.message_id.body))

    def test_amounts_of_a_batch_are_computed_once_not_per_customer(self):
        """The amount claimed each reminder lists is computed for the whole batch: one
        computation per customer spread the customers' open credits again each time,
        and a run's cost per invoice grew with the ledger."""
        entries = self._planned_entries()
        self.assertEqual(len(entries.partner_id), 2)
        moves = type(self.env["account.move"])
        original = moves._compute_relance_amount_claimed
        computed = []

        def counting(records):
            computed.append(set(records.ids))
            return original(records)

        self.env.invalidate_all()
        with (
            self.mock_mail_gateway(),
            patch.object(moves, "_compute_relance_amount_claimed", counting),
        ):
            self.env["relance.executor"].with_context(relance_defer_documents=True)._execute(
                entries
            )
        self.assertEqual(computed, [set(entries.move_ids.ids)], "once, for both customers")
        mine = entries.filtered(lambda e: e.partner_id == self.customer)
        french = entries - mine
        # The amounts themselves, to the cent (the body is HTML: spaces as entities).
        for amount in ("80.50", "1,234,567.89", "1,234,648.39"):
            self.assertIn(amount, str(mine.message_id.body))
        for amount in ("321,50", "12,00"):
            self.assertIn(amount, str(french.message_id.body))

    def test_next_reminder_continues_the_customers_thread(self):
        with self.mock_mail_gateway():
            first = self.run_on(date(2026, 2, 1)).history_ids
            second = self.run_on(date(2026, 2, 8)).history_ids
        mine = second.filtered(lambda e: e.partner_id == self.customer)
        self.assertEqual(mine.level_id, self.standard_plan.level_ids.sorted("sequence")[1])
        thread_start = self.customer.message_ids.sorted("id")[0]
        self.assertEqual(mine.message_id.parent_id, thread_start)
        earlier = first.filtered(lambda e: e.partner_id == self.customer).message_id
        self.assertNotEqual(mine.message_id, earlier)

    def test_calls_are_scheduled_without_an_email_to_the_collector(self):
        second_level = self.standard_plan.level_ids.sorted("sequence")[1]
        invoices = (self.customer | self.french).invoice_ids
        invoices.write({"relance_level_id": second_level.id, "relance_last_date": "2026-02-08"})
        with self.mock_mail_gateway():
            run = self.run_on(date(2026, 2, 15))
        self.assertEqual(set(run.history_ids.mapped("channel")), {"phone"})
        activities = run.history_ids.activity_id
        self.assertEqual(len(activities), 2)
        self.assertEqual(activities.user_id, self.collector)
        self.assertEqual(set(activities.mapped("res_id")), {self.customer.id, self.french.id})
        self.assertFalse(
            self._new_mails.filtered(lambda m: self.collector.partner_id in m.recipient_ids),
            "the calls are on the worklist, not one email each",
        )

    @freeze_time("2026-02-01")
    def test_scheduled_run_subscribes_collectors_not_the_superuser(self):
        self.french.relance_collector_id = False
        self.assertFalse(self.french.user_id)
        with self.mock_mail_gateway():
            self.env["relance.run"].with_user(SUPERUSER_ID)._cron_daily_run()
        entries = self.env["relance.history"].search([("date", "=", date(2026, 2, 1))])
        self.assertEqual(set(entries.mapped("state")), {"done"})
        self.assertIn(self.collector.partner_id, self.customer.message_partner_ids)
        robot = self.env.ref("base.partner_root")
        self.assertNotIn(robot, (self.customer | self.french).message_partner_ids)


class TestBatchedNotes(RelanceCase):
    def test_two_actions_of_one_customer_get_a_note_each(self):
        """Odoo's batch logging writes one note per record and call: two actions of the
        same customer in one batch still get their own note."""
        History = self.env["relance.history"]
        other = self.customer.copy({"name": "Autre Client"})
        entries = History.create(
            [
                {"partner_id": partner.id, "channel": "letter", "date": "2026-02-01"}
                for partner in (self.customer, self.customer, other)
            ]
        )
        bodies = {entry.id: f"Note {index}" for index, entry in enumerate(entries)}
        messages = self.env["relance.mailer"]._post_notes(entries, bodies)
        self.assertEqual(len({message.id for message in messages.values()}), 3)
        for index, entry in enumerate(entries):
            message = messages[entry.id]
            self.assertEqual((message.model, message.res_id), ("res.partner", entry.partner_id.id))
            self.assertIn(f"Note {index}", str(message.body))
            self.assertEqual(message.subtype_id, self.env.ref("mail.mt_note"))
