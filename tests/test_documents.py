import glob
import os
import subprocess
import tempfile
from datetime import date
from unittest.mock import patch

from PIL import Image

from odoo.addons.base.models.ir_actions_report import IrActionsReport

from .common import RelanceHttpCase


class TestReminderPdf(RelanceHttpCase):
    """The engine renders real PDFs (patched-Qt wkhtmltopdf, text layer) in one batch."""

    def test_letters_rendered_in_one_batch_carry_their_invoices(self):
        self.customer.email = False
        other = self.env["res.partner"].create(
            {
                "name": "Martin SARL",
                "street": "3 place Bellecour",
                "city": "Lyon",
                "zip": "69002",
                "relance_plan_id": self.standard_plan.id,
            }
        )
        mine = self.make_invoice(self.customer, "2026-01-31", 1234.56)
        theirs = self.make_invoice(other, "2026-01-30", 789.0)
        self.env = self.env(context=dict(self.env.context, force_report_rendering=True))
        run = self.run_on(date(2026, 2, 2))
        self.assertEqual(len(run.history_ids), 2)
        for entry, invoice, amount in (
            (run.history_ids.filtered(lambda h: h.partner_id == self.customer), mine, "1,234.56"),
            (run.history_ids.filtered(lambda h: h.partner_id == other), theirs, "789.00"),
        ):
            self.assertEqual(entry.channel, "letter")
            self.assertEqual(entry.attachment_id.mimetype, "application/pdf")
            text = self.pdf_text(entry.attachment_id.raw)
            self.assertIn(invoice.name, text)
            self.assertIn(amount, text)
            self.assertIn(entry.partner_id.name, text)
            self.assertIn("Payment reminder", text)
            self.assertIn(self.company.name, text, "company identity from the layout header")
            other_invoice = theirs if invoice == mine else mine
            self.assertNotIn(other_invoice.name, text, "each letter only its own invoices")

    def test_light_html_renders_the_same_pages(self):
        """A batch goes to wkhtmltopdf as lighter HTML (relance_avancee/report_html.py):
        only the stylesheet rules of its documents, inline, no font from another host,
        one header and one footer for the batch, no empty background (it fetched the
        server's root, and sometimes failed the call with ProtocolUnknownError). The
        pages are those of Odoo's own rendering, pixel for pixel, with their text."""
        self.customer.email = False
        other = self.env["res.partner"].create(
            {"name": "Martin SARL", "city": "Lyon", "relance_plan_id": self.standard_plan.id}
        )
        self.make_invoice(self.customer, "2026-01-31", 1234.56)
        self.make_invoice(other, "2026-01-30", 789.0)
        run = self.run_on(date(2026, 2, 2))
        entries = run.history_ids.sorted("id")
        self.assertEqual(entries.mapped("channel"), ["letter", "letter"])
        env = self.env(context=dict(self.env.context, force_report_rendering=True))
        report = env.ref("relance_avancee.action_report_relance_reminder")
        original = IrActionsReport._run_wkhtmltopdf
        sent = []

        def record(model, bodies, **kwargs):
            sent.append([*bodies, kwargs["header"], kwargs["footer"]])
            return original(model, bodies, **kwargs)

        with patch.object(IrActionsReport, "_run_wkhtmltopdf", autospec=True, side_effect=record):
            with patch("odoo.addons.base.models.ir_actions_report._logger.warning") as warned:
                light, _mimetype = env["relance.documents"]._render(entries)
            network_errors = [
                call for call in warned.call_args_list if "network error" in str(call)
            ]
            self.assertFalse(network_errors, "wkhtmltopdf loaded every resource")
            streams = env["ir.actions.report"]._render_qweb_pdf_prepare_streams(
                report, {}, res_ids=entries.ids
            )
        *bodies, header, footer = sent[0]
        for html in sent[0]:
            self.assertNotIn("https://", html)
            self.assertNotIn("url()", html)
            self.assertNotIn("report_assets_common", html, "the stylesheet is inline")
            self.assertLess(len(html), 100_000)
        self.assertEqual(header.count('class="header '), 1, "one header for the batch")
        self.assertEqual(footer.count('class="footer '), 1, "one footer for the batch")
        self.assertIn("report_assets_common", sent[1][0], "Odoo's own rendering, for reference")
        for entry in entries:
            reference = streams[entry.id]["stream"].getvalue()
            self.assertEqual(self.pdf_text(light[entry.id]), self.pdf_text(reference))
            self.assertEqual(self.pdf_pixels(light[entry.id]), self.pdf_pixels(reference))
            text = self.pdf_text(light[entry.id])
            self.assertIn(entry.partner_id.name, text)
            self.assertIn("Page 1 / 1", text, "page numbers from the footer's script")

    def pdf_pixels(self, content):
        """The pages of a PDF as images (50 dpi), to compare renderings."""
        with tempfile.TemporaryDirectory() as folder:
            subprocess.run(
                ["pdftoppm", "-r", "50", "-png", "-", os.path.join(folder, "page")],
                input=content,
                check=True,
            )
            return [
                Image.open(page).convert("RGB").tobytes()
                for page in sorted(glob.glob(os.path.join(folder, "page*.png")))
            ]
