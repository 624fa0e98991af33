"""E-invoicing lifecycle statuses (French reform, XP Z12-012): CDAR messages read,
recorded on the company's invoices from a file or from the platform connector's
endpoint, refused whole when anything is wrong, shown on the invoice."""

import base64
import datetime
import hashlib
import hmac
import io
import json
import re
from pathlib import Path
from unittest.mock import patch

import openpyxl

from odoo.exceptions import AccessError, UserError, ValidationError

from odoo.addons.relance_avancee.einvoice_cdar import CdarError, parse_cdar
from odoo.addons.relance_avancee.models import res_company_einvoice

from .common import RelanceCase, RelanceHttpCase

SAMPLES = Path(__file__).parent / "data" / "cdar"
SELLER_SIREN = "100000009"
ENDPOINT = "/relance/einvoice/status"


def sample(name):
    return (SAMPLES / name).read_bytes()


class EinvoiceMixin:
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.company_registry = SELLER_SIREN
        cls.company.partner_id.tz = "Europe/Paris"
        cls.invoice = cls.make_invoice(
            cls.customer, "2026-10-15", 1200.0, invoice_date="2026-09-15"
        )

    @classmethod
    def message_for(cls, name, invoice=None, message_id=None):
        """A sample message about ``invoice`` (its number and issue date)."""
        invoice = invoice or cls.invoice
        xml = sample(name)
        xml = xml.replace(b">F202600042<", b">" + invoice.name.encode() + b"<")
        xml = xml.replace(
            b">20260915<", b">" + invoice.invoice_date.strftime("%Y%m%d").encode() + b"<"
        )
        currency = f'currencyID="{invoice.currency_id.name}"'.encode()
        xml = xml.replace(b'currencyID="EUR"', currency)
        if message_id:
            xml = xml.replace(b"CDV-F202600042-", message_id.encode() + b"-")
        return xml

    def import_(self, xml, company=None):
        return self.env["relance.einvoice.status"]._relance_import_cdar(
            company or self.company, xml, "upload"
        )


class TestCdarParser(EinvoiceMixin, RelanceCase):
    def test_every_sample_reads_as_its_status(self):
        files = sorted(SAMPLES.glob("*.xml"))
        self.assertEqual(len(files), 14, "one sample per status, 200 to 213")
        for path in files:
            code, key = path.stem.split("_", 1)
            with self.subTest(path.name):
                (status,) = parse_cdar(path.read_bytes())
                self.assertEqual(status["status_code"], code)
                self.assertEqual(status["status"], key)
                self.assertEqual(status["invoice_number"], "F202600042")
                self.assertEqual(status["invoice_date"], datetime.date(2026, 9, 15))
                self.assertEqual(status["seller_ids"], [SELLER_SIREN])
                self.assertEqual(status["platform_message_id"], f"CDV-F202600042-{code}-0001")

    def test_reasons_and_amounts(self):
        (refused,) = parse_cdar(sample("210_refused.xml"))
        self.assertEqual(refused["reason_code"], "CMD_ERR")
        self.assertEqual(refused["reason_text"], "Numéro de commande inconnu.")
        self.assertEqual(refused["date"], datetime.datetime(2026, 10, 11, 9, 30))
        (paid,) = parse_cdar(sample("211_payment_sent.xml"))
        # Two VAT rates: 1000.00 + 200.00.
        self.assertEqual(str(paid["amount"]), "1200.00")
        self.assertEqual(paid["currency"], "EUR")

    def test_entities_are_never_resolved(self):
        xml = sample("205_approved.xml").replace(
            b"<rsm:CrossDomain",
            b'<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n<rsm:CrossDomain',
            1,
        )
        xml = xml.replace(b"<ram:ID>CDV-F202600042-205-0001</ram:ID>", b"<ram:ID>&x;</ram:ID>")
        with self.assertRaises(CdarError) as caught:
            parse_cdar(xml)
        self.assertEqual(caught.exception.key, "no_id")
        self.assertNotIn("root:", str(caught.exception))

    def test_unreadable_messages(self):
        cases = {
            b"": "empty",
            b"<not xml": "not_xml",
            b"<Invoice/>": "not_cdar",
            sample("205_approved.xml").replace(b">205<", b">299<"): "unknown_code",
        }
        for xml, key in cases.items():
            with self.subTest(key), self.assertRaises(CdarError) as caught:
                parse_cdar(xml)
            self.assertEqual(caught.exception.key, key)


