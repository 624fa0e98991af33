"""Base classes for the suite: Odoo's own test cases, tagged for pytest-odoo.

Odoo sets ``test_tags``/``test_module`` from a metaclass only for tests living in
``odoo.addons.*``; this top-level folder sets them itself.

Which addon a test belongs to is said once, on its class: ``test_module`` (the addon
it tests, ``relance_avancee`` by default) and ``requires_addons`` (any other addon all
its tests need); a single test that needs more says so with :func:`requires_addons`.
The root conftest.py skips, before any fixture runs, the tests whose addons are not
all installed in the test database: CI also runs the suite on a database with the
base addon alone (setup/test.sh), where only the base's own tests run.
"""

import subprocess

from odoo import Command, api, fields
from odoo.service.model import get_public_method
from odoo.tests import HttpCase

from odoo.addons.account.tests.common import AccountTestInvoicingCommon
from odoo.addons.mail.tests.common import MockEmail


def requires_addons(*addons):
    """Decorator: this test also needs ``addons`` (skipped when one is not installed;
    see the root conftest.py)."""

    def decorate(test):
        test.requires_addons = addons
        return test

    return decorate


class RelanceTagged:
    test_module = "relance_avancee"
    # Other addons every test of the class needs besides ``test_module``.
    requires_addons = ()

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        cls.test_tags = {"standard", "at_install", "relance"}
        cls.test_class = cls.__name__
        cls.test_sequence = 0


class RelanceCase(RelanceTagged, AccountTestInvoicingCommon, MockEmail):
    """Companies and charts from Odoo's accounting tests, plus dunning helpers."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        cls.company = cls.env.company
        cls.standard_plan = cls.env.ref("relance_avancee.relance_plan_standard")
        cls.phone_plan = cls.env.ref("relance_avancee.relance_plan_phone")
        cls.written_plan = cls.env.ref("relance_avancee.relance_plan_written")
        cls.collector = cls._create_relance_user(
            "collector", ["relance_avancee.group_relance_user", "account.group_account_invoice"]
        )
        cls.customer = cls.env["res.partner"].create(
            {
                "name": "Dupont Industries",
                "is_company": True,
                "email": "compta@dupont.example.com",
                "street": "1 rue de Lyon",
                "city": "Lyon",
                "zip": "69001",
                "relance_plan_id": cls.standard_plan.id,
                "relance_collector_id": cls.collector.id,
            }
        )

    @classmethod
    def _create_relance_user(cls, login, groups, company=None):
        company = company or cls.env.company
        return (
            cls.env["res.users"]
            .with_context(no_reset_password=True)
            .create(
                {
                    "name": login.title(),
                    "login": login,
                    "email": f"{login}@example.com",
                    "company_id": company.id,
                    "company_ids": [Command.set(company.ids)],
                    "groups_id": [Command.set([cls.env.ref(g).id for g in groups])],
                }
            )
        )

    @classmethod
    def _create_portal_user(cls, login, name):
        """A portal customer: a contact of its own, with a portal login."""
        partner = cls.env["res.partner"].create(
            {"name": name, "email": f"{login}@portal.example.com"}
        )
        return (
            cls.env["res.users"]
            .with_context(no_reset_password=True)
            .create(
                {
                    "name": name,
                    "login": login,
                    "partner_id": partner.id,
                    "groups_id": [Command.set([cls.env.ref("base.group_portal").id])],
                }
            )
        )

    def rpc(self, user, model, method, *args, companies=None, **kwargs):
        """``model.method(*args, **kwargs)`` called remotely by ``user`` through Odoo's
        public-method gate (``companies``: the active companies, the first one current),
        in a savepoint: a refused call leaves nothing behind, as a failed request would."""
        context = {"lang": "en_US"}
        if companies:
            context["allowed_company_ids"] = companies.ids
        records = api.Environment(self.env.cr, user.id, context)[model]
        try:
            with self.env.cr.savepoint():
                get_public_method(records, method)
                result = api.call_kw(records, method, list(args), kwargs)
                records.env.flush_all()
        finally:
            self.env.invalidate_all()
        return result

    @classmethod
    def make_invoice(
        cls, partner, due_date, amount=1000.0, currency=None, company=None, invoice_date=None
    ):
        """A posted customer invoice due on ``due_date``, issued on ``invoice_date``
        (default: the due date)."""
        invoice = cls.init_invoice(
            "out_invoice",
            partner=partner,
            invoice_date=fields.Date.to_date(invoice_date or due_date),
            amounts=[amount],
            taxes=[],
            currency=currency,
            company=company,
        )
        invoice.invoice_payment_term_id = False
        invoice.invoice_date_due = fields.Date.to_date(due_date)
        invoice.action_post()
        return invoice

    def run_on(self, day, company=None):
        """Run the engine for ``day`` and return the run."""
        company = company or self.company
        run = self.env["relance.run"].with_company(company)._get_or_create(company, day)
        run.action_run()
        return run

    def pay(self, invoice, amount, day, journal=None):
        wizard = (
            self.env["account.payment.register"]
            .with_context(active_model="account.move", active_ids=invoice.ids)
            .create(
                {
                    "amount": amount,
                    "payment_date": fields.Date.to_date(day),
                    **({"journal_id": journal.id} if journal else {}),
                }
            )
        )
        return wizard._create_payments()


class RelanceHttpCase(RelanceCase, HttpCase):
    """With Odoo's HTTP server: real PDFs (wkhtmltopdf fetches the assets), tours, portal."""

    def pdf_text(self, content):
        """The text layer of a PDF, as pdftotext reads it, whitespace collapsed."""
        self.assertTrue(content.startswith(b"%PDF"), "a real PDF was rendered")
        result = subprocess.run(
            ["pdftotext", "-layout", "-", "-"], input=content, capture_output=True, check=True
        )
        return " ".join(result.stdout.decode().split())
