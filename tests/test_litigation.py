import csv
import io
import zipfile
from datetime import date

from odoo.exceptions import UserError

from .common import RelanceCase, RelanceHttpCase


class LitigationCase(RelanceCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.levels = cls.standard_plan.level_ids.sorted("sequence")
        cls.invoice = cls.make_invoice(cls.customer, "2026-01-31", 10000.0)
        cls.invoice.write({"relance_level_id": cls.levels[3].id, "relance_last_date": "2026-03-02"})

    def open_litigation(self):
        entry = self.run_on(date(2026, 4, 1)).history_ids
        self.assertEqual(entry.level_id, self.levels[4])
        entry.action_validate()
        return self.env["relance.litigation"].search([("partner_id", "=", self.customer.id)])


class TestLitigationFile(LitigationCase):
    def test_litigation_level_opens_the_file_with_amounts_by_nature(self):
        litigation = self.open_litigation()
        self.assertEqual(len(litigation), 1)
        penalty = self.invoice._relance_compute_penalty(date(2026, 4, 1))
        self.assertRecordValues(
            litigation,
            [
                {
                    "state": "draft",
                    "date_open": date(2026, 4, 1),
                    "review_date": date(2026, 6, 30),
                    "amount_principal": 10000.0,
                    "amount_interest": penalty["interest"],
                    "amount_indemnity": 40.0,
                }
            ],
        )
        self.assertEqual(penalty["interest"], 199.73)  # 10,000 x 12.15 % x 60 / 365
        self.assertEqual(litigation.move_ids, self.invoice)
        self.assertTrue(self.customer.relance_litigation)
        review = litigation.activity_ids.filtered(lambda a: "Review" in a.summary)
        self.assertEqual(review.date_deadline, date(2026, 6, 30))

    def test_send_to_lawyer_needs_a_lawyer(self):
        litigation = self.open_litigation()
        with self.assertRaisesRegex(UserError, "lawyer"):
            litigation.action_send_to_lawyer()
        litigation.lawyer_id = self.env["res.partner"].create({"name": "Maître Durand"})
        litigation.action_send_to_lawyer()
        self.assertEqual(litigation.state, "sent_to_lawyer")

    def test_write_off_posts_to_the_loss_account_and_settles_the_invoice(self):
        litigation = self.open_litigation()
        loss = self.company_data["default_account_expense"]
        with self.assertRaisesRegex(UserError, "write-off account"):
            litigation.action_write_off()
        self.company.relance_writeoff_account_id = loss
        litigation.action_write_off()
        move = litigation.writeoff_move_id
        self.assertEqual(move.state, "posted")
        loss_line = move.line_ids.filtered(lambda line: line.account_id == loss)
        self.assertEqual(loss_line.balance, 10000.0)
        self.assertEqual(self.invoice.amount_residual, 0.0)
        self.assertEqual(litigation.state, "written_off")
        self.assertTrue(any("written off" in m.body for m in self.customer.message_ids))

    def test_collector_cannot_write_off(self):
        litigation = self.open_litigation()
        with self.assertRaisesRegex(UserError, "manager"):
            litigation.with_user(self.collector).action_write_off()


class TestLitigationExport(RelanceHttpCase, LitigationCase):
    test_module = "relance_avancee_reports"

    def test_export_zip_holds_pdfs_history_and_penalty_computation(self):
        self.company.write({"company_registry": "12345678900011", "vat": False})
        self.env = self.env(context=dict(self.env.context, force_report_rendering=True))
        litigation = self.open_litigation()
        litigation.registered_mail_ref = "1A 123 456 7890 1"
        attachment = litigation.action_export_file()
        archive = zipfile.ZipFile(io.BytesIO(attachment.raw))
        names = archive.namelist()
        invoice_pdf = f"02_invoices/{self.invoice.name.replace('/', '-')}.pdf"
        for name in (
            "00_summary.txt",
            "01_statement_of_account.pdf",
            invoice_pdf,
            "04_reminders_and_calls.csv",
            "05_penalty_computation.csv",
        ):
            self.assertIn(name, names)
        self.assertIn(self.invoice.name, self.pdf_text(archive.read(invoice_pdf)))
        self.assertIn(
            self.customer.name, self.pdf_text(archive.read("01_statement_of_account.pdf"))
        )
        summary = archive.read("00_summary.txt").decode()
        for text in (
            "12345678900011",
            self.customer.name,
            "10,000.00",
            "199.73",
            "40.00",
            "10,239.73",
            "L441-10",
            "D441-5",
            "1A 123 456 7890 1",
        ):
            self.assertIn(text, summary)
        rows = list(
            csv.DictReader(io.StringIO(archive.read("05_penalty_computation.csv").decode()))
        )
        interest = sum(float(r["interest"]) for r in rows if r["legal_basis"] == "L441-10")
        self.assertAlmostEqual(interest, litigation.amount_interest, places=2)
        history = archive.read("04_reminders_and_calls.csv").decode()
        self.assertIn("litigation", history)
        self.assertEqual(litigation.export_attachment_id, attachment)