class TestEinvoiceImport(EinvoiceMixin, RelanceCase):
    def test_each_status_joins_the_invoice_timeline(self):
        for path in sorted(SAMPLES.glob("*.xml")):
            self.import_(self.message_for(path.name))
        timeline = self.invoice.relance_einvoice_status_ids
        self.assertEqual(len(timeline), 14)
        self.assertEqual(
            sorted(timeline.mapped("status_code")), [str(code) for code in range(200, 214)]
        )
        # 2026-10-14 09:30 in Paris (summer time, UTC+2) is 07:30 UTC.
        self.assertEqual(self.invoice.relance_einvoice_status, "rejected")
        self.assertEqual(
            self.invoice.relance_einvoice_status_date, datetime.datetime(2026, 10, 14, 7, 30)
        )
        refused = timeline.filtered(lambda s: s.status == "refused")
        self.assertEqual(refused.display_name, f"210 Refused {self.invoice.name}")
        self.assertEqual(refused.reason_code, "CMD_ERR")
        self.assertEqual(refused.reason_text, "Numéro de commande inconnu.")
        self.assertEqual(refused.platform_message_id, "CDV-F202600042-210-0001")
        self.assertEqual(refused.partner_id, self.customer)
        self.assertEqual(refused.direction, "incoming")
        cashed = timeline.filtered(lambda s: s.status == "cashed")
        self.assertEqual(cashed.amount, 1200.0)
        self.assertEqual(cashed.payment_date, datetime.date(2026, 10, 13))

    def test_latest_status_is_the_latest_by_date_not_by_arrival(self):
        self.import_(self.message_for("210_refused.xml"))
        self.import_(self.message_for("204_taken_over.xml"))  # dated earlier, arrives later
        self.assertEqual(self.invoice.relance_einvoice_status, "refused")

    def test_duplicate_message_is_refused(self):
        self.import_(self.message_for("207_disputed.xml"))
        with self.assertRaises(UserError) as caught:
            self.import_(self.message_for("207_disputed.xml"))
        self.assertEqual(caught.exception.reason, "duplicate")
        self.assertIn("already been received", str(caught.exception))
        self.assertEqual(len(self.invoice.relance_einvoice_status_ids), 1)

    def test_unknown_and_foreign_invoices_get_the_same_answer(self):
        other = self.setup_other_company()["company"]
        other.company_registry = "200000008"
        same_name, foreign = (
            self.make_invoice(self.customer, "2026-10-15", 500.0, company=other, invoice_date=day)
            for day in ("2026-09-15", "2026-09-15")
        )
        self.assertEqual(same_name.name, self.invoice.name, "each company numbers its own")
        # The other company's invoice, named with this company's SIREN...
        with self.assertRaises(UserError) as foreign_error:
            self.import_(self.message_for("210_refused.xml", foreign))
        # ...or with its own SIREN, even when this company has an invoice of that number
        # and date (a message posted with the wrong company's secret).
        theirs = self.message_for("210_refused.xml", same_name).replace(
            f'schemeID="0002">{SELLER_SIREN}<'.encode(), b'schemeID="0002">200000008<'
        )
        with self.assertRaises(UserError) as theirs_error:
            self.import_(theirs)
        unknown = self.message_for("210_refused.xml").replace(
            self.invoice.name.encode(), b"F-UNKNOWN"
        )
        with self.assertRaises(UserError) as unknown_error:
            self.import_(unknown)
        for caught in (foreign_error, theirs_error, unknown_error):
            self.assertEqual(caught.exception.reason, "unknown_invoice")
        template = "No invoice %s of the company matches the lifecycle message"
        self.assertIn(template % foreign.name, str(foreign_error.exception))
        self.assertIn(template % same_name.name, str(theirs_error.exception))
        self.assertIn(template % "F-UNKNOWN", str(unknown_error.exception))
        self.assertFalse(self.invoice.relance_einvoice_status_ids)
        self.assertFalse((foreign | same_name).sudo().relance_einvoice_status_ids)
        # Positive control: the other company's own message is recorded on its invoice.
        self.import_(theirs, company=other)
        self.assertEqual(same_name.sudo().relance_einvoice_status, "refused")
        self.assertFalse(self.invoice.relance_einvoice_status_ids)

    def test_issue_date_must_match(self):
        wrong_date = self.message_for("205_approved.xml").replace(b">20260915<", b">20260916<")
        with self.assertRaises(UserError):
            self.import_(wrong_date)
        self.assertFalse(self.invoice.relance_einvoice_status_ids)
        # Positive control: the right date.
        self.import_(self.message_for("205_approved.xml"))
        self.assertEqual(self.invoice.relance_einvoice_status, "approved")

    def test_nothing_half_written(self):
        """A message whose second status names an unknown invoice records neither."""
        xml = self.message_for("205_approved.xml")
        start = xml.index(b"<rsm:AcknowledgementDocument>")
        end = xml.index(b"</rsm:AcknowledgementDocument>") + len(b"</rsm:AcknowledgementDocument>")
        second = xml[start:end].replace(self.invoice.name.encode(), b"NOPE-1")
        xml = xml[:end] + second + xml[end:]
        with self.assertRaises(UserError) as caught:
            self.import_(xml)
        self.assertEqual(caught.exception.reason, "unknown_invoice")
        self.assertFalse(self.invoice.relance_einvoice_status_ids)
        # Positive control: with both statuses about the invoice, both are recorded.
        both = xml.replace(b"NOPE-1", self.invoice.name.encode())
        self.assertEqual(len(self.import_(both)), 2)
        self.assertEqual(
            sorted(self.invoice.relance_einvoice_status_ids.mapped("platform_message_id")),
            ["CDV-F202600042-205-0001#1", "CDV-F202600042-205-0001#2"],
        )

    def test_amount_in_another_currency_is_refused(self):
        xml = sample("212_cashed.xml").replace(
            b">F202600042<", b">" + self.invoice.name.encode() + b"<"
        )
        self.assertNotEqual(self.invoice.currency_id.name, "EUR")
        with self.assertRaises(UserError) as caught:
            self.import_(xml)
        self.assertEqual(caught.exception.reason, "amount")
        self.assertFalse(self.invoice.relance_einvoice_status_ids)

    def test_company_without_siren_is_told_to_set_one(self):
        self.company.company_registry = False
        self.company.vat = False
        with self.assertRaises(UserError) as caught:
            self.import_(self.message_for("205_approved.xml"))
        self.assertEqual(caught.exception.reason, "setup")

    def test_siren_from_the_vat_number(self):
        self.company.company_registry = False
        self.company.vat = "FR44100000009"
        self.import_(self.message_for("205_approved.xml"))
        self.assertEqual(self.invoice.relance_einvoice_status, "approved")


