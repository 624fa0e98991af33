# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from markupsafe import Markup

from odoo import _, fields, models
from odoo.exceptions import UserError

from ..access import check_collector, check_customer_contact

# What a contact of a customer is for its dunning: the one list of them.
CONTACT_ROLES = [
    ("payable", "Accounts Payable"),
    ("copy", "In Copy"),
]


class ResPartner(models.Model):
    """Who receives a customer's reminders and who collects from it."""

    _inherit = "res.partner"

    relance_contact_role = fields.Selection(
        CONTACT_ROLES,
        string="Dunning Role",
        copy=False,
        help="Accounts Payable: this contact receives the customer's reminders (unless the "
        "invoice was addressed to another contact person). In Copy: this contact gets a "
        "copy of every reminder email. Empty: no role.",
    )

    def _relance_reminder_recipients(self, invoices=None):
        """(to, cc) of a reminder of this customer about ``invoices``: the one rule.

        Each invoice goes, in this order of precedence, to:
        1. the contact person it was addressed to (``account.move.partner_id`` is a
           contact of the customer, with an email);
        2. else the customer's accounts payable contacts (all of them);
        3. else its invoicing address;
        4. else the customer itself.
        A reminder about several invoices goes to everyone its invoices go to (several
        invoices addressed to different people: all of them receive it). In copy: the
        "In Copy" contacts, and the accounts payable contacts when an invoice's own
        contact took precedence (they pay it). Only partners with an email; a contact
        whose address is to be checked after a bounce is skipped; none at all while the
        customer's own address is to be checked (letters and calls only).
        """
        self.ensure_one()
        empty = self.browse()
        if self.relance_email_to_check:
            return empty, empty
        contacts = self.child_ids
        payable = contacts.filtered(lambda c: c.relance_contact_role == "payable")
        payable = payable.filtered(self._relance_emailable)
        default = payable
        if not default:
            invoice_address = self.browse(self.address_get(["invoice"])["invoice"])
            default = (invoice_address | self).filtered(self._relance_emailable)[:1]
        to = empty
        for invoice in invoices or [None]:
            addressee = invoice.partner_id if invoice else empty
            own = addressee != self and addressee.commercial_partner_id == self
            to |= addressee if own and self._relance_emailable(addressee) else default
        copies = contacts.filtered(lambda c: c.relance_contact_role == "copy") | payable
        cc = copies.filtered(self._relance_emailable) - to
        return to, cc

    def _relance_emailable(self, partner):
        return bool(partner.email) and not partner.relance_email_to_check

    def _relance_invoice_recipient(self, invoices=None):
        """Who receives the customer's emails about ``invoices`` (reminders, call
        confirmations, duplicates): the recipients of
        ``_relance_reminder_recipients``, one or several; none without an email, nor
        while the customer's address is to be checked after a bounce (a formal notice
        then goes by registered letter only, a call is confirmed by letter)."""
        return self._relance_reminder_recipients(invoices)[0]

    def _relance_letter_address(self):
        """Whose postal address a letter of this customer carries: its first accounts
        payable contact with an address of its own, else the customer."""
        self.ensure_one()
        payable = self.child_ids.filtered(
            lambda c: c.relance_contact_role == "payable" and (c.street or c.city or c.zip)
        )
        return payable[:1] or self

    def action_relance_mark_right_contact(self):
        """Call screen: "This is the right contact". The contact becomes an accounts
        payable contact of the customer being called (``relance_customer_id`` in the
        context): the next reminders go to it. Other accounts payable contacts keep
        their role (a customer may have several); the chatter says who marked whom."""
        self.ensure_one()
        check_collector(self.env)  # before anything else tells the caller how it is used
        customer_id = self.env.context.get("relance_customer_id")
        if not isinstance(customer_id, int):
            raise UserError(_("Mark the right contact from the call screen of its customer."))
        customer = self.browse(customer_id).exists()
        check_customer_contact(self.env, customer, self)
        if self.relance_contact_role != "payable":
            self.relance_contact_role = "payable"
            customer.message_post(
                body=Markup("<p>%s</p>")
                % _(
                    "%(contact)s marked as the accounts payable contact (reminders go to "
                    "this contact) by %(user)s.",
                    contact=self.name,
                    user=self.env.user.name,
                ),
                subtype_xmlid="mail.mt_note",
            )
        return True

    def _relance_lead_recipient(self):
        """Who receives a commercial lead a collector heard about this customer: its
        salesperson, else the salesperson of its latest quotation or order, else that
        order's sales team leader, else whoever notes it (Odoo Community knows no
        manager of a user: the collector passes it on)."""
        self.ensure_one()
        order = (
            self.env["sale.order"]
            .sudo()
            .search(
                [("partner_id", "child_of", self.id), ("company_id", "=", self.env.company.id)],
                order="date_order desc, id desc",
                limit=1,
            )
        )
        for user in (self.user_id, order.user_id, order.team_id.user_id):
            if user.active and not user.share:
                return user.with_env(self.env)
        return self.env.user

    def _relance_collector(self):
        """The customer's collector, else its salesperson, else whoever runs the action."""
        return self.relance_collector_id or self.user_id or self.env.user
