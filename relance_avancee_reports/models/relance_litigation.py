# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import io
import zipfile

from markupsafe import Markup

from odoo import _, fields, models
from odoo.tools import html2plaintext

from ..export_safety import SafeCsvWriter, safe_member_name

INTEREST_BASIS = {
    "professional": "L441-10",
    "public": "R2192-31",
    "individual": "Code civil 1231-6",
}
INDEMNITY_BASIS = {"professional": "D441-5", "public": "L2192-13"}


class RelanceLitigation(models.Model):
    _inherit = "relance.litigation"

    def action_export_file(self):
        """One ZIP for the lawyer or the court, attached to the file."""
        self.ensure_one()
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for name, content in self._export_members():
                archive.writestr(name, content)
        attachment = self.env["ir.attachment"].create(
            {
                "name": f"{self.name.replace('/', '-')}.zip",
                "raw": buffer.getvalue(),
                "res_model": self._name,
                "res_id": self.id,
                "mimetype": "application/zip",
            }
        )
        self.export_attachment_id = attachment
        self.message_post(
            body=Markup("<p>%s</p>") % _("Litigation file exported."),
            attachment_ids=attachment.ids,
        )
        return attachment

    def _export_members(self):
        reports = self.env["ir.actions.report"]
        declaration = self._claim_declaration()
        yield "00_summary.txt", self._summary_text(declaration)
        statement = self.env["relance.aged.balance.report"].create(
            {
                "date": fields.Date.context_today(self),
                "company_ids": [fields.Command.set(self.company_id.ids)],
                "partner_ids": [fields.Command.set(self.partner_id.ids)],
            }
        )
        content, _type = reports._render_qweb_pdf(
            "relance_avancee_reports.action_report_aged_balance", statement.ids
        )
        yield "01_statement_of_account.pdf", content
        used = set()
        for invoice in self.move_ids:
            content, _type = reports._render_qweb_pdf("account.account_invoices", invoice.ids)
            yield f"02_invoices/{safe_member_name(invoice.name, used, 'invoice')}.pdf", content
        notice = self._formal_notice()
        if notice.attachment_id:
            yield "03_formal_notice.pdf", notice.attachment_id.raw
        yield "04_reminders_and_calls.csv", self._history_csv()
        yield "05_penalty_computation.csv", self._penalty_csv()
        if declaration is not None:
            yield "06_claim_declaration.csv", self._claim_declaration_csv(declaration)
        if self.einvoice_status_ids:
            yield "07_einvoice_lifecycle.csv", self._einvoice_csv()

    def _claim_declaration(self):
        """The claim to declare when the customer is in insolvency proceedings (the same
        figures as the claim-declaration task, for the file's company), else None."""
        customer = self.partner_id.commercial_partner_id
        if not customer.relance_insolvency_date:
            return None
        return customer._relance_claim_declaration(company=self.company_id)

    def _claim_declaration_csv(self, declaration):
        """One row per invoice as of the judgment, then the total in company currency."""
        output = io.StringIO()
        writer = SafeCsvWriter(output)
        code = self.currency_id.name
        writer.writerow(
            [
                "invoice",
                "invoice_date",
                "due_date",
                "currency",
                "principal",
                "interest",
                "indemnity",
                "total",
                f"total_{code}",
            ]
        )
        for line in declaration:
            invoice = line["move"]
            writer.writerow(
                [
                    invoice.name,
                    invoice.invoice_date,
                    invoice.invoice_date_due,
                    line["currency"].name,
                    f"{line['principal']:.2f}",
                    f"{line['interest']:.2f}",
                    f"{line['indemnity']:.2f}",
                    f"{line['total']:.2f}",
                    f"{line['total_company']:.2f}",
                ]
            )
        totals = self._claim_declaration_totals(declaration)
        writer.writerow(
            [
                "total",
                "",
                "",
                code,
                f"{totals['principal']:.2f}",
                f"{totals['interest']:.2f}",
                f"{totals['indemnity']:.2f}",
                f"{totals['total']:.2f}",
                f"{totals['total']:.2f}",
            ]
        )
        return output.getvalue()

    def _claim_declaration_totals(self, declaration):
        """Principal, interest, indemnity and total in the company's currency, converted
        at the judgment date's rate (Code de commerce L622-25)."""
        day = self.partner_id.commercial_partner_id.relance_insolvency_date
        totals = dict.fromkeys(("principal", "interest", "indemnity"), 0.0)
        for line in declaration:
            for key in totals:
                totals[key] += line["currency"]._convert(
                    line[key], self.currency_id, self.company_id, day
                )
        totals["total"] = sum(line["total_company"] for line in declaration)
        return totals

    def _history_domain(self):
        """The customer's dunning actions in the file's company only."""
        return [("partner_id", "=", self.partner_id.id), ("company_id", "=", self.company_id.id)]

    def _formal_notice(self):
        return self.env["relance.history"].search(
            [
                *self._history_domain(),
                ("channel", "=", "formal_notice"),
                ("state", "=", "done"),
            ],
            order="date desc",
            limit=1,
        )

    def _history_csv(self):
        entries = self.env["relance.history"].search(
            [*self._history_domain(), ("state", "in", ("done", "failed"))],
            order="date, id",
        )
        output = io.StringIO()
        writer = SafeCsvWriter(output)
        writer.writerow(
            [
                "date",
                "channel",
                "level",
                "invoices",
                "amount_due",
                "outcome",
                "written_confirmation",
                "note",
            ]
        )
        for entry in entries:
            message = entry.message_id
            confirmation = (
                f"{message.subject or ''} ({fields.Date.to_date(message.date)})" if message else ""
            )
            writer.writerow(
                [
                    entry.date,
                    entry.channel,
                    entry.level_id.name or "",
                    " ".join(entry.move_ids.mapped("name")),
                    f"{entry.amount_due:.2f}",
                    entry.outcome or "",
                    confirmation,
                    html2plaintext(entry.note or "").strip(),
                ]
            )
        return output.getvalue()

    def _einvoice_csv(self):
        """The lifecycle of the file's invoices on the e-invoicing platform, by date:
        proof of delivery (made available) and of the absence of refusal."""
        output = io.StringIO()
        writer = SafeCsvWriter(output)
        writer.writerow(
            [
                "invoice",
                "date",
                "code",
                "status",
                "direction",
                "reason_code",
                "reason",
                "amount",
                "currency",
                "platform_message_id",
            ]
        )
        for status in self.einvoice_status_ids:
            writer.writerow(
                [
                    status.move_id.name,
                    status.date,
                    status.status_code or "",
                    status.status,
                    status.direction,
                    status.reason_code or "",
                    status.reason_text or "",
                    f"{status.amount:.2f}" if status.amount else "",
                    status.currency_id.name if status.amount else "",
                    status.platform_message_id or "",
                ]
            )
        return output.getvalue()

    def _penalty_csv(self):
        output = io.StringIO()
        writer = SafeCsvWriter(output)
        writer.writerow(
            [
                "invoice",
                "due_date",
                "from",
                "to",
                "days",
                "base",
                "rate_percent",
                "interest",
                "legal_basis",
            ]
        )
        date = self.amounts_date or self.date_open
        allocation = self.move_ids._relance_settlement_allocation()
        for invoice in self.move_ids:
            kind = invoice._relance_debtor_kind()
            penalty = invoice._relance_compute_penalty(date, allocation=allocation)
            for period in penalty["periods"]:
                writer.writerow(
                    [
                        invoice.name,
                        invoice.invoice_date_due,
                        period["date_from"],
                        period["date_to"],
                        period["days"],
                        f"{period['base']:.2f}",
                        f"{period['rate']:.2f}",
                        f"{period['interest']:.2f}",
                        INTEREST_BASIS[kind],
                    ]
                )
            if kind == "individual":
                continue  # no fixed recovery indemnity for consumers
            writer.writerow(
                [
                    invoice.name,
                    invoice.invoice_date_due,
                    "",
                    "",
                    "",
                    "",
                    "",
                    f"{penalty['indemnity']:.2f}",
                    f"{INDEMNITY_BASIS[kind]} indemnity",
                ]
            )
        return output.getvalue()

    def _summary_text(self, declaration=None):
        """What a request for an order to pay asks for, ready to copy; with the claim to
        declare when the customer is in insolvency proceedings."""
        company, debtor = self.company_id, self.partner_id
        currency = self.currency_id
        notice = self._formal_notice()
        lines = [
            _("Litigation file %s - summary for a request for an order to pay", self.name),
            "",
            _("Creditor: %s", company.name),
            _("Address: %s", company.partner_id._display_address(without_company=True)),
            _("SIREN/SIRET: %s", company.company_registry or "-"),
            _("VAT number: %s", company.vat or "-"),
            "",
            _("Debtor: %s", debtor.name),
            _("Address: %s", debtor._display_address(without_company=True)),
            _("SIREN/SIRET: %s", debtor.company_registry or "-"),
            _("VAT number: %s", debtor.vat or "-"),
            "",
            _("Invoices:"),
        ]
        lines += [
            self.env._(
                "- %(name)s of %(date)s, due %(due)s: %(total)s (residual %(residual)s)",
                name=inv.name,
                date=inv.invoice_date,
                due=inv.invoice_date_due,
                total=inv.currency_id.format(inv.amount_total),
                residual=inv.currency_id.format(inv.amount_residual),
            )
            for inv in self.move_ids
        ]
        lines += [
            "",
            _("Principal: %s", currency.format(self.amount_principal)),
            _("Late-payment interest: %s", currency.format(self.amount_interest)),
            _("Fixed recovery indemnity: %s", currency.format(self.amount_indemnity)),
            _("Total claimed: %s", currency.format(self.amount_total)),
            "",
            _(
                "Formal notice: %(date)s, registered letter %(ref)s sent on %(sent)s",
                date=notice.date or "-",
                ref=self.registered_mail_ref or notice.registered_mail_ref or "-",
                sent=self.registered_mail_date or notice.registered_mail_date or "-",
            ),
            _("Amounts computed on %s", self.amounts_date or self.date_open),
            "",
            _("Legal basis:"),
            *(f"- {text}" for text in self._legal_texts()),
        ]
        proof = self._relance_einvoice_proof_lines()
        if proof:
            title = _("E-invoicing lifecycle (approved platform):")
            lines += ["", title, *(f"- {line}" for line in proof)]
        if declaration is not None:
            lines += ["", *self._claim_declaration_text(declaration)]
        return "\n".join(str(line) for line in lines)

    def _claim_declaration_text(self, declaration):
        """The claim declaration ("déclaration de créance") section of the summary."""
        customer = self.partner_id.commercial_partner_id
        currency = self.currency_id
        kinds = dict(
            customer.fields_get(["relance_insolvency_kind"], ["selection"])[
                "relance_insolvency_kind"
            ]["selection"]
        )
        natures = dict(
            self.fields_get(["claim_nature"], ["selection"])["claim_nature"]["selection"]
        )
        if customer.relance_insolvency_claim_deadline:
            deadline = _(
                "Declare the claim by: %s (two months from the BODACC publication, Code de "
                "commerce R622-24)",
                customer.relance_insolvency_claim_deadline,
            )
        else:
            deadline = _(
                "Declare the claim by: unknown, the BODACC publication date is not recorded "
                "(two months from the publication, Code de commerce R622-24)"
            )
        lines = [
            _("Claim declaration (insolvency proceedings)"),
            _(
                "Proceedings: %(kind)s, judgment of %(date)s, %(court)s",
                kind=kinds.get(customer.relance_insolvency_kind) or "-",
                date=customer.relance_insolvency_date,
                court=customer.relance_insolvency_court or "-",
            ),
            _(
                "Creditors' representative (mandataire judiciaire or liquidator): %s",
                customer.relance_insolvency_administrator_id.display_name or "-",
            ),
            _("BODACC publication: %s", customer.relance_insolvency_publication_date or "-"),
            deadline,
            _("Claim: %s", natures[self.claim_nature]),
            _(
                "Amounts as of the judgment: interest stops running on the judgment (Code de "
                "commerce L622-28), other currencies converted at that date (L622-25)."
            ),
        ]
        lines += [
            self.env._(
                "- %(name)s of %(date)s, due %(due)s: principal %(principal)s, interest "
                "%(interest)s, indemnity %(indemnity)s, total %(total)s",
                name=line["move"].name,
                date=line["move"].invoice_date,
                due=line["move"].invoice_date_due,
                principal=line["currency"].format(line["principal"]),
                interest=line["currency"].format(line["interest"]),
                indemnity=line["currency"].format(line["indemnity"]),
                total=line["currency"].format(line["total"]),
            )
            for line in declaration
        ]
        totals = self._claim_declaration_totals(declaration)
        lines += [
            _("Principal declared: %s", currency.format(totals["principal"])),
            _("Interest declared: %s", currency.format(totals["interest"])),
            _("Recovery indemnities declared: %s", currency.format(totals["indemnity"])),
            _("Total claim declared: %s", currency.format(totals["total"])),
        ]
        return lines

    def _debtor_kind(self):
        """Which legal rule applies to the debtor: 'professional', 'public' or 'individual'."""
        return self.partner_id._relance_debtor_kind()

    def _legal_texts(self):
        """The texts the claim rests on, following the debtor's rule."""
        company = self.company_id
        indemnity = company.currency_id.format(company.relance_indemnity_amount)
        kind = self._debtor_kind()
        if kind == "public":
            public_points = f"{company.relance_public_points:g}"  # not inside _(): see below
            texts = [
                _(
                    "Code de la commande publique, articles L2192-13 and R2192-31 and "
                    "following: moratorium interest, due automatically from the day after the "
                    "due date (ECB main refinancing rate in force on the first day of the "
                    "half-year in which it began + %s points, for the whole delay).",
                    public_points,
                ),
                _(
                    "Code de la commande publique, articles L2192-13 and D2192-35: fixed "
                    "recovery indemnity of %s per late invoice.",
                    indemnity,
                ),
                _(
                    "Code de justice administrative, article R541-1: référé-provision before "
                    "the administrative court."
                ),
            ]
        elif kind == "individual":
            texts = [
                _(
                    "Code civil, articles 1231-6 and 1344: interest at the legal rate from the "
                    "formal notice."
                ),
                _("No fixed recovery indemnity is claimed from a consumer."),
                _(
                    "Code de la consommation, article L218-2: a professional's claim on a "
                    "consumer is time-barred after two years."
                ),
            ]
        else:
            texts = [
                self._interest_text(company),
                _(
                    "Code de commerce, article D441-5: fixed recovery indemnity of %s per late "
                    "invoice.",
                    indemnity,
                ),
            ]
        if kind != "public":
            texts.append(
                _("Code de procédure civile, articles 1405 and following: injonction de payer.")
            )
        return texts

    def _interest_text(self, company):
        """L441-10 as the company applies it: the statutory rate as is, or a contractual
        rate never below three times the legal interest rate."""
        if company._relance_statutory_rate():
            return _(
                "Code de commerce, article L441-10: late-payment interest, due from the day "
                "after the due date without any reminder, at the statutory rate (ECB main "
                "refinancing rate of each half-year + 10 points)."
            )
        if company.relance_penalty_mode == "fixed":
            # No f-string inside _(): the catalog extraction (babel) evaluates it and fails.
            fixed = f"{company.relance_fixed_rate:g}"
            rate = _("%s %% per year", fixed)
        else:
            points = f"{company.relance_penalty_points:g}"
            rate = _("ECB main refinancing rate of each half-year + %s points", points)
        return _(
            "Code de commerce, article L441-10: late-payment interest, due from the day after "
            "the due date without any reminder, at the contractual rate (%s), never below "
            "three times the legal interest rate.",
            rate,
        )
