import csv
import io
import zipfile
from datetime import date

from freezegun import freeze_time

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

    def test_invoices_added_later_recompute_the_amounts(self):
        litigation = self.open_litigation()
        later = self.make_invoice(self.customer, "2026-02-28", 5000.0)
        entry = self.env["relance.history"].create(
            {
                "partner_id": self.customer.id,
                "move_ids": [(6, 0, later.ids)],
                "level_id": self.levels[4].id,
                "channel": "litigation",
                "date": date(2026, 4, 15),
            }
        )
        self.assertEqual(self.env["relance.litigation"]._open_for(entry), litigation)
        self.assertEqual(litigation.move_ids, self.invoice | later)
        # On 15 April: 10,000 x 12.15 % x 74 / 365 = 246.33 and 5,000 x 12.15 % x 46 / 365
        # = 76.56; one indemnity per invoice
        self.assertRecordValues(
            litigation,
            [
                {
                    "amount_principal": 15000.0,
                    "amount_interest": 322.89,
                    "amount_indemnity": 80.0,
                    "amount_total": 15402.89,
                    "amounts_date": date(2026, 4, 15),
                }
            ],
        )
        self.assertIn(later.name, litigation.message_ids[0].body)

    def test_each_phase_gets_its_review_date_and_activity(self):
        litigation = self.open_litigation()
        litigation.lawyer_id = self.env["res.partner"].create({"name": "Maître Durand"})
        self.company.relance_litigation_review_days = 30
        with freeze_time("2026-05-10"):
            litigation.action_send_to_lawyer()
        self.assertEqual(litigation.review_date, date(2026, 6, 9))  # 10 May + 30 days
        review = litigation.activity_ids.filtered(lambda a: "Review" in a.summary)
        self.assertEqual(len(review), 1, "the first phase's reminder is replaced")
        self.assertEqual(review.date_deadline, date(2026, 6, 9))
        self.assertEqual(litigation.review_activity_id, review)
        with freeze_time("2026-06-01"):
            litigation.action_injunction_filed()
        review = litigation.activity_ids.filtered(lambda a: "Review" in a.summary)
        self.assertEqual(review.date_deadline, date(2026, 7, 1))
        self.assertEqual(litigation.review_date, date(2026, 7, 1))
        litigation.action_close()
        self.assertFalse(litigation.review_date)
        self.assertFalse(litigation.activity_ids.filtered(lambda a: "Review" in a.summary))

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
        with self.assertRaisesRegex(UserError, "definitively irrecoverable"):
            litigation.action_write_off()  # still being recovered
        litigation.action_close()  # the recovery failed
        with self.assertRaisesRegex(UserError, "definitively irrecoverable"):
            litigation.action_write_off()  # closed, but nothing proves the debt lost
        litigation.write(
            {"irrecoverable_proof": "no_assets", "irrecoverable_proof_date": date(2026, 6, 2)}
        )
        with self.assertRaisesRegex(UserError, "write-off account"):
            litigation.action_write_off()
        self.company.relance_writeoff_account_id = loss
        litigation.action_write_off()
        refund = litigation.writeoff_refund_ids
        self.assertRecordValues(
            refund,
            [
                {
                    "move_type": "out_refund",
                    "state": "posted",
                    "reversed_entry_id": self.invoice.id,
                    "journal_id": self.invoice.journal_id.id,
                    "amount_total": 10000.0,
                }
            ],
        )
        loss_line = refund.line_ids.filtered(lambda line: line.account_id == loss)
        self.assertEqual(loss_line.balance, 10000.0, "no VAT on the invoice: all to the loss")
        self.assertEqual(len(refund.line_ids), 2)
        self.assertFalse(litigation.writeoff_move_id, "nothing left to round")
        self.assertEqual(self.invoice.amount_residual, 0.0)
        self.assertEqual(litigation.state, "written_off")
        self.assertTrue(any("written off" in m.body for m in self.customer.message_ids))

    def test_collector_cannot_write_off(self):
        litigation = self.open_litigation()
        with self.assertRaisesRegex(UserError, "manager"):
            litigation.with_user(self.collector).action_write_off()


