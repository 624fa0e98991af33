# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import logging
from datetime import timedelta

from odoo import _, api, fields, models, tools

_logger = logging.getLogger(__name__)

REMINDER_REPORT = "relance_avancee.action_report_relance_reminder"

# A queued email waits this long for its document at most, then leaves without it.
HOLD_DELAY = timedelta(days=1)


class RelanceDocuments(models.AbstractModel):
    """Reminder letters and formal notices as PDF, rendered in batches.

    Rendering is the slow part of a run (wkhtmltopdf): the run first queues its
    emails held back, then renders the documents of many customers per
    wkhtmltopdf call, attaches each one and releases its email.
    """

    _name = "relance.documents"
    _description = "Dunning Documents"

    @api.model
    def _render_pending(self, entries):
        """Render, attach and release the documents of ``entries`` that wait for one."""
        pending = entries.filtered(lambda e: e.document_state == "pending")
        if not pending:
            return pending
        try:
            with self.env.cr.savepoint():
                self._attach(pending, self._render(pending))
        except Exception:  # noqa: BLE001 - the batch failed: one by one, failing alone
            _logger.info("Batch rendering of %s documents failed: one by one", len(pending))
            self.env.invalidate_all()
            for entry in pending:
                self._render_alone(entry)
        return pending

    def _render_alone(self, entry):
        try:
            with self.env.cr.savepoint():
                self._attach(entry, self._render(entry))
        except Exception as error:  # noqa: BLE001 - traced on the entry and the customer
            self.env.invalidate_all()
            entry.write({"document_state": "failed", "error": str(error)})
            self._without_document(entry)

    def _attach(self, entries, rendered):
        contents, mimetype = rendered
        attachments = self.env["ir.attachment"].create(
            [
                {
                    "name": self._document_name(entry, mimetype),
                    "raw": contents[entry.id],
                    "res_model": "relance.history",
                    "res_id": entry.id,
                    "mimetype": mimetype,
                    "company_id": entry.company_id.id,
                }
                for entry in entries
            ]
        )
        for entry, attachment in zip(entries, attachments, strict=True):
            entry.write({"attachment_id": attachment.id, "document_state": "done"})
            if entry.message_id:
                entry.message_id.sudo().attachment_ids = [fields.Command.link(attachment.id)]
                self._release(entry.message_id)

    @api.model
    def _attach_invoice_pdfs(self, entries):
        """Each entry's email carries the PDF of each invoice it lists: the one Odoo
        keeps for the invoice, rendered (in one batch) for those that have none."""
        if not entries:
            return
        pdfs = self._invoice_pdfs(entries.move_ids)
        for entry in entries.filtered("message_id"):
            attachments = [pdfs[move.id] for move in entry.move_ids if move.id in pdfs]
            entry.message_id.sudo().attachment_ids = [
                fields.Command.link(attachment) for attachment in attachments
            ]

    @api.model
    def _invoice_pdfs(self, moves):
        """{invoice id: its PDF attachment id}; the missing ones rendered once, kept as
        the invoice's PDF (``invoice_pdf_report_file``) as Odoo does when it sends one."""
        moves = moves.sudo().filtered(lambda m: m.is_invoice(include_receipts=True))
        pdfs = {move.id: move.invoice_pdf_report_id.id for move in moves}
        missing = moves.filtered(lambda m: not pdfs[m.id])
        if missing:
            sender = self.env["account.move.send"].sudo()
            by_report = {
                move: {"pdf_report": sender._get_default_pdf_report_id(move)} for move in missing
            }
            for company in missing.company_id:
                data = {move: d for move, d in by_report.items() if move.company_id == company}
                sender.with_company(company)._prepare_invoice_pdf_report(data)
            attachments = (
                self.env["ir.attachment"]
                .sudo()
                .create([data["pdf_attachment_values"] for data in by_report.values()])
            )
            for move, attachment in zip(by_report, attachments, strict=True):
                pdfs[move.id] = attachment.id
                if not move.message_main_attachment_id:
                    move.message_main_attachment_id = attachment
            missing.invalidate_recordset(["invoice_pdf_report_id", "invoice_pdf_report_file"])
        return pdfs

    def _without_document(self, entry):
        """The document could not be rendered. A reminder email still leaves (it lists
        the invoices), saying nothing of an attachment; a formal notice, whose email
        says the notice is attached, is held back. Either way the customer's chatter
        says what happened, for the collector to act."""
        mails = entry.message_id.sudo().mail_ids.filtered(lambda m: m.state == "outgoing")
        if entry.channel == "formal_notice":
            mails.write({"state": "cancel"})
            note = _(
                "The formal notice of %(date)s could not be rendered (%(error)s): its email "
                "was not sent. Fix the cause, then send the notice again.",
                date=entry.date,
                error=entry.error,
            )
        else:
            mails.write({"scheduled_date": False})
            note = _(
                "The reminder letter of %(date)s could not be rendered (%(error)s): the "
                "email left without it.",
                date=entry.date,
                error=entry.error,
            )
        entry.partner_id.sudo().message_post(body=note, subtype_xmlid="mail.mt_note")

    def _release(self, message):
        message.sudo().mail_ids.filtered(lambda m: m.state == "outgoing").write(
            {"scheduled_date": False}
        )

    @api.model
    def _render(self, entries):
        """({entry id: bytes}, mimetype): one wkhtmltopdf call, split per entry.

        Like Odoo's own reports, tests get HTML unless they force the PDF rendering.
        """
        report = self.env.ref(REMINDER_REPORT)
        reports = self.env["ir.actions.report"]
        entries._relance_prefetch_amounts()
        if tools.config["test_enable"] and not self.env.context.get("force_report_rendering"):
            return {
                entry.id: reports._render_qweb_html(report, entry.ids)[0] for entry in entries
            }, "text/html"
        streams = reports.with_context(relance_light_html=True)._render_qweb_pdf_prepare_streams(
            report, {}, res_ids=entries.ids
        )
        contents = {
            res_id: stream["stream"].getvalue()
            for res_id, stream in streams.items()
            if res_id and stream.get("stream")
        }
        missing = [entry.id for entry in entries if entry.id not in contents]
        if missing:
            raise ValueError(_("The documents of actions %s could not be split.", missing))
        return contents, "application/pdf"

    @api.model
    def _document_name(self, entry, mimetype):
        if entry.call_id:
            kind = _("Call confirmation")
        elif entry.channel == "formal_notice":
            kind = _("Formal notice")
        else:
            kind = _("Reminder")
        extension = "pdf" if mimetype == "application/pdf" else "html"
        return f"{kind} - {entry.partner_id.name} - {entry.date}.{extension}"
