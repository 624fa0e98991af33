# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from markupsafe import Markup

from odoo import _, api, fields, models
from odoo.tools import email_normalize

# Channels whose action emails the customer (its message is the email).
EMAIL_CHANNELS = ("email", "formal_notice")


class RelanceHistory(models.Model):
    """What became of an emailed reminder: returned undelivered, or answered."""

    _inherit = "relance.history"

    email_bounced = fields.Boolean(
        string="Not Delivered",
        readonly=True,
        copy=False,
        help="The email came back undelivered (bounce received by the mail gateway): the "
        "customer's email address is to be checked, its next reminders go by letter.",
    )
    email_bounce_reason = fields.Text(string="Delivery Failure", readonly=True, copy=False)
    replied_date = fields.Datetime(
        string="Replied On",
        readonly=True,
        copy=False,
        help="The customer answered this reminder (latest reply received).",
    )

    @api.model
    def _relance_receive_bounce(self, message, email, reason=""):
        """The email of ``message`` to ``email`` came back undelivered: its actions are
        marked not delivered and the customer's email address is to be checked (the
        engine writes letters meanwhile, see ``relance.executor._fallback_to_letter``).

        :return: the actions concerned
        """
        entries = self.sudo().search(
            [("message_id", "=", message.id), ("state", "in", ("done", "planned"))]
        )
        if not entries:
            return entries
        entries.write({"email_bounced": True, "email_bounce_reason": reason or False})
        for customer in entries.partner_id:
            customer._relance_flag_email_to_check(
                email, entries.filtered(lambda e, c=customer: e.partner_id == c)
            )
        return entries

    @api.model
    def _relance_receive_reply(self, parent, author):
        """``author`` answered ``parent``: the dunning actions it carried are replied,
        their customer goes on today's worklist and is not reminded automatically for a
        few days (``res.partner._relance_reply_paused_ids``).

        :return: the actions concerned
        """
        entries = self.sudo().search(
            [("message_id", "=", parent.id), ("state", "=", "done"), ("channel", "!=", "letter")]
        )
        # A colleague answering in the chatter, or the collector replying from their
        # mailbox, is no reply of the customer's.
        if author and any(not user.share for user in author.user_ids):
            return entries.browse()
        now = fields.Datetime.now()
        entries.write({"replied_date": now})
        for entry in entries:
            customer = entry.partner_id.with_company(entry.company_id).sudo()
            customer.relance_replied_date = fields.Date.context_today(entry, now)
            customer._relance_refresh_state()
        return entries

    def _relance_bounce_note(self, email):
        """Chatter note of the customer: which reminders were not delivered."""
        return Markup("<p>%s</p><ul>%s</ul>") % (
            _(
                "A reminder email to %(email)s came back undelivered: the address is to be "
                "checked. Until then reminders go by letter (calls stay calls).",
                email=email_normalize(email) or email or "-",
            ),
            Markup("").join(
                Markup("<li>%s</li>") % entry.display_name for entry in self.sorted("date")
            ),
        )
