import io

import xlsxwriter

from odoo import _, fields, models
from odoo.exceptions import UserError


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

    def _rows(self):
        """compute() rows after the filters that are not pushed into SQL."""
        self.ensure_one()
        if not self.company_ids:
            raise UserError(_("Choose at least one company."))
        rows = self.env["relance.aged.balance"].compute(
            self.date,
            company_ids=self.company_ids.ids,
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
        """Everything the PDF and the XLSX print: the same figures in both."""
        rows = self._rows()
        aged = self.env["relance.aged.balance"]
        partners = self.env["res.partner"].browse([r["partner_id"] for r in rows])
        names = dict(zip(partners.ids, partners.mapped("display_name"), strict=True))
        total = sum(r["total"] for r in rows)
        width = len(aged.bucket_labels(self.company_ids[:1]))
        buckets = [sum(r["buckets"][i] for r in rows) for i in range(width)]
        return {
            "rows": rows,
            "names": names,
            "labels": aged.bucket_labels(self.company_ids[:1]),
            "total": total,
            "buckets": buckets,
            "shares": [(b / total * 100.0) if total else 0.0 for b in buckets],
            "in_dispute": sum(r["in_dispute"] for r in rows),
            "in_process": sum(r["in_process"] for r in rows),
            "by_typology": self._named(aged.summarize(rows, "typology_id"), "relance.typology"),
            "by_collector": self._named(aged.summarize(rows, "collector_id"), "res.users"),
            "moves": {
                m.id: m
                for m in self.env["account.move"].browse(
                    [line["move_id"] for r in rows for line in r["lines"]]
                )
            },
            "currency": self.company_ids[:1].currency_id,
        }

    def _named(self, groups, model):
        records = self.env[model].browse([key for key in groups if key])
        names = dict(zip(records.ids, records.mapped("display_name"), strict=True))
        return sorted(
            ((names.get(key) or _("None"), values) for key, values in groups.items()),
            key=lambda item: -item[1]["total"],
        )

    # --- outputs ----------------------------------------------------------------

    def action_open(self):
        """On screen: one line per open item, list and pivot, drill-down to invoices."""
        self.ensure_one()
        labels = self.env["relance.aged.balance"].bucket_labels(self.company_ids[:1])
        self.line_ids.unlink()
        values = []
        for row in self._rows():
            for line in row["lines"]:
                values.append(
                    {
                        "report_id": self.id,
                        "partner_id": row["partner_id"],
                        "typology_id": row["typology_id"],
                        "collector_id": row["collector_id"],
                        "move_id": line["move_id"],
                        "date_due": line["date_due"],
                        "days_overdue": line["days_overdue"],
                        "bucket": f"{line['bucket']}. {labels[line['bucket']]}",
                        "residual": line["residual"],
                        "in_dispute": line["residual"] if line["in_dispute"] else 0.0,
                        "in_process": line["in_process"],
                    }
                )
        self.env["relance.aged.balance.line"].create(values)
        return {
            "type": "ir.actions.act_window",
            "name": _("Aged Balance as of %s", self.date),
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
        attachment = self.env["ir.attachment"].create(
            {
                "name": _("Aged balance %s.xlsx", self.date),
                "raw": self._xlsx_content(),
                "res_model": self._name,
                "res_id": self.id,
                "mimetype": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            }
        )
        return {
            "type": "ir.actions.act_url",
            "url": f"/web/content/{attachment.id}?download=true",
            "target": "self",
        }

    def _xlsx_content(self):
        values = self._report_values()
        output = io.BytesIO()
        book = xlsxwriter.Workbook(output, {"in_memory": True})
        sheet = book.add_worksheet(_("Aged balance"))
        bold = book.add_format({"bold": True})
        money = book.add_format({"num_format": "#,##0.00"})
        bold_money = book.add_format({"num_format": "#,##0.00", "bold": True})
        header = [_("Customer"), _("Invoice"), _("Due date"), _("Days overdue")]
        header += values["labels"] + [_("Total"), _("In dispute"), _("In process")]
        sheet.write_row(0, 0, [_("Aged balance as of %s", self.date)], bold)
        sheet.write_row(2, 0, header, bold)
        row_index = 3
        width = len(values["labels"])
        for row in values["rows"]:
            name = values["names"][row["partner_id"]]
            for line in row["lines"]:
                move = values["moves"][line["move_id"]]
                cells = [0.0] * width
                cells[line["bucket"]] = line["residual"]
                sheet.write_row(
                    row_index, 0, [name, move.name, str(line["date_due"]), line["days_overdue"]]
                )
                sheet.write_row(row_index, 4, cells + [line["residual"]], money)
                sheet.write(
                    row_index, 5 + width, line["residual"] if line["in_dispute"] else 0.0, money
                )
                sheet.write(row_index, 6 + width, line["in_process"], money)
                row_index += 1
            sheet.write(row_index, 0, _("Total %s", name), bold)
            sheet.write_row(row_index, 4, row["buckets"] + [row["total"]], bold_money)
            sheet.write(row_index, 5 + width, row["in_dispute"], bold_money)
            sheet.write(row_index, 6 + width, row["in_process"], bold_money)
            row_index += 2
        sheet.write(row_index, 0, _("Grand total"), bold)
        sheet.write_row(row_index, 4, values["buckets"] + [values["total"]], bold_money)
        sheet.write(row_index, 5 + width, values["in_dispute"], bold_money)
        sheet.write(row_index, 6 + width, values["in_process"], bold_money)
        sheet.write(row_index + 1, 0, _("Share of total (%)"), bold)
        sheet.write_row(row_index + 1, 4, [round(s, 2) for s in values["shares"]])
        sheet.set_column(0, 1, 28)
        book.close()
        return output.getvalue()


class RelanceAgedBalanceLine(models.TransientModel):
    """One open receivable item of an on-screen aged balance."""

    _name = "relance.aged.balance.line"
    _description = "Aged Balance Line"
    _order = "partner_id, date_due, id"

    report_id = fields.Many2one("relance.aged.balance.report", ondelete="cascade", index=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    typology_id = fields.Many2one("relance.typology", readonly=True)
    collector_id = fields.Many2one("res.users", readonly=True)
    move_id = fields.Many2one("account.move", string="Document", readonly=True)
    date_due = fields.Date(readonly=True)
    days_overdue = fields.Integer(readonly=True, aggregator="max")
    bucket = fields.Char(readonly=True)
    currency_id = fields.Many2one(
        "res.currency", default=lambda self: self.env.company.currency_id, readonly=True
    )
    residual = fields.Monetary(currency_field="currency_id", readonly=True)
    in_dispute = fields.Monetary(currency_field="currency_id", readonly=True)
    in_process = fields.Monetary(currency_field="currency_id", readonly=True)

    def action_open_move(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "account.move",
            "res_id": self.move_id.id,
            "view_mode": "form",
        }
