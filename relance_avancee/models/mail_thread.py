# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, models
from odoo.tools import html2plaintext


class MailThread(models.AbstractModel):
    """Bounces received by Odoo's mail gateway reach the dunning actions they concern."""

    _inherit = "mail.thread"

    @api.model
    def _routing_handle_bounce(self, email_message, message_dict):
        """Odoo counts the bounce on the partners and marks the notification bounced;
        a reminder's action is marked not delivered and its customer's address is to
        be checked. The message that bounced is only known here (Odoo's public hook,
        ``_message_receive_bounce``, gets the address, not the message)."""
        result = super()._routing_handle_bounce(email_message, message_dict)
        message = message_dict.get("bounced_message")
        email = message_dict.get("bounced_email")
        if message and email:
            self.env["relance.history"]._relance_receive_bounce(
                message, email, html2plaintext(message_dict.get("body") or "")
            )
        return result
