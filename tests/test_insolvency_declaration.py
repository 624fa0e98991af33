"""The claim to declare in a customer's insolvency proceedings ("déclaration de créance"):
the figures as of the opening judgment (interest stops on it, Code de commerce L622-28),
the same in the claim-declaration task and in the litigation file's export."""

import csv
import io
import zipfile
from datetime import date

from freezegun import freeze_time

from odoo import Command

from .common import RelanceCase

MANAGER_GROUPS = ["relance_avancee.group_relance_manager", "account.group_account_invoice"]


class TestInsolvencyDeclaration(RelanceCase):
    test_module = "relance_avancee_reports"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # A creditor in metropolitan France: two months to declare (R622-24).
        cls.company.country_id = cls.env.ref("base.fr")
        cls.manager = cls._create_relance_user("declaration_mgr", MANAGER_GROUPS)
        cls.liquidator = cls.env["res.partner"].create({"name": "Maître Lefèvre"})
        # A: 10,000.00 due 31 January, unpaid.
        cls.invoice_a = cls.make_invoice(cls.customer, "2026-01-31", 10000.0)
        # B: 5,000.00 due 28 February, 2,000.00 paid on 10 March (before the judgment)
        # and 500.00 on 10 April (after it: the claim as it stood on the judgment keeps it).
        cls.invoice_b = cls.make_invoice(cls.customer, "2026-02-28", 5000.0)
        cls.invoice_b.name = "=HYPERLINK(B)"  # a name a spreadsheet would run
        cls.pay(cls, cls.invoice_b, 2000.0, "2026-03-10")
        cls.pay(cls, cls.invoice_b, 500.0, "2026-04-10")
        # C: issued after the judgment: not part of the claim.
        cls.invoice_c = cls.make_invoice(cls.customer, "2026-04-30", 700.0)
        cls.litigation = cls.env["relance.litigation"].create(
            {
                "partner_id": cls.customer.id,
                "move_ids": [Command.set(cls.invoice_a.ids)],
                "date_open": date(2026, 3, 2),
            }
        )

    def open_proceedings(self, publication="2026-03-25"):
        self.customer.with_user(self.manager).write(
            {
                "relance_insolvency_kind": "liquidation",
                "relance_insolvency_date": "2026-03-17",
                "relance_insolvency_publication_date": publication,
                "relance_insolvency_court": "Tribunal de commerce de Lyon",
                "relance_insolvency_administrator_id": self.liquidator.id,
            }
        )

    def export(self):
        attachment = self.litigation.with_user(self.manager).action_export_file()
        return zipfile.ZipFile(io.BytesIO(attachment.raw))

    def test_figures_as_of_the_judgment(self):
        self.open_proceedings()
        lines = self.customer._relance_claim_declaration()
        # A: 10,000 x 12.15 % x 45 / 365 (1 February - 17 March) = 149.79, + 40.00.
        # B: 5,000 x 12.15 % x 10 / 365 (1-10 March) = 16.64 and 3,000 x 12.15 % x 7 / 365
        #    (11-17 March) = 6.99: 23.63 (16.644 + 6.990 = 23.634), + 40.00; principal
        #    3,000.00 on the judgment (the April payment came after it).
        self.assertEqual(
            [
                (line["move"], line["principal"], line["interest"], line["indemnity"])
                for line in lines
            ],
            [(self.invoice_a, 10000.0, 149.79, 40.0), (self.invoice_b, 3000.0, 23.63, 40.0)],
        )
        self.assertEqual([line["total"] for line in lines], [10189.79, 3063.63])
        # The task to declare the claim shows the same figures: principal 13,000.00,
        # interest and indemnities 149.79 + 40 + 23.63 + 40 = 253.42.
        task = self.env["mail.activity"].search(
            [("res_model", "=", "res.partner"), ("res_id", "=", self.customer.id)]
        )
        self.assertIn("13,000.00", str(task.note))
        self.assertIn("253.42", str(task.note))

    @freeze_time("2026-06-01")
    def test_export_holds_the_declaration_interest_stopped_at_the_judgment(self):
        self.open_proceedings()
        archive = self.export()
        rows = list(csv.DictReader(io.StringIO(archive.read("06_claim_declaration.csv").decode())))
        code = self.company.currency_id.name
        # On 1 June interest would have run 121 days on A: it stopped on 17 March.
        self.assertEqual(
            [
                (r["invoice"], r["principal"], r["interest"], r["indemnity"], r["total"])
                for r in rows
            ],
            [
                (self.invoice_a.name, "10000.00", "149.79", "40.00", "10189.79"),
                ("'=HYPERLINK(B)", "3000.00", "23.63", "40.00", "3063.63"),
                ("total", "13000.00", "173.42", "80.00", "13253.42"),
            ],
        )
        self.assertEqual(rows[-1][f"total_{code}"], "13253.42")
        summary = archive.read("00_summary.txt").decode()
        for text in (
            "Claim declaration (insolvency proceedings)",
            "Compulsory liquidation (liquidation judiciaire)",
            "judgment of 2026-03-17",
            "Tribunal de commerce de Lyon",
            "Maître Lefèvre",
            "BODACC publication: 2026-03-25",
            # 25 March + two months (R622-24)
            "Declare the claim by: 2026-05-25",
            "R622-24",
            "L622-28",
            "Unsecured (chirographaire)",
            "Total claim declared: ",
            "13,253.42",
        ):
            self.assertIn(text, summary)
        self.assertNotIn(self.invoice_c.name, archive.read("06_claim_declaration.csv").decode())

    def test_secured_claim_and_missing_publication_are_stated(self):
        self.open_proceedings(publication=False)
        self.litigation.with_user(self.manager).claim_nature = "secured"
        summary = self.export().read("00_summary.txt").decode()
        self.assertIn("Declare the claim by: unknown, the BODACC publication date", summary)
        self.assertIn("Secured (privilégiée)", summary)

    def test_no_declaration_without_proceedings(self):
        archive = self.export()
        self.assertNotIn("06_claim_declaration.csv", archive.namelist())
        self.assertNotIn("Claim declaration", archive.read("00_summary.txt").decode())
