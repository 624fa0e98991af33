"""Write-off of an irrecoverable debt with the French chart of accounts: a credit note on
the invoice with its own taxes, so that the VAT return takes the refund's grids (CGI art.
272, BOI-TVA-DED-40-10-10); VAT due on payment is never given back for money never
received. Needs l10n_fr_account in the test database (setup/test.sh installs it)."""

from datetime import date

from odoo.exceptions import UserError

from odoo.addons.account.tests.common import AccountTestInvoicingCommon

from .common import RelanceCase


class TestWriteOffVat(RelanceCase):
    @classmethod
    @AccountTestInvoicingCommon.setup_country("fr")
    def setUpClass(cls):
        # Skipped with "Module required for the test is not installed (l10n_fr_account)"
        # when the French chart is not installed.
        super().setUpClass()
        chart = cls.env["account.chart.template"].with_company(cls.company)
        cls.company.tax_exigibility = True  # VAT on payment (cash basis) in use
        cls.vat_goods = chart.ref("tva_normale")  # 20 % G, due on the invoice
        cls.vat_services = chart.ref("tva_normale_encaissement")  # 20 % S, due on payment
        cls.vat_collected = chart.ref("pcg_44571")  # 445710, declared
        cls.vat_pending = chart.ref("pcg_44574")  # 445740, awaiting payment
        cls.loss = chart.ref("pcg_6541")  # 654100, irrecoverable debts
        cls.company.relance_writeoff_account_id = cls.loss
        cls.manager = cls._create_relance_user(
            "writeoff_mgr",
            ["relance_avancee.group_relance_manager", "account.group_account_invoice"],
        )

    def invoice_with(self, tax, amount=1000.0):
        invoice = self.init_invoice(
            "out_invoice",
            partner=self.customer,
            invoice_date=date(2026, 1, 31),
            amounts=[amount],
            taxes=tax,
        )
        invoice.invoice_payment_term_id = False
        invoice.invoice_date_due = date(2026, 1, 31)
        invoice.action_post()
        return invoice

    def lost_file(self, invoice):
        litigation = self.env["relance.litigation"].create(
            {
                "partner_id": self.customer.id,
                "move_ids": [(6, 0, invoice.ids)],
                "date_open": date(2026, 3, 17),
            }
        )
        litigation.action_close()  # the recovery failed
        # The bailiff found nothing to seize: the debt is definitively lost.
        litigation.write(
            {"irrecoverable_proof": "no_assets", "irrecoverable_proof_date": date(2026, 6, 2)}
        )
        return litigation

    def grid(self, code):
        """Amount of a French VAT return grid ('08_base', '08_taxe'): the posted lines of
        the company tagged for it and exigible, sign of the tag and of the document."""
        names = (f"+{code}", f"-{code}")
        lines = self.env["account.move.line"].search(
            [
                ("company_id", "=", self.company.id),
                ("parent_state", "=", "posted"),
                ("tax_tag_ids.name", "in", names),
                *self.env["account.move.line"]._get_tax_exigible_domain(),
            ]
        )
        total = 0.0
        for line in lines:
            for tag in line.tax_tag_ids.filtered(lambda t: t.name in names):
                sign = (-1 if tag.tax_negate else 1) * (-1 if line.tax_tag_invert else 1)
                total += sign * line.balance
        return round(total, 2)

    def balance(self, account):
        lines = self.env["account.move.line"].search(
            [("account_id", "=", account.id), ("parent_state", "=", "posted")]
        )
        return round(sum(lines.mapped("balance")), 2)

    def test_vat_on_invoice_partly_paid_credit_note_for_the_unpaid_share(self):
        invoice = self.invoice_with(self.vat_goods)
        self.assertEqual(invoice.amount_total, 1200.0)  # 1,000.00 + 20 % VAT
        self.pay(invoice, 600.0, "2026-02-15")
        self.assertEqual(self.grid("08_taxe"), 200.0, "declared when invoiced")
        litigation = self.lost_file(invoice)
        litigation.with_user(self.manager).action_write_off()
        refund = litigation.writeoff_refund_ids
        # 600.00 of 1,200.00 unpaid: half of the invoice, 500.00 + 100.00 VAT.
        self.assertRecordValues(
            refund,
            [
                {
                    "move_type": "out_refund",
                    "state": "posted",
                    "reversed_entry_id": invoice.id,
                    "amount_untaxed": 500.0,
                    "amount_tax": 100.0,
                    "amount_total": 600.0,
                    "payment_state": "paid",
                }
            ],
        )
        base = refund.line_ids.filtered(lambda line: line.display_type == "product")
        tax = refund.line_ids.filtered(lambda line: line.display_type == "tax")
        self.assertRecordValues(
            base | tax,
            [
                {"account_id": self.loss.id, "debit": 500.0, "tax_ids": self.vat_goods.ids},
                {"account_id": self.vat_collected.id, "debit": 100.0, "tax_ids": []},
            ],
        )
        # The refund grids of the 20 % tax: base A1 and 08, VAT 08, negative.
        self.assertEqual(sorted(base.tax_tag_ids.mapped("name")), ["-08_base", "-A1"])
        self.assertEqual(tax.tax_tag_ids.mapped("name"), ["-08_taxe"])
        # VAT return: 200.00 declared - 100.00 given back = 100.00, on a base of 500.00.
        self.assertEqual(self.grid("08_taxe"), 100.0)
        self.assertEqual(self.grid("08_base"), 500.0)
        self.assertEqual(self.balance(self.vat_collected), -100.0)
        self.assertEqual(invoice.amount_residual, 0.0)
        self.assertTrue(invoice.line_ids.filtered("account_id.reconcile").full_reconcile_id)
        self.assertFalse(litigation.writeoff_move_id, "no rounding left for the loss account")
        self.assertEqual(litigation.state, "written_off")

    def test_vat_on_payment_unpaid_share_stays_never_declared(self):
        invoice = self.invoice_with(self.vat_services)
        self.assertEqual(self.grid("08_taxe"), 0.0, "services: VAT due on payment")
        self.pay(invoice, 600.0, "2026-02-15")
        # 600.00 received of 1,200.00: half of the VAT, 100.00, became due and declared.
        self.assertEqual(self.grid("08_taxe"), 100.0)
        self.assertEqual(self.balance(self.vat_collected), -100.0)
        self.assertEqual(self.balance(self.vat_pending), -100.0)
        litigation = self.lost_file(invoice)
        litigation.with_user(self.manager).action_write_off()
        refund = litigation.writeoff_refund_ids
        self.assertRecordValues(
            refund, [{"amount_untaxed": 500.0, "amount_tax": 100.0, "amount_total": 600.0}]
        )
        # The credit note's 100.00 VAT clears the 100.00 never received from the pending
        # account; the declared VAT stays 100.00: nothing is given back that was never
        # declared, and no cash-basis entry declares then cancels the unpaid part.
        self.assertEqual(self.grid("08_taxe"), 100.0)
        self.assertEqual(self.grid("08_base"), 500.0)
        self.assertEqual(self.balance(self.vat_collected), -100.0)
        self.assertEqual(self.balance(self.vat_pending), 0.0)
        self.assertFalse(
            self.env["account.move"].search([("tax_cash_basis_origin_move_id", "=", refund.id)])
        )
        self.assertEqual(invoice.amount_residual, 0.0)

    def test_liquidation_makes_the_debt_irrecoverable(self):
        invoice = self.invoice_with(self.vat_goods)
        litigation = self.env["relance.litigation"].create(
            {"partner_id": self.customer.id, "move_ids": [(6, 0, invoice.ids)]}
        )
        with self.assertRaisesRegex(UserError, "definitively irrecoverable"):
            litigation.with_user(self.manager).action_write_off()
        self.customer.with_user(self.manager).write(
            {"relance_insolvency_kind": "reorganisation", "relance_insolvency_date": "2026-03-17"}
        )
        with self.assertRaisesRegex(UserError, "definitively irrecoverable"):
            litigation.with_user(self.manager).action_write_off()
        self.assertFalse(invoice.reversal_move_ids)
        self.customer.with_user(self.manager).write({"relance_insolvency_kind": "liquidation"})
        litigation.with_user(self.manager).action_write_off()
        # Nothing paid: the whole invoice, 1,000.00 + 200.00 VAT, all given back.
        self.assertRecordValues(
            litigation.writeoff_refund_ids, [{"amount_untaxed": 1000.0, "amount_tax": 200.0}]
        )
        self.assertEqual(self.grid("08_taxe"), 0.0)
        self.assertEqual(invoice.amount_residual, 0.0)
        self.assertEqual(litigation.state, "written_off")

    def test_unpaid_vat_on_payment_in_liquidation_never_reaches_the_return(self):
        invoice = self.invoice_with(self.vat_services)
        self.customer.with_user(self.manager).write(
            {"relance_insolvency_kind": "liquidation", "relance_insolvency_date": "2026-03-17"}
        )
        litigation = self.env["relance.litigation"].create(
            {"partner_id": self.customer.id, "move_ids": [(6, 0, invoice.ids)]}
        )
        litigation.with_user(self.manager).action_write_off()
        self.assertEqual(self.grid("08_taxe"), 0.0)
        self.assertEqual(self.grid("08_base"), 0.0)
        self.assertEqual(self.balance(self.vat_collected), 0.0)
        self.assertEqual(self.balance(self.vat_pending), 0.0)
        self.assertEqual(invoice.amount_residual, 0.0)

    def test_collector_cannot_write_off(self):
        invoice = self.invoice_with(self.vat_goods)
        litigation = self.lost_file(invoice)
        with self.assertRaisesRegex(UserError, "manager"):
            litigation.with_user(self.collector).action_write_off()
        self.assertFalse(invoice.reversal_move_ids)
        self.assertEqual(invoice.amount_residual, 1200.0)
