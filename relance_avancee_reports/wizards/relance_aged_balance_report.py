# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import io

import xlsxwriter

from odoo import _, fields, models
from odoo.exceptions import UserError
from odoo.tools import format_date

from ..export_safety import xlsx_download


class RelanceAgedBalanceReport(models.TransientModel):
    """Filters of the detailed aged balance, and its three outputs (screen, PDF, XLSX)."""

    _name = "relance.aged.balance.report"
    _description = "Detailed Aged Balance"

    date = fields.Date(string="As Of", required=True, default=fields.Date.context_today)
    company_ids = fields.Many2many(
        "res.company", string="Companies", default=lambda self: self.env.companies
    )
    typology_ids = fields.Many2many("relance.typology", string="Typologies")
    collector_ids = fields.Many2many("res.users", string="Collectors")
    partner_ids = fields.Many2many("res.partner", string="Customers")
    overdue_only = fields.Boolean(string="Overdue Customers Only")
    line_ids = fields.One2many("relance.aged.balance.line", "report_id")

    # --- data ------------------------------------------------------------------

    def _companies(self):
        """The chosen companies the user may see, in one currency."""
        self.ensure_one()
        if not self.company_ids:
            raise UserError(_("Choose at least one company."))
        return self.env["relance.aged.balance"]._companies(self.company_ids.ids)

    def _rows(self):
        """compute() rows after the filters that are not pushed into SQL."""
        companies = self._companies()
        rows = self.env["relance.aged.balance"].compute(
            self.date,
            company_ids=companies.ids,
            partner_ids=self.partner_ids.commercial_partner_id.ids or None,
        )
        if self.typology_ids:
            rows = [r for r in rows if r["typology_id"] in self.typology_ids.ids]
        if self.collector_ids:
            rows = [r for r in rows if r["collector_id"] in self.collector_ids.ids]
        if self.overdue_only:
            rows = [r for r in rows if r["overdue"] > 0]
        return rows

    def _report_values(self):
        """Everything the screen, the PDF and the XLSX show: the same figures in all.

        Each row (customer, typology, collector, grand total) carries its amount per
        bucket, its total, its share of the grand total (%), the amount in dispute and
        the payments registered but not booked ('in process').
        """
        companies = self._companies()
        rows = self._rows()
        aged = self.env["relance.aged.balance"]
        labels = aged._bucket_labels(companies[:1])
        partners = self.env["res.partner"].browse([r["partner_id"] for r in rows])
        moves = self.env["account.move"].browse(
            [line["move_id"] for r in rows for line in r["lines"]]
        )
        # Only the number: reading a field would load every column of thousands of invoices.
        moves.fetch(["name"])
        names = dict(zip(partners.ids, partners.mapped("display_name"), strict=True))
        total = sum(r["total"] for r in rows)

        def share(amount):
            return round(amount / total * 100.0, 2) if total else 0.0

        for row in rows:
            row["share"] = share(row["total"])
            for line in row["lines"]:
                line["share"] = share(line["residual"])
                line["disputed_amount"] = line["residual"] if line["in_dispute"] else 0.0
        buckets = [sum(r["buckets"][i] for r in rows) for i in range(len(labels))]
        by_typology = self._named(aged._summarize(rows, "typology_id"), "relance.typology")
        by_collector = self._named(aged._summarize(rows, "collector_id"), "res.users")
        for _name, group in by_typology + by_collector:
            group["share"] = share(group["total"])
        return {
            "rows": rows,
            "names": names,
            "labels": labels,
            "total": total,
            "buckets": buckets,
            "share": 100.0 if total else 0.0,
            "shares": [share(b) for b in buckets],
            "in_dispute": sum(r["in_dispute"] for r in rows),
            "in_process": sum(r["in_process"] for r in rows),
            "by_typology": by_typology,
            "by_collector": by_collector,
            "moves": {m.id: m for m in moves},
            "currency": companies[:1].currency_id,
            "einvoice_labels": self._einvoice_labels(),
        }

    def _einvoice_labels(self):
        """{status key: its name in the user's language} (False: no status)."""
        field = self.env["account.move"].fields_get(["relance_einvoice_status"], ["selection"])
        return {False: "", **dict(field["relance_einvoice_status"]["selection"])}

    def _named(self, groups, model):
        records = self.env[model].browse([key for key in groups if key])
        names = dict(zip(records.ids, records.mapped("display_name"), strict=True))
        return sorted(
            ((names.get(key) or self.env._("None"), values) for key, values in groups.items()),
            key=lambda item: (-item[1]["total"], item[0]),
        )

    # --- outputs ----------------------------------------------------------------

    def action_open(self):
        """On screen: one line per open item, list and pivot, drill-down to invoices."""
        self.ensure_one()
        report = self._report_values()
        labels = report["labels"]
        self.line_ids.unlink()
        values = []
        for row in report["rows"]:
            for line in row["lines"]:
                values.append(
                    {
                        "report_id": self.id,
                        "partner_id": row["partner_id"],
                        "typology_id": row["typology_id"],
                        "collector_id": row["collector_id"],
                        "payer_score": row["payer_score"],
                        "move_id": line["move_id"],
                        "einvoice_status": line["einvoice_status"],
                        "date_due": line["date_due"],
                        "days_overdue": line["days_overdue"],
                        "bucket": f"{line['bucket']}. {labels[line['bucket']]}",
                        "currency_id": report["currency"].id,
                        "residual": line["residual"],
                        "share": line["share"],
                        "in_dispute": line["disputed_amount"],
                        "in_process": line["in_process"],
                    }
                )
        self.env["relance.aged.balance.line"].create(values)
        return {
            "type": "ir.actions.act_window",
            "name": _("Aged Balance as of %s", format_date(self.env, self.date)),
            "res_model": "relance.aged.balance.line",
            "view_mode": "pivot,list",
            "domain": [("report_id", "=", self.id)],
            "context": {"search_default_group_partner": 1},
        }

    def action_pdf(self):
        self.ensure_one()
        return self.env.ref("relance_avancee_reports.action_report_aged_balance").report_action(
            self
        )

    def action_xlsx(self):
        self.ensure_one()
        return xlsx_download(self, _("Aged balance %s.xlsx", self.date), self._xlsx_content())

    def _figure_labels(self, values):
        """Columns shared by the XLSX and the PDF, after the four identification ones."""
        return values["labels"] + [_("Total"), _("Share (%)"), _("In dispute"), _("In process")]

    @staticmethod
    def _figures(amounts, total, share, in_dispute, in_process):
        return [*amounts, total, share, in_dispute, in_process]

    def _xlsx_content(self):
        values = self._report_values()
        output = io.BytesIO()
        # Names typed by users (customers, invoices) stay text: never a formula or a link.
        book = xlsxwriter.Workbook(
            output, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False}
        )
        sheet = book.add_worksheet(_("Aged balance"))
        bold = book.add_format({"bold": True})
        money = book.add_format({"num_format": "#,##0.00"})
        bold_money = book.add_format({"num_format": "#,##0.00", "bold": True})
        width = len(values["labels"])
        share_col = 5 + width
        header = [_("Customer"), _("Invoice"), _("Due date"), _("Days overdue")]
        header += self._figure_labels(values)
        header.append(_("Payer score"))
        score_col = len(header) - 1
        header.append(_("E-invoicing status"))
        einvoice_col = len(header) - 1
        sheet.write_row(
            0,
            0,
            [_("Aged balance as of %s", self.date), values["currency"].name or ""],
            bold,
        )
        sheet.write_row(2, 0, header, bold)
        row_index = 3

        def figures(index, cells, fmt):
            sheet.write_row(index, 4, cells, fmt)
            sheet.write(index, share_col, cells[width + 1])  # a percentage, not money

        for row in values["rows"]:
            name = values["names"][row["partner_id"]]
            for line in row["lines"]:
                move = values["moves"][line["move_id"]]
                cells = [0.0] * width
                cells[line["bucket"]] = line["residual"]
                sheet.write_row(
                    row_index, 0, [name, move.name, str(line["date_due"]), line["days_overdue"]]
                )
                einvoice = values["einvoice_labels"][line["einvoice_status"]]
                sheet.write(row_index, einvoice_col, einvoice)
                figures(
                    row_index,
                    self._figures(
                        cells,
                        line["residual"],
                        line["share"],
                        line["disputed_amount"],
                        line["in_process"],
                    ),
                    money,
                )
                row_index += 1
            sheet.write(row_index, 0, _("Total %s", name), bold)
            figures(
                row_index,
                self._figures(
                    row["buckets"], row["total"], row["share"], row["in_dispute"], row["in_process"]
                ),
                bold_money,
            )
            sheet.write(row_index, score_col, row["payer_score"], bold)
            row_index += 2
        sheet.write(row_index, 0, _("Grand total"), bold)
        figures(
            row_index,
            self._figures(
                values["buckets"],
                values["total"],
                values["share"],
                values["in_dispute"],
                values["in_process"],
            ),
            bold_money,
        )
        sheet.write(row_index + 1, 0, _("Share of total (%)"), bold)
        sheet.write_row(row_index + 1, 4, values["shares"] + [values["share"]])
        row_index += 3
        for title, groups in (
            (_("Subtotals by typology"), values["by_typology"]),
            (_("Subtotals by collector"), values["by_collector"]),
        ):
            sheet.write(row_index, 0, title, bold)
            row_index += 1
            for name, group in groups:
                sheet.write(row_index, 0, name)
                figures(
                    row_index,
                    self._figures(
                        group["buckets"],
                        group["total"],
                        group["share"],
                        group["in_dispute"],
                        group["in_process"],
                    ),
                    money,
                )
                row_index += 1
            row_index += 1
        sheet.set_column(0, 1, 28)
        book.close()
        return output.getvalue()
