# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta

from odoo import _, api, fields, models
from odoo.tools.misc import format_date

# What became of a copy sent to a customer who said it had not received an invoice.
RECEIPT_STATES = [
    ("requested", "Asked"),
    ("confirmed", "Confirmed"),
    ("unconfirmed", "Not confirmed"),
]
# Days a customer has to confirm receipt of a copy (company setting's default).
RECEIPT_DAYS = 7


class AccountMove(models.Model):
    """A copy sent after "invoice not received" asks the customer to confirm receipt on
    the portal (the preventive confirmation page); without an answer after the company's
    delay, the invoice is counted once as "not received, unconfirmed" and its collector
    gets an activity."""

    _inherit = "account.move"

    relance_receipt_state = fields.Selection(
        RECEIPT_STATES,
        string="Receipt",
        copy=False,
        readonly=True,
        index="btree_not_null",
        help="A copy was sent to a customer who said it had not received this invoice: "
        "did the customer confirm receipt on the portal?",
    )
    relance_receipt_asked_date = fields.Date(string="Receipt Asked On", copy=False, readonly=True)
    relance_receipt_confirmed_date = fields.Date(
        string="Receipt Confirmed On", copy=False, readonly=True
    )
    relance_receipt_unconfirmed_date = fields.Date(
        string="Receipt Not Confirmed On",
        copy=False,
        readonly=True,
        help="The customer had not confirmed receipt of the copy in time: counted once as "
        '"not received, unconfirmed" in the analysis of why customers pay late.',
    )

    def _relance_ask_receipt(self, body):
        """Copies of these invoices were sent with ``body``: those whose link to confirm
        receipt it carries wait for the customer's answer (a template customised, or
        kept from before the link, asks nothing). Returns the invoices asked."""
        text = str(body or "")
        asked = self.filtered(lambda m: m._relance_link_in(text))
        asked.sudo().write(
            {
                "relance_receipt_state": "requested",
                "relance_receipt_asked_date": fields.Date.context_today(self),
                "relance_receipt_confirmed_date": False,
            }
        )
        return asked

    def _relance_link_in(self, text):
        """Whether ``text`` carries this invoice's link to its portal confirmation page."""
        self.ensure_one()
        url = self._relance_confirmation_url()
        return bool(url) and url in text

    def _relance_receipt_pending(self):
        """Whether the customer is asked to confirm receipt of this invoice (and has not)."""
        self.ensure_one()
        return self.sudo().relance_receipt_state in ("requested", "unconfirmed")

    def _relance_portal_confirm_receipt(self):
        """The customer confirmed on the portal that it received this invoice: traced on
        the invoice and the customer. A late answer keeps the invoice counted as not
        confirmed in time."""
        self.ensure_one()
        move = self.sudo()
        if not move._relance_receipt_pending():
            return False
        partner = move.commercial_partner_id
        move.write(
            {
                "relance_receipt_state": "confirmed",
                "relance_receipt_confirmed_date": fields.Date.context_today(move),
            }
        )
        text = _("The customer confirmed on the portal that it received invoice %s.", move.name)
        move.message_post(body=text, author_id=partner.id, subtype_xmlid="mail.mt_note")
        partner.message_post(body=text, author_id=partner.id, subtype_xmlid="mail.mt_note")
        return True

    @api.model
    def _cron_relance_unconfirmed_receipts(self):
        """Daily: in every company, the copies whose receipt is not confirmed in time."""
        moves = self.sudo()  # the scheduler acts for every company
        for company in moves.env["res.company"].search([]):
            company_moves = moves.with_company(company)
            company_moves._relance_flag_unconfirmed_receipts(
                company, fields.Date.context_today(company_moves)
            )

    @api.model
    def _relance_flag_unconfirmed_receipts(self, company, day):
        """Copies asked to be confirmed more than the company's delay before ``day`` and
        still unanswered: counted once, traced on the invoice and the customer, and an
        activity for the customer's collector. A paid invoice was received."""
        delay = company.relance_receipt_days or RECEIPT_DAYS
        moves = self.sudo().search(
            [
                ("company_id", "=", company.id),
                ("relance_receipt_state", "=", "requested"),
                ("relance_receipt_asked_date", "<=", day - timedelta(days=delay)),
            ]
        )
        paid = moves.filtered(lambda m: m.payment_state not in ("not_paid", "partial"))
        paid.write({"relance_receipt_state": "confirmed", "relance_receipt_confirmed_date": day})
        unconfirmed = moves - paid
        if not unconfirmed:
            return unconfirmed
        unconfirmed.write({"relance_receipt_state": "unconfirmed"})
        unconfirmed.filtered(lambda m: not m.relance_receipt_unconfirmed_date).write(
            {"relance_receipt_unconfirmed_date": day}
        )
        for partner in unconfirmed.commercial_partner_id:
            invoices = unconfirmed.filtered(lambda m, p=partner: m.commercial_partner_id == p)
            invoices._relance_trace_unconfirmed(partner, delay, day)
        return unconfirmed

    def _relance_trace_unconfirmed(self, partner, delay, day):
        """Notes on the invoices and the customer, and a task for its collector."""
        text = _(
            "Receipt of %(invoices)s not confirmed by the customer %(days)s days after the "
            "copy was sent (asked on %(date)s): check that it reached the right person.",
            invoices=", ".join(self.mapped("name")),
            days=delay,
            date=format_date(self.env, min(self.mapped("relance_receipt_asked_date"))),
        )
        for move in self:
            move.message_post(body=text, subtype_xmlid="mail.mt_note")
        partner.message_post(body=text, subtype_xmlid="mail.mt_note")
        partner.activity_schedule(
            "mail.mail_activity_data_todo",
            date_deadline=day,
            summary=_("Invoice not received: receipt not confirmed"),
            note=text,
            user_id=partner._relance_collector().id,
        )