class TestEinvoiceImportWizard(EinvoiceMixin, RelanceCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.billing = cls._create_relance_user("billing", ["account.group_account_invoice"])
        cls.manager = cls._create_relance_user("manager", ["relance_avancee.group_relance_manager"])
        cls.employee = cls._create_relance_user("employee", ["base.group_user"])
        cls.salesman = cls._create_relance_user("salesman", ["sales_team.group_sale_salesman"])
        cls.admin_manager = cls._create_relance_user(
            "admin_manager", ["base.group_system", "relance_avancee.group_relance_manager"]
        )
        cls.admin_only = cls._create_relance_user("admin_only", ["base.group_system"])
        cls.portal = cls._create_portal_user("portal_einvoice", "Portal Customer")

    def wizard_values(self, name, message_id=None):
        xml = self.message_for(name, message_id=message_id)
        return {"file": base64.b64encode(xml), "filename": name}

    def run_wizard(self, user, name, message_id=None):
        wizard = self.rpc(
            user, "relance.einvoice.import", "create", self.wizard_values(name, message_id)
        )
        return self.rpc(user, "relance.einvoice.import", "action_import", [wizard])

    def test_billing_user_and_manager_import(self):
        action = self.run_wizard(self.billing, "210_refused.xml")
        refused = self.env["relance.einvoice.status"].browse(action["domain"][0][2])
        self.assertEqual(refused.status, "refused")
        self.assertEqual(refused.source, "upload")
        self.run_wizard(self.manager, "205_approved.xml")
        self.assertEqual(len(self.invoice.relance_einvoice_status_ids), 2)
        # The collector (relance user + Billing) reads the timeline on the invoice.
        statuses = self.invoice.with_user(self.collector).relance_einvoice_status_ids
        self.assertEqual(sorted(statuses.mapped("status")), ["approved", "refused"])

    def test_others_may_not_import(self):
        for user in (self.employee, self.salesman, self.portal):
            with self.subTest(user.login), self.assertRaises(AccessError):
                self.run_wizard(user, "210_refused.xml")
        self.assertFalse(self.invoice.relance_einvoice_status_ids)

    def test_refused_file_says_why_and_writes_nothing(self):
        values = {"file": base64.b64encode(b"<oops"), "filename": "oops.xml"}
        wizard = self.rpc(self.billing, "relance.einvoice.import", "create", values)
        with self.assertRaises(UserError) as caught:
            self.rpc(self.billing, "relance.einvoice.import", "action_import", [wizard])
        self.assertIn("not well-formed XML", str(caught.exception))
        self.assertFalse(self.invoice.relance_einvoice_status_ids)

    def test_only_for_a_company_of_the_user(self):
        other = self.setup_other_company()["company"]
        values = {**self.wizard_values("210_refused.xml"), "company_id": other.id}
        wizard = self.rpc(self.billing, "relance.einvoice.import", "create", values)
        with self.assertRaisesRegex(UserError, "a company you are working in"):
            self.rpc(self.billing, "relance.einvoice.import", "action_import", [wizard])
        self.assertFalse(self.invoice.relance_einvoice_status_ids)

    def test_file_over_the_size_limit(self):
        self.company.relance_einvoice_max_kb = 1
        xml = self.message_for("206_partially_approved.xml")
        padding = b"<!--" + b"x" * 1024 + b"-->"
        values = {"file": base64.b64encode(xml + padding), "filename": "big.xml"}
        wizard = self.rpc(self.billing, "relance.einvoice.import", "create", values)
        with self.assertRaises(UserError) as caught:
            self.rpc(self.billing, "relance.einvoice.import", "action_import", [wizard])
        self.assertIn("larger than 1 KB", str(caught.exception))
        self.assertFalse(self.invoice.relance_einvoice_status_ids)

    def test_statuses_are_read_only_for_collectors(self):
        self.import_(self.message_for("205_approved.xml"))
        status = self.invoice.relance_einvoice_status_ids
        with self.assertRaises(AccessError):
            self.rpc(
                self.collector,
                "relance.einvoice.status",
                "write",
                [status.id],
                {"status": "cashed"},
            )
        with self.assertRaises(AccessError):
            self.rpc(self.portal, "relance.einvoice.status", "read", [status.id], ["status"])
        # Positive control: the collector reads it.
        read = self.rpc(self.collector, "relance.einvoice.status", "read", [status.id], ["status"])
        self.assertEqual(read[0]["status"], "approved")

    def test_generate_secret_shows_it_once_and_stores_its_hash(self):
        settings = self.env["res.config.settings"].with_user(self.admin_manager).create({})
        action = settings.action_relance_einvoice_generate_secret()
        secret = action["params"]["message"].rsplit("Secret: ", 1)[1]
        self.assertGreaterEqual(len(secret), 40)
        stored = self.company.sudo().relance_einvoice_secret_hash
        self.assertEqual(stored, hashlib.sha256(secret.encode()).hexdigest())
        self.assertNotIn(secret, stored)
        self.assertTrue(self.company.relance_einvoice_secret_set)
        self.assertEqual(self.env["res.company"]._relance_einvoice_company_of(secret), self.company)
        self.assertFalse(self.env["res.company"]._relance_einvoice_company_of(secret + "x"))
        # Every company's hash is compared, in constant time.
        with patch.object(
            res_company_einvoice.hmac, "compare_digest", wraps=hmac.compare_digest
        ) as compare:
            self.env["res.company"]._relance_einvoice_company_of(secret)
        hashed = (
            self.env["res.company"].sudo().search([("relance_einvoice_secret_hash", "!=", False)])
        )
        self.assertEqual(compare.call_count, len(hashed))
        # The hash is for administrators only.
        with self.assertRaises(AccessError):
            self.company.with_user(self.collector).read(["relance_einvoice_secret_hash"])
        # An administrator who is not a collections manager may not replace it.
        settings = self.env["res.config.settings"].with_user(self.admin_only).create({})
        with self.assertRaises(AccessError):
            settings.action_relance_einvoice_generate_secret()
        self.assertEqual(self.company.sudo().relance_einvoice_secret_hash, stored)

    def test_size_limit_setting_is_checked(self):
        for wrong in (0, -5, 10 * 1024 + 1):
            with self.subTest(wrong), self.assertRaises(ValidationError):
                self.company.relance_einvoice_max_kb = wrong
        self.company.relance_einvoice_max_kb = 10 * 1024
        self.assertEqual(self.company._relance_einvoice_max_bytes(), 10 * 1024 * 1024)

    def test_invoice_form_shows_the_timeline(self):
        arch = self.env["account.move"].get_view(view_type="form")["arch"]
        self.assertIn('name="relance_einvoice_status_ids"', arch)
        arch = self.env["account.move"].get_view(
            self.env.ref("account.view_account_invoice_filter").id, view_type="search"
        )["arch"]
        self.assertIn("relance_einvoice_refused", arch)


class TestEinvoiceEndpoint(EinvoiceMixin, RelanceHttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.secret = cls.company._relance_einvoice_new_secret()
        cls.other = cls.setup_other_company()["company"]
        cls.other.company_registry = "200000008"
        cls.other_secret = cls.other._relance_einvoice_new_secret()

    def post(self, body, secret=None, headers=None):
        headers = {"Content-Type": "application/xml", **(headers or {})}
        if secret is not None:
            headers["Authorization"] = f"Bearer {secret}"
        response = self.url_open(ENDPOINT, data=body, headers=headers)
        self.env.invalidate_all()
        return response.status_code, json.loads(response.content or b"{}")

    def refusals(self):
        return self.env["relance.einvoice.refusal"].sudo().search([], order="id")

    def test_valid_message_records_the_status(self):
        status, payload = self.post(self.message_for("210_refused.xml"), self.secret)
        self.assertEqual(status, 200, payload)
        self.assertEqual(payload["received"], 1)
        self.assertEqual(payload["statuses"], [{"invoice": self.invoice.name, "code": "210"}])
        self.assertEqual(self.invoice.relance_einvoice_status, "refused")
        self.assertEqual(self.invoice.relance_einvoice_status_ids.source, "endpoint")
        self.assertFalse(self.refusals())

    def test_wrong_or_missing_secret(self):
        for secret in ("not-the-secret", "", None):
            with self.subTest(secret=secret):
                status, payload = self.post(self.message_for("210_refused.xml"), secret)
                self.assertEqual(status, 401)
                self.assertEqual(payload["error"], "secret")
        self.assertFalse(self.invoice.relance_einvoice_status_ids)
        self.assertEqual(self.refusals().mapped("reason"), ["secret"] * 3)
        self.assertFalse(self.refusals().company_id)

    def test_message_about_another_company_invoice(self):
        foreign = self.make_invoice(
            self.customer, "2026-10-15", 500.0, company=self.other, invoice_date="2026-09-15"
        )
        theirs = self.message_for("210_refused.xml", foreign).replace(
            f'schemeID="0002">{SELLER_SIREN}<'.encode(), b'schemeID="0002">200000008<'
        )
        status, payload = self.post(theirs, self.secret)
        self.assertEqual(status, 422)
        self.assertEqual(payload["error"], "unknown_invoice")
        unknown = self.message_for("210_refused.xml").replace(
            self.invoice.name.encode(), b"F-UNKNOWN"
        )
        status_unknown, payload_unknown = self.post(unknown, self.secret)
        self.assertEqual(status_unknown, status)
        self.assertEqual(
            payload_unknown["message"].replace("F-UNKNOWN", foreign.name), payload["message"]
        )
        self.assertFalse(foreign.sudo().relance_einvoice_status_ids)
        self.assertFalse(self.invoice.relance_einvoice_status_ids)
        self.assertEqual(self.refusals().mapped("reason"), ["unknown_invoice"] * 2)
        self.assertEqual(self.refusals().company_id, self.company)
        # Positive control: posted with its own company's secret, it is recorded.
        status, payload = self.post(theirs, self.other_secret)
        self.assertEqual(status, 200, payload)
        self.assertEqual(foreign.sudo().relance_einvoice_status, "refused")

    def test_duplicate_message(self):
        xml = self.message_for("211_payment_sent.xml")
        self.assertEqual(self.post(xml, self.secret)[0], 200)
        status, payload = self.post(xml, self.secret)
        self.assertEqual(status, 409)
        self.assertEqual(payload["error"], "duplicate")
        self.assertEqual(len(self.invoice.relance_einvoice_status_ids), 1)
        self.assertEqual(self.refusals().mapped("reason"), ["duplicate"])

    def test_oversized_body(self):
        self.company.relance_einvoice_max_kb = 4
        xml = self.message_for("206_partially_approved.xml")
        big = xml + b"<!--" + b"x" * 2048 + b"-->"
        self.assertLess(len(xml), 4096)
        self.assertGreater(len(big), 4096)
        status, payload = self.post(big, self.secret)
        self.assertEqual(status, 413)
        self.assertEqual(payload["error"], "size")
        self.assertFalse(self.invoice.relance_einvoice_status_ids)
        # Positive control: the message alone fits.
        self.assertEqual(self.post(xml, self.secret)[0], 200)

    def test_malformed_xml(self):
        status, payload = self.post(b"<rsm:CrossDomain", self.secret)
        self.assertEqual(status, 400)
        self.assertEqual(payload["error"], "malformed")
        self.assertIn("not well-formed XML", payload["message"])
        refusal = self.refusals()
        self.assertEqual(refusal.reason, "malformed")
        self.assertEqual(refusal.company_id, self.company)

    def test_secret_probes_fill_the_refusal_log_twenty_times_a_minute(self):
        statuses = self.env["relance.einvoice.status"]
        empty = self.env["res.company"]
        for _index in range(25):
            statuses._relance_refuse(empty, "secret", "probe", "endpoint", remote="203.0.113.9")
        statuses._relance_refuse(empty, "secret", "probe", "endpoint", remote="203.0.113.10")
        logged = self.refusals()
        self.assertEqual(len(logged.filtered(lambda r: r.remote_addr == "203.0.113.9")), 20)
        self.assertEqual(len(logged.filtered(lambda r: r.remote_addr == "203.0.113.10")), 1)
        # Other refusals of a known company are all logged.
        for _index in range(25):
            statuses._relance_refuse(self.company, "malformed", "bad", "endpoint", remote="x")
        self.assertEqual(len(self.refusals().filtered(lambda r: r.reason == "malformed")), 25)

    def test_refusal_log_is_for_managers(self):
        self.post(b"<oops", "not-the-secret")
        refusal = self.refusals()
        self.assertEqual(refusal.reason, "secret")
        with self.assertRaises(AccessError):
            self.rpc(self.collector, "relance.einvoice.refusal", "read", refusal.ids, ["reason"])
        manager = self._create_relance_user(
            "einvoice_manager", ["relance_avancee.group_relance_manager"]
        )
        read = self.rpc(manager, "relance.einvoice.refusal", "read", refusal.ids, ["reason"])
        self.assertEqual(read[0]["reason"], "secret")

    def test_get_is_not_served(self):
        response = self.url_open(ENDPOINT, headers={"Authorization": f"Bearer {self.secret}"})
        self.assertNotEqual(response.status_code, 200)


class TestEinvoiceDisplay(EinvoiceMixin, RelanceCase):
    """The latest status where collectors look: the worklist filter, the call screen,
    the customer's history."""

    def test_worklist_filter_finds_customers_held_up(self):
        other = self.env["res.partner"].create({"name": "Martin SA", "is_company": True})
        approved = self.make_invoice(other, "2026-10-15", 300.0, invoice_date="2026-09-15")
        self.import_(self.message_for("205_approved.xml", approved))
        self.import_(self.message_for("210_refused.xml"))
        partners = self.env["res.partner"].with_user(self.collector)
        held = partners.search([("relance_einvoice_issue", "=", True)])
        self.assertIn(self.customer, held)
        self.assertNotIn(other, held)
        self.assertIn(other, partners.search([("relance_einvoice_issue", "=", False)]))
        self.assertTrue(self.customer.relance_einvoice_issue)
        # Paid, the invoice no longer holds anything up.
        self.pay(self.invoice, 1200.0, "2026-10-20")
        self.assertNotIn(self.customer, partners.search([("relance_einvoice_issue", "=", True)]))

    def test_call_screen_and_history_show_the_statuses(self):
        self.import_(self.message_for("204_taken_over.xml"))
        self.import_(self.message_for("210_refused.xml"))
        customer = self.customer.with_user(self.collector)
        self.assertEqual(
            customer.relance_einvoice_status_ids.mapped("status"), ["refused", "taken_over"]
        )
        call_screen = self.env.ref("relance_avancee.res_partner_view_form_call_screen")
        arch = customer.get_view(call_screen.id, "form")["arch"]
        self.assertIn('name="einvoice_statuses"', arch)
        self.assertIn('name="relance_einvoice_status"', arch)
        arch = customer.get_view(view_type="form")["arch"]
        self.assertIn('name="relance_einvoice_status_ids"', arch)
        # Not for a salesperson: neither the field nor the statuses.
        salesman = self._create_relance_user("salesman", ["sales_team.group_sale_salesman"])
        with self.assertRaises(AccessError):
            self.customer.with_user(salesman).read(["relance_einvoice_status_ids"])
        with self.assertRaises(AccessError):
            self.rpc(salesman, "res.partner", "search", [("relance_einvoice_issue", "=", True)])


class TestEinvoiceAgedBalance(EinvoiceMixin, RelanceHttpCase):
    """The aged balance shows each invoice's latest status as of its date."""

    requires_addons = ("relance_avancee_reports",)

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["relance.einvoice.status"]._relance_import_cdar(
            cls.company, cls.message_for("204_taken_over.xml"), "upload"
        )
        cls.env["relance.einvoice.status"]._relance_import_cdar(
            cls.company, cls.message_for("210_refused.xml"), "upload"
        )

    def report(self, day):
        return self.env["relance.aged.balance.report"].create(
            {"date": day, "partner_ids": [(6, 0, self.customer.ids)]}
        )

    def test_status_as_of_the_report_date(self):
        aged = self.env["relance.aged.balance"]
        (before,) = aged.compute("2026-10-10", partner_ids=self.customer.ids)
        self.assertEqual(before["lines"][0]["einvoice_status"], "taken_over")
        (after,) = aged.compute("2026-10-31", partner_ids=self.customer.ids)
        self.assertEqual(after["lines"][0]["einvoice_status"], "refused")
        (early,) = aged.compute("2026-09-30", partner_ids=self.customer.ids)
        self.assertFalse(early["lines"][0]["einvoice_status"])

    def test_screen_xlsx_and_pdf(self):
        report = self.report("2026-10-31")
        action = report.action_open()
        line = self.env["relance.aged.balance.line"].search(action["domain"])
        self.assertEqual(line.einvoice_status, "refused")

        book = openpyxl.load_workbook(io.BytesIO(report._xlsx_content()))
        rows = [[cell.value for cell in row] for row in book.active.iter_rows()]
        header = next(row for row in rows if row[0] == "Customer")
        column = header.index("E-invoicing status")
        invoice_row = next(row for row in rows if row[1] == self.invoice.name)
        self.assertEqual(invoice_row[column], "Refused")

        content, _type = (
            self.env["ir.actions.report"]
            .with_context(force_report_rendering=True)
            ._render_qweb_pdf("relance_avancee_reports.action_report_aged_balance", report.ids)
        )
        text = self.pdf_text(content)
        self.assertIn("E-invoicing", text)
        self.assertRegex(text, re.escape(self.invoice.name) + r" 10/15/2026 16 Refused ")