class TestLitigationWriteOff(RelanceCase):
    """Write-off of uncollectable debts with VAT regularisation (CGI art. 272)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.loss = cls.company_data["default_account_expense"]
        cls.company.relance_writeoff_account_id = cls.loss
        cls.vat20 = cls.company_data["default_tax_sale"].copy(
            {"name": "VAT 20%", "amount": 20.0, "amount_type": "percent"}
        )

    def taxed_invoice(self, amount, currency=None):
        invoice = self.init_invoice(
            "out_invoice",
            partner=self.customer,
            invoice_date=date(2026, 1, 31),
            amounts=[amount],
            taxes=[self.vat20],
            currency=currency,
        )
        invoice.invoice_payment_term_id = False
        invoice.invoice_date_due = date(2026, 1, 31)
        invoice.action_post()
        return invoice

    def litigation_for(self, invoices):
        """A file closed without recovery: the debt is definitively irrecoverable."""
        litigation = self.env["relance.litigation"].create(
            {
                "partner_id": self.customer.id,
                "move_ids": [(6, 0, invoices.ids)],
                "date_open": date(2026, 3, 17),
            }
        )
        litigation.action_close()
        litigation.write(
            {"irrecoverable_proof": "no_assets", "irrecoverable_proof_date": date(2026, 6, 2)}
        )
        return litigation

    def test_partly_paid_invoice_splits_loss_and_vat(self):
        invoice = self.taxed_invoice(1000.0)
        self.assertEqual(invoice.amount_total, 1200.0)
        vat_account = invoice.line_ids.filtered(lambda line: line.display_type == "tax").account_id
        receivable = invoice.line_ids.filtered(
            lambda line: line.display_type == "payment_term"
        ).account_id
        self.pay(invoice, 600.0, "2026-02-15")
        self.assertEqual(invoice.amount_residual, 600.0)
        litigation = self.litigation_for(invoice)
        litigation.action_write_off()
        move = litigation.writeoff_refund_ids
        self.assertEqual(move.state, "posted")
        # 600 still due out of 1,200 TTC: half of the invoice, so half of its VAT (100.00)
        # is regularised by a credit note and 500.00 goes to the loss account.
        self.assertRecordValues(
            move.line_ids.sorted("balance"),
            [
                {"account_id": receivable.id, "debit": 0.0, "credit": 600.0},
                {"account_id": vat_account.id, "debit": 100.0, "credit": 0.0},
                {"account_id": self.loss.id, "debit": 500.0, "credit": 0.0},
            ],
        )
        self.assertEqual(invoice.amount_residual, 0.0)
        self.assertIn(invoice.payment_state, ("paid", "in_payment"))
        self.assertEqual(litigation.state, "written_off")

    def test_vat_rounding_difference_goes_to_the_loss_account(self):
        # 100.00 + 20 % = 120.00, 100.00 paid: 20.00 due, i.e. 1/6 of the invoice.
        # Credit note: 100.00 / 6 = 16.67 to the loss account, VAT 16.67 x 20 % = 3.33.
        invoice = self.taxed_invoice(100.0)
        self.pay(invoice, 100.0, "2026-02-15")
        litigation = self.litigation_for(invoice)
        litigation.action_write_off()
        lines = litigation.writeoff_refund_ids.line_ids
        self.assertEqual(lines.filtered(lambda line: line.account_id == self.loss).debit, 16.67)
        self.assertEqual(sum(lines.mapped("debit")), 20.0)
        self.assertEqual(invoice.amount_residual, 0.0)

    def test_foreign_currency_invoice_is_fully_settled(self):
        self.env.user.groups_id += self.env.ref("base.group_multi_currency")
        code = "EUR" if self.company.currency_id.name != "EUR" else "USD"
        # 2 units for 1 of company currency when invoiced, 4 later: the write-off must
        # close the receivable at the invoice's own rate, not today's.
        foreign = self.setup_other_currency(code, rates=[("2026-01-01", 2.0), ("2026-03-01", 4.0)])
        invoice = self.taxed_invoice(1000.0, currency=foreign)
        self.pay(invoice, 600.0, "2026-02-15")
        self.assertEqual(invoice.amount_residual, 600.0)
        litigation = self.litigation_for(invoice)
        litigation.action_write_off()
        lines = litigation.writeoff_refund_ids.line_ids
        counterpart = lines.filtered(lambda line: line.credit)
        vat = lines.filtered(lambda line: line.debit and line.account_id != self.loss)
        loss = lines.filtered(lambda line: line.account_id == self.loss)
        # 600 due in foreign currency = 300.00 at the invoice rate of 2
        self.assertRecordValues(
            counterpart | vat | loss,
            [
                {"currency_id": foreign.id, "amount_currency": -600.0, "balance": -300.0},
                {"currency_id": foreign.id, "amount_currency": 100.0, "balance": 50.0},
                {"currency_id": foreign.id, "amount_currency": 500.0, "balance": 250.0},
            ],
        )
        self.assertEqual(invoice.amount_residual, 0.0)
        self.assertEqual(invoice.amount_residual_signed, 0.0)
        self.assertIn(invoice.payment_state, ("paid", "in_payment"))

    def test_cents_a_credit_note_cannot_reach_go_to_the_configured_journal(self):
        # 1,200.00 TTC, 599.97 paid: 600.03 due. With 20 % VAT rounded per line, 500.02
        # gives 500.02 + 100.00 = 600.02 and 500.03 gives 500.03 + 100.01 = 600.04: the
        # credit note stops at 600.02, the last 0.01 goes to the loss account, no VAT.
        invoice = self.taxed_invoice(1000.0)
        self.pay(invoice, 599.97, "2026-02-15")
        journal = self.env["account.journal"].create(
            {"name": "Bad debts", "code": "BADD", "type": "general", "company_id": self.company.id}
        )
        self.company.relance_writeoff_journal_id = journal
        litigation = self.litigation_for(invoice)
        litigation.action_write_off()
        self.assertRecordValues(
            litigation.writeoff_refund_ids,
            [{"amount_untaxed": 500.02, "amount_tax": 100.0, "amount_total": 600.02}],
        )
        move = litigation.writeoff_move_id
        self.assertEqual(move.journal_id, journal)
        self.assertEqual(
            move.line_ids.filtered(lambda line: line.account_id == self.loss).debit, 0.01
        )
        self.assertEqual(invoice.amount_residual, 0.0)

    def test_without_any_miscellaneous_journal_the_credit_note_is_enough(self):
        invoice = self.taxed_invoice(1000.0)
        self.env["account.journal"].search(
            [("type", "=", "general"), ("company_id", "=", self.company.id)]
        ).write({"active": False})
        litigation = self.litigation_for(invoice)
        litigation.action_write_off()
        self.assertEqual(invoice.amount_residual, 0.0)
        self.assertEqual(litigation.writeoff_refund_ids.journal_id, invoice.journal_id)

    def test_cents_left_without_any_miscellaneous_journal_the_error_is_clear(self):
        invoice = self.taxed_invoice(1000.0)
        self.pay(invoice, 599.97, "2026-02-15")
        self.env["account.journal"].search(
            [("type", "=", "general"), ("company_id", "=", self.company.id)]
        ).write({"active": False})
        litigation = self.litigation_for(invoice)
        # (Odoo's assertRaises, unlike assertRaisesRegex, rolls the failed call back)
        with self.assertRaises(UserError) as refused:
            litigation.action_write_off()
        self.assertIn("No miscellaneous journal", str(refused.exception))
        self.assertEqual(litigation.state, "closed")
        self.assertEqual(invoice.amount_residual, 600.03)
        self.assertFalse(invoice.reversal_move_ids)

    def test_only_a_manager_can_write_off(self):
        invoice = self.taxed_invoice(1000.0)
        litigation = self.litigation_for(invoice)
        with self.assertRaisesRegex(UserError, "manager"):
            litigation.with_user(self.collector).action_write_off()
        self.assertFalse(litigation.writeoff_refund_ids)
        self.assertEqual(invoice.amount_residual, 1200.0)


class TestLitigationExport(RelanceHttpCase, LitigationCase):
    test_module = "relance_avancee_reports"

    def test_export_zip_holds_pdfs_history_and_penalty_computation(self):
        self.company.write({"company_registry": "12345678900011", "vat": False})
        self.customer.write({"company_registry": "98765432100017", "vat": "FR40303265045"})
        self.env = self.env(context=dict(self.env.context, force_report_rendering=True))
        # The formal notice is sent for real (PDF), then the litigation level opens the file.
        self.invoice.write(
            {"relance_level_id": self.levels[2].id, "relance_last_date": "2026-02-15"}
        )
        with self.mock_mail_gateway():
            notice = self.run_on(date(2026, 3, 2)).history_ids
        self.assertEqual(notice.channel, "formal_notice")
        self.assertTrue(notice.attachment_id.raw.startswith(b"%PDF"))
        litigation = self.open_litigation()
        litigation.write(
            {"registered_mail_ref": "1A 123 456 7890 1", "registered_mail_date": date(2026, 3, 3)}
        )
        # A call whose outcome is confirmed in writing
        self.env["relance.call.outcome"].with_user(self.collector).create(
            {
                "partner_id": self.customer.id,
                "move_ids": [(6, 0, self.invoice.ids)],
                "outcome": "claims_paid",
                "note": "Says it paid by cheque",
            }
        ).action_confirm()
        attachment = litigation.action_export_file()
        archive = zipfile.ZipFile(io.BytesIO(attachment.raw))
        names = archive.namelist()
        invoice_pdf = f"02_invoices/{self.invoice.name.replace('/', '-')}.pdf"
        for name in (
            "00_summary.txt",
            "01_statement_of_account.pdf",
            invoice_pdf,
            "03_formal_notice.pdf",
            "04_reminders_and_calls.csv",
            "05_penalty_computation.csv",
        ):
            self.assertIn(name, names)
        self.assertIn(self.invoice.name, self.pdf_text(archive.read(invoice_pdf)))
        self.assertIn(
            self.customer.name, self.pdf_text(archive.read("01_statement_of_account.pdf"))
        )
        self.assertIn(self.invoice.name, self.pdf_text(archive.read("03_formal_notice.pdf")))
        summary = archive.read("00_summary.txt").decode()
        for text in (
            "12345678900011",
            self.customer.name,
            "98765432100017",
            "FR40303265045",
            "10,000.00",
            "199.73",
            "40.00",
            "10,239.73",
            "L441-10",
            "D441-5",
            "1A 123 456 7890 1",
            "2026-03-03",
            "2026-03-02",  # date of the formal notice
        ):
            self.assertIn(text, summary)
        self.assertNotIn("moratorium", summary, "not a public body")
        rows = list(
            csv.DictReader(io.StringIO(archive.read("05_penalty_computation.csv").decode()))
        )
        interest = sum(float(r["interest"]) for r in rows if r["legal_basis"] == "L441-10")
        self.assertAlmostEqual(interest, litigation.amount_interest, places=2)
        history = list(
            csv.DictReader(io.StringIO(archive.read("04_reminders_and_calls.csv").decode()))
        )
        self.assertIn("litigation", [row["channel"] for row in history])
        self.assertIn("formal_notice", [row["channel"] for row in history])
        call = [row for row in history if row["channel"] == "phone"]
        self.assertEqual(len(call), 1)
        self.assertEqual(call[0]["outcome"], "claims_paid")
        self.assertIn("Following our phone call", call[0]["written_confirmation"])
        self.assertEqual(litigation.export_attachment_id, attachment)


class TestLitigationLegalTexts(LitigationCase):
    test_module = "relance_avancee_reports"

    def test_public_body_claims_moratorium_interest(self):
        self.customer.relance_typology_id = self.env.ref("relance_avancee.relance_typology_public")
        litigation = self.env["relance.litigation"].create(
            {
                "partner_id": self.customer.id,
                "move_ids": [(6, 0, self.invoice.ids)],
                "date_open": date(2026, 3, 17),
            }
        )
        # 10,000 x (2.15 + 8) % x 45 / 365
        self.assertEqual(litigation.amount_interest, 125.14)
        texts = "\n".join(litigation._legal_texts())
        self.assertIn("moratorium interest", texts)
        self.assertIn("+ 8 points", texts)
        self.assertIn("L2192-13", texts)
        self.assertNotIn("L441-10", texts)
        self.assertEqual(litigation.amount_indemnity, 40.0)

    def test_individual_gets_legal_rate_and_no_indemnity(self):
        self.customer.is_company = False
        litigation = self.env["relance.litigation"].create(
            {"partner_id": self.customer.id, "move_ids": [(6, 0, self.invoice.ids)]}
        )
        texts = "\n".join(litigation._legal_texts())
        self.assertIn("legal rate", texts)
        self.assertIn("1231-6", texts)
        self.assertIn("No fixed recovery indemnity", texts)
        self.assertNotIn("D441-5", texts)
        self.assertEqual(litigation.amount_indemnity, 0.0)

    def test_statutory_rate_stated_as_is_contractual_rate_with_its_floor(self):
        litigation = self.env["relance.litigation"].create(
            {"partner_id": self.customer.id, "move_ids": [(6, 0, self.invoice.ids)]}
        )
        texts = "\n".join(litigation._legal_texts())
        self.assertIn("statutory rate", texts)
        self.assertNotIn("three times", texts)
        self.assertIn("injonction de payer", texts)
        self.company.write({"relance_penalty_mode": "fixed", "relance_fixed_rate": 12.0})
        texts = "\n".join(litigation._legal_texts())
        self.assertIn("contractual rate (12 % per year)", texts)
        self.assertIn("three times the legal interest rate", texts)

    def test_public_body_goes_before_the_administrative_judge(self):
        self.customer.relance_typology_id = self.env.ref("relance_avancee.relance_typology_public")
        litigation = self.env["relance.litigation"].create(
            {"partner_id": self.customer.id, "move_ids": [(6, 0, self.invoice.ids)]}
        )
        texts = "\n".join(litigation._legal_texts())
        self.assertIn("référé-provision", texts)
        self.assertNotIn("injonction de payer", texts)
