# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta

from markupsafe import Markup

from odoo import _, fields, models
from odoo.exceptions import UserError
from odoo.tools.misc import format_date

# Context key: post invoices without the prevention checks (e.g. penalty invoices).
SKIP_CHECKS_KEY = "relance_skip_invoice_checks"
# A customer confirming an invoice on the portal may announce its payment up to this
# many days after the due date (one monthly payment run); beyond, a collector agrees
# on the date.
PORTAL_PROMISE_MAX_DAYS = 30


class AccountMove(models.Model):
    """Prevention at the source: catch what would stop the customer from paying,
    before the invoice leaves (missing purchase order reference, no invoicing email...)."""

    _inherit = "account.move"

    relance_check_warnings = fields.Text(
        string="Invoice Check Warnings",
        copy=False,
        readonly=True,
        help="What the checks found when the invoice was posted.",
    )
    relance_promise_date = fields.Date(
        string="Promised Payment Date",
        copy=False,
        readonly=True,
        help="Payment date promised for this invoice (on a call, or confirmed by the "
        "customer on the portal): the engine does not remind this invoice until then, plus "
        "the plan's grace days. The customer's other invoices keep their rhythm.",
    )

    def _relance_check_problems(self):
        """Human-readable problems of this customer invoice; extended by the disputes addon."""
        self.ensure_one()
        partner = self.commercial_partner_id
        problems = []
        if partner.relance_po_required and not (self.ref or "").strip():
            problems.append(
                _("%s pays only invoices that carry its purchase order reference.", partner.name)
            )
        if not partner._relance_invoice_recipient():
            problems.append(
                _("%s has no invoicing email address: the invoice may not reach it.", partner.name)
            )
        if partner.relance_invoice_address_confirmed:
            problems.append(
                _(
                    "Accounting confirmed that the invoicing address of %s is wrong: fix it first.",
                    partner.name,
                )
            )
        return problems

    def _relance_check_notices(self):
        """Problems reported but not confirmed (a customer on the portal may be wrong, or
        malicious): they warn, and never stop the posting."""
        self.ensure_one()
        partner = self.commercial_partner_id
        if partner.relance_invoice_address_wrong and not partner.relance_invoice_address_confirmed:
            return [
                _("The invoicing address of %s was reported wrong: check it first.", partner.name)
            ]
        return []

    def _relance_is_penalty_invoice(self):
        """Late-payment penalty invoices are ours, not the customer's order: the checks
        (purchase order reference...) do not apply to them."""
        self.ensure_one()
        product = self.company_id.relance_penalty_product_id
        lines = self.invoice_line_ids.filtered(lambda line: line.display_type == "product")
        return bool(product and lines) and all(line.product_id == product for line in lines)

    def _relance_checked_invoices(self):
        if self.env.context.get(SKIP_CHECKS_KEY):
            return self.browse()
        return self.filtered(
            lambda m: m.move_type == "out_invoice" and not m._relance_is_penalty_invoice()
        )

    def _post(self, soft=True):
        self._relance_run_checks()
        return super()._post(soft=soft)

    def _relance_run_checks(self):
        for invoice in self._relance_checked_invoices():
            problems = invoice._relance_check_problems()
            if problems and invoice.company_id.relance_invoice_check_mode == "block":
                raise UserError(
                    _(
                        "%(invoice)s cannot be posted:\n%(problems)s",
                        invoice=invoice.display_name,
                        problems="\n".join(f"- {p}" for p in problems),
                    )
                )
            problems += invoice._relance_check_notices()
            invoice.relance_check_warnings = "\n".join(problems) or False
            if problems:
                invoice.message_post(
                    body=Markup("<p>%s</p><ul>%s</ul>")
                    % (
                        _("Invoice checks found problems that may delay the payment:"),
                        Markup("").join(Markup("<li>%s</li>") % p for p in problems),
                    ),
                    subtype_xmlid="mail.mt_note",
                )

    # --- preventive confirmation by the customer ----------------------------------

    def _relance_confirmation_url(self):
        """Portal page where the customer confirms this invoice (disputes addon)."""
        return False

    def _relance_latest_promise_date(self):
        """Latest payment date a customer may announce alone on the portal."""
        self.ensure_one()
        return self.invoice_date_due + timedelta(days=PORTAL_PROMISE_MAX_DAYS)

    def _relance_portal_promise_refusal(self):
        """Why the customer may not announce a payment date for this invoice, or ''.

        Only an open invoice not yet due, and once: an overdue or paid invoice is a
        collector's matter, and a promise never pauses more than its own invoice.
        """
        self.ensure_one()
        move = self.sudo()
        if (
            move.move_type != "out_invoice"
            or move.state != "posted"
            or move.payment_state not in ("not_paid", "partial")
        ):
            return _("Invoice %s is not open any more: there is nothing to confirm.", move.name)
        if not move.invoice_date_due or move.invoice_date_due < fields.Date.context_today(move):
            return _(
                "Invoice %s is already due: please contact us to agree on a payment date.",
                move.name,
            )
        if move.relance_promise_date:
            return _(
                "Invoice %(invoice)s was already confirmed, to be paid on %(date)s.",
                invoice=move.name,
                date=format_date(
                    self.env, move.relance_promise_date, lang_code=move.partner_id.lang or None
                ),
            )
        return ""

    def _relance_portal_confirm_received(self, pay_date):
        """The customer confirmed on the portal: invoice received, paid on ``pay_date``.

        Recorded as a promise to pay for this invoice only (the engine waits for it on
        this invoice), traced in the history and on the invoice.
        """
        self.ensure_one()
        refusal = self._relance_portal_promise_refusal()
        if refusal:
            raise UserError(refusal)
        today = fields.Date.context_today(self)
        if not pay_date or pay_date < today:
            raise UserError(_("Choose a payment date from today on."))
        move = self.sudo()
        if pay_date > move._relance_latest_promise_date():
            raise UserError(
                _(
                    "The payment date cannot be more than %s days after the due date: "
                    "please contact us to agree on another date.",
                    PORTAL_PROMISE_MAX_DAYS,
                )
            )
        partner = move.commercial_partner_id
        move.relance_promise_date = pay_date
        text = _(
            "The customer confirmed on the portal that invoice %(invoice)s was received "
            "and will be paid on %(date)s.",
            invoice=move.name,
            date=format_date(self.env, pay_date, lang_code=partner.lang or None),
        )
        return move._relance_trace_confirmation(text, pay_date)

    def _relance_trace_confirmation(self, text, pay_date=None):
        """The customer confirmed this invoice (on the portal, or approved it on its
        e-invoicing platform): a done action in the history, with the promised payment
        date when it gave one, and a note on the invoice in the customer's name."""
        self.ensure_one()
        move = self.sudo()
        partner = move.commercial_partner_id
        amount = move.relance_amount_due
        entry = (
            self.env["relance.history"]
            .sudo()
            .create(
                {
                    "partner_id": partner.id,
                    "company_id": move.company_id.id,
                    "move_ids": [fields.Command.set(move.ids)],
                    "level_id": move.relance_level_id.id,
                    "channel": "email",
                    "date": fields.Date.context_today(self),
                    "state": "done",
                    "executed": True,
                    "outcome": "promise" if pay_date else False,
                    "promise_date": pay_date or False,
                    "promise_amount": amount if pay_date else 0.0,
                    "amount_due": amount,
                    "note": Markup("<p>%s</p>") % text,
                }
            )
        )
        move.message_post(body=text, author_id=partner.id, subtype_xmlid="mail.mt_note")
        return entry
