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
        if tools.config["test_enable"] and not self.env.context.get("force_report_rendering"):
            return {
                entry.id: reports._render_qweb_html(report, entry.ids)[0] for entry in entries
            }, "text/html"
        streams = reports._render_qweb_pdf_prepare_streams(report, {}, res_ids=entries.ids)
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
