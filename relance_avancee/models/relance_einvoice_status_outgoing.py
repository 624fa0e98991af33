# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import base64
import uuid

from odoo import _, api, fields, models
from odoo.exceptions import UserError

from ..einvoice_cdar_export import build_cdar


class RelanceEinvoiceStatus(models.Model):
    """The seller's own statuses: "Cashed" (212) for each payment of an invoice with VAT
    on payments, queued when the payment is reconciled and exported for the platform."""

    _inherit = "relance.einvoice.status"

    @api.model
    def _relance_queue_cashed(self, partials):
        """One queued Cashed status per reconciliation of a payment with a customer
        invoice bearing VAT on payments (idempotent: never twice for a reconciliation)."""
        queued = self.sudo().search([("partial_id", "in", partials.ids)]).partial_id
        values = []
        for partial in partials - queued:
            found = self._relance_cashed_values(partial)
            if found:
                values.append(found)
        return self.sudo().create(values) if values else self.browse()

    @api.model
    def _relance_cashed_values(self, partial):
        """Values of the Cashed status a reconciliation reports, or None: only a payment
        (or a bank statement line) cashing a customer invoice with VAT on payments."""
        for invoice_line, counterpart, amount in (
            (partial.debit_move_id, partial.credit_move_id, partial.debit_amount_currency),
            (partial.credit_move_id, partial.debit_move_id, partial.credit_amount_currency),
        ):
            invoice = invoice_line.move_id
            cash = counterpart.move_id
            if (
                invoice.move_type == "out_invoice"
                and invoice_line.account_id.account_type == "asset_receivable"
                and (cash.origin_payment_id or cash.statement_line_id)
                and invoice._relance_vat_on_payment()
            ):
                reference = cash.origin_payment_id.name or cash.name
                return {
                    "move_id": invoice.id,
                    "status": "cashed",
                    "direction": "outgoing",
                    "state": "queued",
                    "source": "engine",
                    "date": fields.Datetime.now(),
                    "payment_date": cash.date,
                    "amount": invoice.currency_id.round(amount),
                    "partial_id": partial.id,
                    "payment_reference": reference,
                }
        return None

    @api.model
    def _relance_unqueue_cashed(self, partials):
        """A reconciliation undone: its Cashed status not sent yet is dropped; one
        already sent is flagged (the platform must be told) and noted on the invoice."""
        statuses = self.sudo().search([("partial_id", "in", partials.ids)])
        queued = statuses.filtered(lambda s: s.state == "queued")
        sent = statuses - queued
        queued.unlink()
        for status in sent:
            status.payment_unreconciled = True
            status.move_id.message_post(
                body=_(
                    "Payment %(payment)s of %(amount)s was unreconciled after its Cashed "
                    "status was sent to the e-invoicing platform on %(date)s: tell the "
                    "platform.",
                    payment=status.payment_reference or "-",
                    amount=status.currency_id.format(status.amount),
                    date=status.sent_date,
                ),
                subtype_xmlid="mail.mt_note",
            )

    def _relance_export_cdar(self):
        """The CDAR message of these queued Cashed statuses, as an attachment readable by
        the one who exported it; the statuses are marked sent. Called as the engine once
        the caller's right to export was checked."""
        statuses = self.filtered(lambda s: s.direction == "outgoing" and s.state == "queued")
        if not statuses:
            raise UserError(_("There is no Cashed status waiting to be sent."))
        company = statuses.company_id
        if len(company) != 1:
            raise UserError(_("Export the statuses of one company at a time."))
        siret = company.siret if "siret" in company._fields else ""
        siren = (company.company_registry or siret or "").replace(" ", "")[:9]
        if not siren:
            raise UserError(
                _(
                    "Enter the company registry (SIREN) of %s: the platform identifies the "
                    "seller by it.",
                    company.name,
                )
            )
        now = fields.Datetime.now()
        message_id = f"CDV-{now:%Y%m%d%H%M%S}-212-{uuid.uuid4().hex[:8]}"
        try:
            content = build_cdar(message_id, now, siren, statuses._relance_cdar_values())
        except ValueError as error:
            raise UserError(_("The lifecycle message cannot be built: %s", error)) from None
        attachment = self.env["ir.attachment"].create(
            {
                "name": f"{message_id}.xml",
                "datas": base64.b64encode(content),
                "mimetype": "application/xml",
            }
        )
        for index, status in enumerate(statuses.sorted(lambda s: (s.move_id.id, s.id)), 1):
            status.write(
                {
                    "state": "sent",
                    "sent_date": now,
                    "platform_message_id": f"{message_id}#{index}",
                    "export_attachment_id": attachment.id,
                }
            )
        return attachment

    def _relance_cdar_values(self):
        return [
            {
                "status": status.status,
                "date": status.date,
                "invoice_number": status.move_id.name,
                "invoice_date": status.move_id.invoice_date,
                "buyer_siren": (status.partner_id.company_registry or "")[:9],
                "amount": status.amount,
                "currency": status.currency_id.name,
                "payment_date": status.payment_date,
            }
            for status in self.sorted(lambda s: (s.move_id.id, s.payment_date, s.id))
        ]
