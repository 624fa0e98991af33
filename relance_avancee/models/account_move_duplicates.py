# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import models


class AccountMove(models.Model):
    """Copies of invoices sent again to a customer who says it did not receive them."""

    _inherit = "account.move"

    def _relance_send_duplicates(self, recipient):
        """Email a copy of these invoices (their PDF) to ``recipient`` (one or several
        contacts) at once."""
        reports = self.env["ir.actions.report"]
        attachments = self.env["ir.attachment"]
        for invoice in self:
            content, _report_type = reports._render_qweb_pdf(
                "account.account_invoices", invoice.ids
            )
            attachments |= attachments.create(
                {
                    "name": f"{invoice._get_invoice_report_filename()}",
                    "raw": content,
                    "res_model": "account.move",
                    "res_id": invoice.id,
                    "mimetype": "application/pdf",
                }
            )
        partner = self.commercial_partner_id[:1]
        # Rendered for the (main) contact who reads it, in that contact's language.
        subject, body = self.env["mail.template"]._relance_render_in_their_language(
            "relance_avancee.mail_template_relance_duplicates",
            recipient[:1],
            add_context={"invoices": self},
        )
        message = partner.with_context(mail_notify_force_send=False).message_post(
            subject=subject,
            body=body,
            partner_ids=recipient.ids,
            attachment_ids=attachments.ids,
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
            email_layout_xmlid="mail.mail_notification_light",
        )
        # Each copy carries a link to confirm its receipt (when the portal page exists).
        self._relance_ask_receipt(body)
        return message
