# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta

from odoo import _, api, fields, models
from odoo.tools import email_normalize, email_normalize_all

# After a customer answers a reminder, the daily run leaves it alone this many days
# (the reply day included) unless a collector logs a call in the meantime.
REPLY_PAUSE_DAYS = 3


class ResPartner(models.Model):
    """Undelivered reminders and customers' replies, from Odoo's mail gateway."""

    _inherit = "res.partner"

    relance_email_to_check = fields.Boolean(
        string="Email Address To Check",
        copy=False,
        tracking=True,
        help="A reminder email came back undelivered: reminders go by letter until the "
        "address is fixed (changing an email address of the customer clears it).",
    )
    relance_replied_date = fields.Date(
        string="Replied On",
        copy=False,
        company_dependent=True,
        help="The customer answered a reminder on this day: it is on the worklist and is "
        "not reminded automatically for a few days, unless a collector logs a call.",
    )

    def write(self, vals):
        # Someone fixed an address of the customer: emails are tried again (a new
        # bounce flags it again). Saving the same address again is no fix.
        changed = self.browse()
        if "email" in vals:
            new = self._relance_email_key(vals["email"])
            changed = self.filtered(lambda p: self._relance_email_key(p.email) != new)
        result = super().write(vals)
        if changed:
            fixed = (changed | changed.commercial_partner_id).filtered("relance_email_to_check")
            fixed.sudo().write({"relance_email_to_check": False})
        return result

    @api.model
    def _relance_email_key(self, email):
        """An address as compared to tell a fix from the same address saved again."""
        return email_normalize(email or "") or (email or "").strip().lower()

    @api.private
    def message_update(self, msg_dict, update_vals=None):
        """A reply received on the customer: when it answers a reminder, the customer
        goes on today's worklist as replied (``relance.history._relance_receive_reply``)."""
        result = super().message_update(msg_dict, update_vals=update_vals)
        # Only the mail gateway, which runs it as superuser, reports a reply: no user
        # may pause a customer's reminders by calling it (not callable over RPC either).
        if not self.env.su:
            return result
        parent = self.env["mail.message"].sudo().browse(msg_dict.get("parent_id") or [])
        if parent.exists() and parent.model == self._name and parent.res_id in self.ids:
            author = self.env["res.partner"].sudo().browse(msg_dict.get("author_id") or [])
            self.env["relance.history"]._relance_receive_reply(parent, author.exists())
        return result

    def _relance_flag_email_to_check(self, email, entries):
        """A reminder to ``email`` bounced: that address is to be checked (on the
        customer or its contacts who have it; the customer when none has it any more),
        the customer's collector is asked to, its chatter says which reminders were
        lost. A flagged contact gets no more emails; a flagged customer, none at all
        (``_relance_reminder_recipients``)."""
        self.ensure_one()
        customer = self.sudo()
        normalized = email_normalize(email)
        bounced = (customer | customer.child_ids).filtered(
            lambda c: normalized and normalized in email_normalize_all(c.email)
        )
        bounced = bounced or customer
        first = not all(bounced.mapped("relance_email_to_check"))
        bounced.relance_email_to_check = True
        customer.message_post(
            body=entries._relance_bounce_note(email), subtype_xmlid="mail.mt_note"
        )
        if first:
            customer.activity_schedule(
                "mail.mail_activity_data_todo",
                summary=_("Check the email address (reminder not delivered)"),
                note=_(
                    "The reminder email to %s came back undelivered. Fix the address of the "
                    "customer or its invoicing contact: reminders go by letter until then.",
                    email or "-",
                ),
                user_id=customer._relance_collector().id,
            )

    def _relance_reply_paused_ids(self, date):
        """Ids of these customers that the daily run leaves alone on ``date``, in the
        current company: they answered a reminder less than REPLY_PAUSE_DAYS days ago
        and no collector logged a call since. They are on the worklist instead."""
        pause = timedelta(days=REPLY_PAUSE_DAYS)
        replied = self.filtered(
            lambda p: p.relance_replied_date and date - pause < p.relance_replied_date <= date
        )
        if not replied:
            return set()
        last_calls = dict(
            self.env["relance.history"]
            .sudo()
            ._read_group(
                [
                    ("partner_id", "in", replied.ids),
                    ("company_id", "=", self.env.company.id),
                    ("channel", "=", "phone"),
                    ("state", "=", "done"),
                ],
                ["partner_id"],
                ["date:max"],
            )
        )
        return {
            partner.id
            for partner in replied
            if not last_calls.get(partner) or last_calls[partner] < partner.relance_replied_date
        }
