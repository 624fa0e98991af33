# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import time

from odoo import _, fields, http
from odoo.exceptions import UserError
from odoo.http import request
from odoo.tools import consteq

from odoo.addons.portal.controllers.portal import CustomerPortal


class RelanceDisputePortal(CustomerPortal):
    """The customer's side: open invoices from the reminder link, and reporting a problem.

    Links carry Odoo's portal access tokens (the invoice's own, or a keyed hash of the
    customer, the company and an expiry for the statement page): nobody sees another
    customer's invoices, and nobody answers for the customer without its link.
    """

    @http.route(
        "/relance/statement/<int:partner_id>/<int:company_id>/<int:expires>/<string:token>",
        type="http",
        auth="public",
        website=True,
    )
    def relance_statement(self, partner_id, company_id, expires, token, **kw):
        partner = request.env["res.partner"].sudo().browse(partner_id).exists()
        company = request.env["res.company"].sudo().browse(company_id).exists()
        if not partner or not company:
            return request.not_found()
        if not consteq(partner._relance_statement_token(company.id, expires), token):
            return request.not_found()
        if expires < time.time():
            return self._relance_link_expired()
        invoices = (
            request.env["account.move"]
            .sudo()
            .search(
                request.env["account.move"]._relance_open_invoice_domain(partner, company),
                order="invoice_date_due",
            )
        )
        return request.render(
            "relance_avancee_disputes.portal_relance_statement",
            {"partner": partner, "invoices": invoices},
        )

    @http.route(
        "/relance/statement/<int:partner_id>/<string:token>",
        type="http",
        auth="public",
        website=True,
    )
    def relance_statement_unsigned(self, partner_id, token, **kw):
        """Links of earlier reminders had no company nor expiry: they open nothing now."""
        return self._relance_link_expired()

    def _relance_link_expired(self):
        return request.render("relance_avancee_disputes.portal_relance_link_expired", status=403)

    def _relance_portal_invoice(self, move_id, access_token):
        """The invoice behind a portal link, or None (wrong token, not a posted invoice).

        The link's token is required whoever is logged in: an employee who may read the
        invoice does not answer for the customer.
        """
        invoice = request.env["account.move"].sudo().browse(move_id).exists()
        if (
            not invoice
            or not invoice.access_token
            or not access_token
            or not consteq(invoice.access_token, access_token)
        ):
            return None
        if invoice.move_type != "out_invoice" or invoice.state != "posted":
            return None
        return invoice

    def _relance_portal_values(self, invoice, access_token):
        """What both invoice pages show: the invoice and the reasons a customer may give."""
        reasons = (
            request.env["relance.dispute.reason"].sudo().search([("portal_visible", "=", True)])
        )
        return {
            "invoice": invoice,
            "reasons": reasons,
            "access_token": access_token,
            "error": False,
        }

    def _relance_portal_report(self, invoice, values, reason_id, message):
        """Open the customer's dispute and render its receipt, or None with an error shown."""
        reason = values["reasons"].filtered(lambda r: str(r.id) == str(reason_id))
        if not reason or not (message or "").strip():
            values["error"] = _("Choose a reason and describe the problem.")
            return None
        try:
            dispute = invoice._relance_dispute_from_portal(reason, message)
        except UserError as error:
            values["error"] = error.args[0]
            return None
        return request.render(
            "relance_avancee_disputes.portal_relance_dispute_done", {"dispute": dispute}
        )

    @http.route(
        "/relance/confirm/<int:move_id>",
        type="http",
        auth="public",
        methods=["GET", "POST"],
        website=True,
    )
    def relance_confirm_invoice(
        self,
        move_id,
        access_token=None,
        answer=None,
        pay_date=None,
        reason_id=None,
        message=None,
        **kw,
    ):
        """Preventive reminder: the customer confirms the invoice (received, paid on a
        date: a promise to pay) or reports a problem (a dispute, routed like any other).
        A copy sent after "invoice not received" asks it to confirm receipt here."""
        invoice = self._relance_portal_invoice(move_id, access_token)
        if invoice is None:
            return request.not_found()
        values = {
            **self._relance_portal_values(invoice, access_token),
            "pay_date": pay_date or fields.Date.to_string(invoice.invoice_date_due),
            "today": fields.Date.to_string(fields.Date.context_today(invoice)),
            "max_date": fields.Date.to_string(invoice._relance_latest_promise_date()),
            "promise_refusal": invoice._relance_portal_promise_refusal(),
            "receipt_pending": invoice._relance_receipt_pending(),
        }
        if request.httprequest.method == "POST":
            if answer == "received":
                try:
                    day = fields.Date.to_date(pay_date)
                except ValueError:
                    day = None
                try:
                    invoice._relance_portal_confirm_received(day)
                except UserError as error:
                    values["error"] = error.args[0]
                else:
                    invoice._relance_portal_confirm_receipt()
                    return request.render(
                        "relance_avancee_disputes.portal_relance_confirm_done",
                        {"invoice": invoice, "pay_date": day},
                    )
            elif answer == "receipt":
                invoice._relance_portal_confirm_receipt()
                return request.render(
                    "relance_avancee_disputes.portal_relance_receipt_done", {"invoice": invoice}
                )
            elif answer == "problem":
                done = self._relance_portal_report(invoice, values, reason_id, message)
                if done:
                    return done
            else:
                return request.not_found()
        return request.render("relance_avancee_disputes.portal_relance_confirm", values)

    @http.route(
        "/relance/dispute/<int:move_id>",
        type="http",
        auth="public",
        methods=["GET", "POST"],
        website=True,
    )
    def relance_report_problem(
        self, move_id, access_token=None, reason_id=None, message=None, **kw
    ):
        invoice = self._relance_portal_invoice(move_id, access_token)
        if invoice is None:
            return request.not_found()
        values = self._relance_portal_values(invoice, access_token)
        if request.httprequest.method == "POST":
            done = self._relance_portal_report(invoice, values, reason_id, message)
            if done:
                return done
        return request.render("relance_avancee_disputes.portal_relance_dispute_form", values)
