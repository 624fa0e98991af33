# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import io

import xlsxwriter

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import format_date, formatLang

from ..export_safety import neutralise_cell, xlsx_download
from ..models.relance_payment_terms_table import check_accounting_reader

TERMS = [
    ("contractual", "Contractual"),
    ("legal", "Legal"),
    ("both", "Contractual, legal when none was agreed"),
]
SIDES = ("received", "issued")
CHECKED, UNCHECKED = "\u2612", "\u2610"


class RelancePaymentTermsReport(models.TransientModel):
    """The payment terms table of the management report (D441-6): its filters and its
    three outputs (screen, PDF, XLSX), all laid out like the official model."""

    _name = "relance.payment.terms.report"
    _description = "Payment Terms Table (D441-6)"

    date = fields.Date(
        string="Closing Date",
        required=True,
        default=lambda self: self.env["relance.payment.terms.table"]._last_closing(
            fields.Date.context_today(self), self.env.company
        ),
    )
    date_from = fields.Date(
        string="Year Start",
        compute="_compute_date_from",
        store=True,
        readonly=False,
        help="First day of the fiscal year that the closing date ends (the company's "
        "fiscal year by default; change it for a first year that is longer or shorter).",
    )
    company_ids = fields.Many2many(
        "res.company", string="Companies", default=lambda self: self.env.companies
    )
    tax_basis = fields.Selection(
        [("untaxed", "Excluding tax"), ("total", "Including tax")],
        string="Amounts",
        required=True,
        default="untaxed",
    )
    presentation = fields.Selection(
        [
            ("unpaid", "(I) Invoices unpaid at the closing date whose term has passed"),
            ("late", "(II) Invoices paid late during the year (derogatory)"),
        ],
        required=True,
        default="unpaid",
    )
    received_terms = fields.Selection(
        TERMS, string="Reference Terms (Suppliers)", required=True, default="contractual"
    )
    received_terms_detail = fields.Char(
        string="Supplier Terms Detail", help="E.g. 45 days end of month; printed as typed."
    )
    issued_terms = fields.Selection(
        TERMS, string="Reference Terms (Customers)", required=True, default="contractual"
    )
    issued_terms_detail = fields.Char(
        string="Customer Terms Detail", help="E.g. 30 days from the invoice date."
    )
    table_html = fields.Html(string="Table", readonly=True)
    line_ids = fields.One2many("relance.payment.terms.line", "report_id")

    @api.depends("date", "company_ids")
    def _compute_date_from(self):
        table = self.env["relance.payment.terms.table"]
        for report in self:
            company = report.company_ids[:1] or self.env.company
            report.date_from = report.date and table._year_start(report.date, company)

    @api.onchange(
        "date",
        "date_from",
        "company_ids",
        "tax_basis",
        "presentation",
        "received_terms",
        "received_terms_detail",
        "issued_terms",
        "issued_terms_detail",
    )
    def _onchange_clear_table(self):
        self.table_html = False

    # --- data ------------------------------------------------------------------

    def _table_figures(self):
        """The figures of both sides (``relance.payment.terms.table.compute``)."""
        self.ensure_one()
        check_accounting_reader(self.env)
        if not self.company_ids:
            raise UserError(_("Choose at least one company."))
        return self.env["relance.payment.terms.table"].compute(
            self.date,
            company_ids=self.company_ids.ids,
            date_from=self.date_from,
            tax_included=self.tax_basis == "total",
            presentation=self.presentation,
        )

    def _report_lang(self):
        """The statutory table is published in French: in French when the language is
        installed, in the user's language otherwise."""
        installed = dict(self.env["res.lang"].get_installed())
        return "fr_FR" if "fr_FR" in installed else self.env.lang

    def _report_values(self, table=None):
        """Everything the screen, the PDF and the XLSX show, in the model's order: the
        same labels and figures in all three (in the language of ``self.env``)."""
        self.ensure_one()
        table = table or self._table_figures()
        late = self.presentation == "late"
        untaxed = self.tax_basis == "untaxed"
        basis = _("excl. tax") if untaxed else _("incl. tax")
        currency = self.env["res.currency"].browse(table["currency_id"])

        not_applicable = _("n/a")

        def cells(key, only=None):
            """Grey (None) where the model has no figure; "n/a" for a share of nothing."""
            row = []
            for side in SIDES:
                data = table[side]
                figures = [bracket[key] for bracket in data["brackets"]] + [data["late"][key]]
                figures = [not_applicable if f is None else f for f in figures]
                row += figures if only in (None, side) else [None] * len(figures)
            return row

        def merged(key):
            return [table[side]["excluded"][key] for side in SIDES]

        if late:
            title = _(
                "Invoices received and issued paid late during the year (table provided "
                "for in II of article D. 441-6 of the Commercial Code)"
            )
            headers = [
                _("Article D. 441-6 II: invoices received paid late during the year"),
                _("Article D. 441-6 II: invoices issued paid late during the year"),
            ]
            rows_a = [
                (_("Cumulated number of invoices concerned"), cells("count"), "count"),
                (
                    _("Cumulated amount of the invoices concerned (%s)", basis),
                    cells("amount"),
                    "amount",
                ),
                (
                    _(
                        "Percentage of the total amount of the invoices received in the year (%s)",
                        basis,
                    ),
                    cells("share", "received"),
                    "percent",
                ),
                (
                    _(
                        "Percentage of the total amount of the invoices issued in the year (%s)",
                        basis,
                    ),
                    cells("share", "issued"),
                    "percent",
                ),
                (
                    _("Percentage of the total number of invoices received in the year"),
                    cells("count_share", "received"),
                    "percent",
                ),
                (
                    _("Percentage of the total number of invoices issued in the year"),
                    cells("count_share", "issued"),
                    "percent",
                ),
            ]
        else:
            title = _(
                "Invoices received and issued unpaid at the closing date of the year whose "
                "term has passed (table provided for in I of article D. 441-6 of the "
                "Commercial Code)"
            )
            headers = [
                _(
                    "Article D. 441-6 I-1°: invoices received unpaid at the closing date "
                    "of the year whose term has passed"
                ),
                _(
                    "Article D. 441-6 I-2°: invoices issued unpaid at the closing date "
                    "of the year whose term has passed"
                ),
            ]
            rows_a = [
                (_("Number of invoices concerned"), cells("count"), "count"),
                (
                    _("Total amount of the invoices concerned (%s)", basis),
                    cells("amount"),
                    "amount",
                ),
                (
                    _("Percentage of the total amount of the purchases of the year (%s)", basis),
                    cells("share", "received"),
                    "percent",
                ),
                (
                    _("Percentage of the revenue of the year (%s)", basis),
                    cells("share", "issued"),
                    "percent",
                ),
            ]
        sections = [
            {
                "title": _("(A) Late payment brackets"),
                "rows": [{"label": r[0], "cells": r[1], "kind": r[2]} for r in rows_a],
            },
            {
                "title": _(
                    "(B) Invoices excluded from (A) relating to disputed or unrecorded "
                    "debts and receivables"
                ),
                "rows": [
                    {
                        "label": _("Number of excluded invoices"),
                        "merged": merged("count"),
                        "kind": "count",
                    },
                    {
                        "label": _("Total amount of the excluded invoices (%s)", basis),
                        "merged": merged("amount"),
                        "kind": "amount",
                    },
                ],
            },
            {
                "title": _(
                    "(C) Reference payment terms used (contractual or legal terms - "
                    "article L. 441-10 or article L. 441-11 of the Commercial Code)"
                ),
                "rows": [
                    {
                        "label": _("Payment terms used to compute the late payments"),
                        "merged": [self._terms_lines(side) for side in SIDES],
                        "kind": "text",
                    }
                ],
            },
        ]
        return {
            "title": title,
            "subtitle": _(
                "%(companies)s - year from %(date_from)s to %(date)s - amounts in "
                "%(currency)s, %(basis)s",
                companies=", ".join(self.company_ids.mapped("name")),
                date_from=format_date(self.env, table["date_from"]),
                date=format_date(self.env, table["date"]),
                currency=currency.name,
                basis=_("excluding tax") if untaxed else _("including tax"),
            ),
            "headers": headers,
            "columns": self._columns(),
            "sections": sections,
            "notes": self._notes(table, currency, basis),
            "not_applicable": not_applicable,
            "currency": currency,
        }

    def _columns(self):
        """The model's columns of each side: five brackets, then the total."""
        return [
            _("0 days (for information)"),
            _("1 to 30 days"),
            _("31 to 60 days"),
            _("61 to 90 days"),
            _("91 days and more"),
            _("Total (1 day and more)"),
        ]

    def _terms_lines(self, side):
        """The (C) cell of one side: the model's two boxes, the chosen ones ticked."""
        terms = self[f"{side}_terms"]
        detail = self[f"{side}_terms_detail"]
        contractual = _("Contractual terms: %s", detail or _("the due date of each invoice"))
        legal = _("Legal terms: %s", _("article L. 441-10 of the Commercial Code"))
        if terms == "legal" and detail:
            legal = _("Legal terms: %s", detail)
        return [
            f"{CHECKED if terms in ('contractual', 'both') else UNCHECKED} {contractual}",
            f"{CHECKED if terms in ('legal', 'both') else UNCHECKED} {legal}",
        ]

    def _notes(self, table, currency, basis):
        """What an auditor reads under the table: the bases of the percentages and
        the rules the figures follow."""

        def money(amount):
            return formatLang(self.env, amount, currency_obj=currency)

        received, issued = table["received"], table["issued"]
        notes = []
        if table["presentation"] == "late":
            notes += [
                _(
                    "Invoices received in the year: %(count)s, %(amount)s (%(basis)s); "
                    "invoices issued in the year: %(count_issued)s, %(amount_issued)s.",
                    count=received["base"]["count"],
                    amount=money(received["base"]["amount"]),
                    basis=basis,
                    count_issued=issued["base"]["count"],
                    amount_issued=money(issued["base"]["amount"]),
                ),
                _(
                    "An invoice was paid late when it was settled in full during the year "
                    "after its due date (each instalment by its own due date), on the date "
                    "of the payment or credit note that paid its last part. 0 days: settled "
                    "during the year by the due date (for information)."
                ),
                _(
                    "Excluded as disputed: customer invoices in a dispute open on their due "
                    "date or the day before their settlement, supplier bills marked "
                    "disputed; as unrecorded: invoices dated in the year not booked on the "
                    "closing date."
                ),
            ]
        else:
            notes += [
                _(
                    "Purchases of the year (vendor bills less refunds): %(purchases)s; "
                    "revenue of the year (customer invoices less credit notes): "
                    "%(revenue)s (%(basis)s).",
                    purchases=money(received["base"]["amount"]),
                    revenue=money(issued["base"]["amount"]),
                    basis=basis,
                ),
                _(
                    "Delays counted on the closing date from the due date of each invoice "
                    "or instalment; payments, credit notes and reconciliations dated after "
                    "it do not count, nor do payments registered but not booked (the "
                    "accounting figures of the detailed aged balance). Credit notes and "
                    "payments not matched to an invoice are deducted from the bracket of "
                    "their own date and not counted as invoices. 0 days: term not passed "
                    "on the closing date (for information)."
                ),
                _(
                    "Excluded as disputed: customer invoices in a dispute open on the "
                    "closing date, supplier bills marked disputed; as unrecorded: invoices "
                    "dated by the closing date not booked on it (supplier bills in draft "
                    "included)."
                ),
            ]
        notes.append(
            _(
                "Excluded invoices: received %(received_disputed)s disputed and "
                "%(received_unrecorded)s unrecorded; issued %(issued_disputed)s disputed "
                "and %(issued_unrecorded)s unrecorded.",
                received_disputed=received["excluded"]["disputed_count"],
                received_unrecorded=received["excluded"]["unrecorded_count"],
                issued_disputed=issued["excluded"]["disputed_count"],
                issued_unrecorded=issued["excluded"]["unrecorded_count"],
            )
        )
        if not table["tax_included"]:
            notes.append(
                _(
                    "Excluding tax: each amount in the ratio of its invoice's untaxed "
                    "amount to its total."
                )
            )
        notes.append(
            _(
                "An invoice with instalments in several brackets is counted in each, "
                "once in the total."
            )
        )
        return notes

    # --- outputs ----------------------------------------------------------------

    def action_open(self):
        """On screen: the table as printed, and its detail line by line."""
        self.ensure_one()
        table = self._table_figures()
        lang = self._report_lang()
        report = self.with_context(lang=lang)
        values = report._report_values(table)
        self.line_ids.unlink()
        self.env["relance.payment.terms.line"].create(report._line_values(table))
        self.table_html = (
            self.env["ir.qweb"]
            .with_context(lang=lang)
            ._render("relance_avancee_reports.payment_terms_table_body", {"values": values})
        )
        return {
            "type": "ir.actions.act_window",
            "name": _("Payment Terms Table (D441-6)"),
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "new",
            "context": {"dialog_size": "extra-large"},
        }

    def _line_values(self, table):
        labels = self._columns()
        values = []
        for side in SIDES:
            for item in table[side]["items"]:
                bracket = item["bracket"]
                values.append(
                    {
                        "report_id": self.id,
                        "side": side,
                        "partner_id": item["partner_id"],
                        "move_id": item["move_id"],
                        "date_due": item["date_due"],
                        "date_settled": item["date_settled"],
                        "days_late": item["days"],
                        "bracket": f"{bracket}. {labels[bracket]}" if bracket is not False else "",
                        "currency_id": table["currency_id"],
                        "amount": item["amount"],
                        "excluded": item["excluded"],
                    }
                )
        return values

    def action_detail(self):
        """Every line behind the figures, grouped by side and bracket."""
        self.ensure_one()
        check_accounting_reader(self.env)
        if not self.line_ids:
            self.action_open()
        return {
            "type": "ir.actions.act_window",
            "name": _("Payment Terms Table: Detail"),
            "res_model": "relance.payment.terms.line",
            "view_mode": "list,pivot",
            "domain": [("report_id", "=", self.id)],
            "context": {"search_default_group_side": 1, "search_default_group_bracket": 1},
        }

    def action_pdf(self):
        self.ensure_one()
        check_accounting_reader(self.env)
        # The report prints in the language of _report_lang() (t-lang).
        return self.env.ref("relance_avancee_reports.action_report_payment_terms").report_action(
            self
        )

    def action_xlsx(self):
        self.ensure_one()
        check_accounting_reader(self.env)
        filename = _("Payment terms table %s.xlsx", self.date)
        return xlsx_download(self, filename, self._xlsx_content())

    def _xlsx_content(self):
        """The table as in the model: row labels in column A, six columns per side."""
        values = self.with_context(lang=self._report_lang())._report_values()
        output = io.BytesIO()
        book = xlsxwriter.Workbook(
            output, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False}
        )
        sheet = book.add_worksheet("D441-6")
        bold = book.add_format({"bold": True, "text_wrap": True, "valign": "top"})
        header = book.add_format(
            {"bold": True, "text_wrap": True, "align": "center", "valign": "vcenter", "border": 1}
        )
        text = book.add_format({"text_wrap": True, "valign": "top", "border": 1})
        formats = {
            "count": book.add_format({"num_format": "0", "border": 1}),
            "amount": book.add_format({"num_format": "#,##0.00", "border": 1}),
            "percent": book.add_format({"num_format": "0.00", "border": 1}),
            "text": text,
        }
        blank = book.add_format({"border": 1, "bg_color": "#D9D9D9"})
        width = len(values["columns"])
        sheet.write(0, 0, values["title"], bold)
        sheet.write(1, 0, neutralise_cell(values["subtitle"]))
        row = 3
        sheet.write(row, 0, "", header)
        for index, label in enumerate(values["headers"]):
            sheet.merge_range(row, 1 + index * width, row, (index + 1) * width, label, header)
        row += 1
        sheet.write(row, 0, "", header)
        for index in range(len(values["headers"])):
            for column, label in enumerate(values["columns"]):
                sheet.write(row, 1 + index * width + column, label, header)
        for section in values["sections"]:
            row += 1
            sheet.merge_range(row, 0, row, 2 * width, section["title"], bold)
            for line in section["rows"]:
                row += 1
                sheet.write(row, 0, line["label"], text)
                fmt = formats[line["kind"]]
                if "cells" in line:
                    for column, cell in enumerate(line["cells"]):
                        if cell is None:
                            sheet.write_blank(row, 1 + column, None, blank)
                        else:
                            sheet.write(row, 1 + column, cell, fmt)
                    continue
                for index, cell in enumerate(line["merged"]):
                    if isinstance(cell, list):
                        cell = neutralise_cell("\n".join(cell))
                    first = 1 + index * width
                    sheet.merge_range(row, first, row, first + width - 1, cell, fmt)
        row += 2
        for note in values["notes"]:
            sheet.write(row, 0, note)
            row += 1
        sheet.set_column(0, 0, 45)
        sheet.set_column(1, 2 * width, 13)
        book.close()
        return output.getvalue()
