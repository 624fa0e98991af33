# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import models


class ResPartner(models.Model):
    """Who receives a customer's reminders and who collects from it."""

    _inherit = "res.partner"

    def _relance_invoice_recipient(self):
        """The invoicing contact with an email, else the customer itself; none without,
        nor while the address is to be checked after a bounce (a formal notice then goes
        by registered letter only, a call is confirmed by letter)."""
        if self.relance_email_to_check:
            return self.browse()
        invoice_contact = self.browse(self.address_get(["invoice"])["invoice"])
        for candidate in (invoice_contact, self):
            if candidate.email:
                return candidate
        return self.browse()

    def _relance_collector(self):
        """The customer's collector, else its salesperson, else whoever runs the action."""
        return self.relance_collector_id or self.user_id or self.env.user
