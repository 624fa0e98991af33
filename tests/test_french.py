from datetime import date

from odoo.exceptions import ValidationError

from .common import RelanceCase, RelanceHttpCase, requires_addons

ADDONS = ["relance_avancee", "relance_avancee_disputes", "relance_avancee_reports"]


class FrenchMixin:
    @classmethod
    def load_french(cls):
        cls.env["res.lang"]._activate_lang("fr_FR")
        cls.env["ir.module.module"]._load_module_terms(ADDONS, ["fr_FR"], overwrite=True)


class TestFrenchMessages(FrenchMixin, RelanceCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.load_french()

    def test_validation_errors_in_the_users_language(self):
        with self.assertRaisesRegex(ValidationError, "doivent augmenter strictement"):
            self.env["relance.plan"].with_context(lang="fr_FR").create(
                {
                    "name": "Plan",
                    "level_ids": [
                        (
                            0,
                            0,
                            {"name": "A", "sequence": 1, "offset_days": 10, "channel": "letter"},
                        ),
                        (0, 0, {"name": "B", "sequence": 2, "offset_days": 5, "channel": "letter"}),
                    ],
                }
            )
        with self.assertRaisesRegex(ValidationError, "choisissez son modèle d'e-mail"):
            self.env["relance.plan"].with_context(lang="fr_FR").create(
                {"name": "Plan", "level_ids": [(0, 0, {"name": "A", "offset_days": 1})]}
            )

    @requires_addons("relance_avancee_disputes")
    def test_default_data_reads_in_french(self):
        plan = self.standard_plan.with_context(lang="fr_FR")
        self.assertEqual(plan.name, "Crescendo B2B standard")
        self.assertEqual(
            self.env.ref("relance_avancee.relance_typology_key_account")
            .with_context(lang="fr_FR")
            .name,
            "Grand compte",
        )
        reason = self.env.ref("relance_avancee_disputes.reason_not_received")
        self.assertEqual(reason.with_context(lang="fr_FR").name, "Facture non reçue")

    def test_blocked_banner_in_french_with_french_dates(self):
        self.make_invoice(self.customer, "2026-01-31", 2500.0)
        self.customer._relance_block("Mise en demeure")
        banner = self.customer.with_context(lang="fr_FR")._relance_block_banner()
        self.assertIn("Client bloqué", banner)
        self.assertIn("31/01/2026", banner)

    def test_reminder_email_follows_the_customers_language(self):
        self.customer.lang = "fr_FR"
        self.make_invoice(self.customer, "2026-01-31", 300.0)
        with self.mock_mail_gateway():
            self.run_on(date(2026, 2, 1))
        mail = self._new_mails.filtered(lambda m: self.customer in m.recipient_ids)
        self.assertIn("Sauf erreur de notre part", str(mail.body_html))
        self.assertIn("relance de paiement", mail.subject)


class TestCustomerLanguageNotTheCollectors(FrenchMixin, RelanceCase):
    """A French customer, an English-speaking collector: what the customer reads is
    in French."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.load_french()
        cls.customer.lang = "fr_FR"
        cls.collector.lang = "en_US"

    def test_penalty_invoice_lines_in_the_customers_language(self):
        invoice = self.make_invoice(self.customer, "2026-01-31", 10000.0)
        notice = self.standard_plan.level_ids.filtered(lambda lvl: lvl.channel == "formal_notice")
        entry = self.env["relance.history"].create(
            {
                "partner_id": self.customer.id,
                "move_ids": [(6, 0, invoice.ids)],
                "level_id": notice.id,
                "channel": "formal_notice",
                "date": "2026-03-17",
            }
        )
        charges = self.env["relance.penalty"].with_user(self.collector).sudo()._charge(entry.sudo())
        labels = charges.penalty_move_id.invoice_line_ids.mapped("name")
        self.assertTrue(any(label.startswith("Pénalités de retard sur") for label in labels))
        self.assertTrue(any("Indemnité forfaitaire" in label for label in labels))
        self.assertIn("17/03/2026", " ".join(labels), "dates in the customer's format")

    def test_call_confirmation_in_the_customers_language(self):
        invoice = self.make_invoice(self.customer, "2026-01-31", 500.0)
        wizard = (
            self.env["relance.call.outcome"]
            .with_user(self.collector)
            .with_context(lang="en_US")
            .create(
                {
                    "partner_id": self.customer.id,
                    "move_ids": [(6, 0, invoice.ids)],
                    "outcome": "promise",
                    "promise_date": "2027-01-15",
                    "promise_amount": 500.0,
                }
            )
        )
        with self.mock_mail_gateway():
            wizard.action_confirm()
        message = self.customer.message_ids.filtered(lambda m: m.message_type == "comment")[:1]
        self.assertIn("Suite à notre appel", message.subject)
        self.assertIn("15/01/2027", str(message.body))

    def test_invoice_duplicates_in_the_customers_language(self):
        invoice = self.make_invoice(self.customer, "2026-01-31", 500.0)
        with self.mock_mail_gateway():
            message = invoice.with_user(self.collector)._relance_send_duplicates(self.customer)
        self.assertIn("Copie de vos factures", message.subject)
        self.assertIn("Veuillez trouver ci-joint", str(message.body))


class TestFrenchDocuments(FrenchMixin, RelanceHttpCase):
    test_module = "relance_avancee_reports"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.load_french()

    def test_formal_notice_in_french_for_a_french_customer(self):
        self.customer.lang = "fr_FR"
        levels = self.standard_plan.level_ids.sorted("sequence")
        invoice = self.make_invoice(self.customer, "2026-01-31", 10000.0)
        invoice.write({"relance_level_id": levels[2].id, "relance_last_date": "2026-02-20"})
        self.env = self.env(context=dict(self.env.context, force_report_rendering=True))
        with self.mock_mail_gateway():
            entry = self.run_on(date(2026, 3, 17)).history_ids
        text = self.pdf_text(entry.attachment_id.raw)
        for mention in (
            "Mise en demeure de payer",
            "Créancier",
            "Débiteur",
            "Lettre recommandée avec accusé de réception",
            "injonction de payer",
            "L441-10",
            "D441-5",
            invoice.name,
        ):
            self.assertIn(mention, text)
        self.assertNotIn("Formal notice", text)

    def test_ordinary_letter_in_french_for_a_french_customer(self):
        """A courteous letter (no email address): French wording, French dates."""
        self.customer.write({"lang": "fr_FR", "email": False})
        invoice = self.make_invoice(self.customer, "2026-01-31", 750.0)
        self.env = self.env(context=dict(self.env.context, force_report_rendering=True))
        entry = self.run_on(date(2026, 2, 1)).history_ids
        self.assertEqual(entry.channel, "letter")
        text = self.pdf_text(entry.attachment_id.raw)
        for mention in (
            "Relance de paiement",
            "Madame, Monsieur,",
            "Sauf erreur de notre part",
            "Jours de retard",
            "Facture",
            "31/01/2026",
            invoice.name,
        ):
            self.assertIn(mention, text)
        for english in ("Payment reminder", "Dear Sir or Madam", "Days late"):
            self.assertNotIn(english, text)
