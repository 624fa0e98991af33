# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from collections import defaultdict

from odoo import Command, _, api, fields, models
from odoo.exceptions import UserError

from .relance_documents import HOLD_DELAY

EMAIL_LAYOUT = "mail.mail_notification_light"


class RelanceMailer(models.AbstractModel):
    """Chatter messages and queued emails of many dunning actions at once.

    Odoo's ``message_post`` handles one message at a time (followers, author
    subscription, layout, email and notification: about 15 ms each); a run posts
    hundreds. Here each batch makes three creates (messages, emails, delivery
    notifications) while the email itself is still built by Odoo's own layout and
    mail values, message by message.

    Who is notified: only the action's recipients and copies
    (``res.partner._relance_reminder_recipients``). Internal followers of the
    customer read the reminder in the chatter rather than receiving a copy; the
    customer's collector follows the customer, so that a reply to the reminder
    reaches them.

    One recipient and no copy: Odoo's own email to a partner, as ``message_post``
    queues it. Several recipients or copies: Odoo would send each partner an email
    of their own, where nobody sees who else received it; a reminder is one email
    instead, To its recipients and Cc its copies (``email_to``/``email_cc``, as
    Odoo's mass mailing sends), with a delivery notification per partner.
    """

    _name = "relance.mailer"
    _description = "Dunning Emails"

    @api.model
    def _post_emails(self, entries, rendered):
        """Post and queue one email per entry, held until its document is attached
        when it comes with one.

        :param rendered: {entry id: {'subject', 'body_html', 'email_from'}}
        :return: {entry id: mail.message}
        """
        partners = entries.partner_id
        message_values = self._message_values(entries, rendered, partners)
        messages = self.env["mail.message"].sudo().create(list(message_values.values()))
        by_entry = dict(zip(message_values, messages, strict=True))
        self._queue(entries, by_entry, message_values)
        self._subscribe_collectors(partners)
        return by_entry

    @api.model
    def _post_notes(self, entries, bodies):
        """Internal notes on the customers' chatter (no one is notified), through Odoo's
        own batch logging (``mail.thread._message_log_batch``): one note per record
        and call, so the entries go in rounds where each customer appears once.

        :param bodies: {entry id: Markup}
        :return: {entry id: mail.message}
        """
        author_id, email_from = self._author()
        messages = {}
        waiting = list(entries)
        while waiting:
            round_, waiting, seen = [], [], set()
            for entry in entries:
                if entry.id in messages:
                    continue
                if entry.partner_id.id in seen:
                    waiting.append(entry)
                    continue
                seen.add(entry.partner_id.id)
                round_.append(entry)
            partners = self.env["res.partner"].browse([e.partner_id.id for e in round_])
            logged = partners._message_log_batch(
                {entry.partner_id.id: bodies[entry.id] for entry in round_},
                author_id=author_id,
                email_from=email_from,
            )
            by_partner = {message.res_id: message for message in logged}
            for entry in round_:
                messages[entry.id] = by_partner[entry.partner_id.id].with_env(self.env)
        return messages

    # --- messages ------------------------------------------------------------

    @api.model
    def _author(self):
        """The user running the action signs it, as message_post does."""
        return self.env["res.partner"]._message_compute_author(raise_on_email=False)

    @api.model
    def _reply_to(self, entries, rendered, author_email):
        """{(sender, customer id): Reply-To}: as message_post, replies go to the
        customer's alias when there is one, else to the message's sender (the
        template's From, the company), never to whoever ran the reminders."""
        customers_by_sender = defaultdict(set)
        for entry in entries:
            sender = rendered[entry.id].get("email_from") or author_email
            customers_by_sender[sender].add(entry.partner_id.id)
        reply_to = {}
        for sender, customer_ids in customers_by_sender.items():
            customers = self.env["res.partner"].browse(sorted(customer_ids))
            for customer_id, address in customers._notify_get_reply_to(default=sender).items():
                reply_to[sender, customer_id] = address
        return reply_to

    @api.model
    def _thread_values(self, partner):
        return {"model": "res.partner", "res_id": partner.id, "record_name": partner.display_name}

    @api.model
    def _message_values(self, entries, rendered, partners):
        author_id, author_email = self._author()
        comment = self.env.ref("mail.mt_comment").id
        company = self.env.company
        alias_domains = partners._mail_get_alias_domains(default_company=company)
        companies = partners._mail_get_companies(default=company)
        reply_to = self._reply_to(entries, rendered, author_email)
        parents = self._thread_parents(partners)
        values = {}
        for entry in entries:
            partner, content = entry.partner_id, rendered[entry.id]
            email_from = content.get("email_from") or author_email
            if not email_from:
                raise UserError(_("Unable to send the reminder: set an email on the company."))
            values[entry.id] = {
                **self._thread_values(partner),
                "author_id": author_id,
                "email_from": email_from,
                "reply_to": reply_to[email_from, partner.id],
                "body": content.get("body_html") or "",
                "subject": content.get("subject") or False,
                "message_type": "comment",
                "subtype_id": comment,
                "parent_id": parents.get(partner.id, False),
                "partner_ids": [Command.link(pid) for pid in self._addressees(entry).ids],
                "email_add_signature": True,
                "email_layout_xmlid": EMAIL_LAYOUT,
                "record_alias_domain_id": alias_domains[partner.id].id,
                "record_company_id": companies[partner.id].id,
            }
        return values

    @api.model
    def _thread_parents(self, partners):
        """{partner id: first message}: a customer's chatter is one flat thread."""
        groups = (
            self.env["mail.message"]
            .sudo()
            ._read_group(
                [
                    ("model", "=", "res.partner"),
                    ("res_id", "in", partners.ids),
                    ("message_type", "!=", "user_notification"),
                ],
                ["res_id"],
                ["id:min"],
            )
        )
        return dict(groups)

    @api.model
    def _addressees(self, entry):
        """Everyone the action's email goes to: recipients, then copies."""
        to, cc = entry._relance_email_recipients()
        return to | cc

    # --- emails --------------------------------------------------------------

    @api.model
    def _queue(self, entries, messages, message_values):
        """One outgoing email per message, rendered in Odoo's layout, held back until
        its document when it waits for one."""
        recipients = self._recipients_data(entries.recipient_id | entries.recipient_ids)
        held_until = fields.Datetime.now() + HOLD_DELAY
        mail_values, notified = [], []
        for entry in entries:
            message, msg_vals = messages[entry.id], message_values[entry.id]
            to, cc = entry._relance_email_recipients()
            shared = len(to) > 1 or bool(cc)
            # A new message has no tracking values: say so, Odoo would search for them.
            msg_vals = dict(msg_vals, partner_ids=(to | cc).ids, tracking_value_ids=[])
            thread = entry.partner_id
            # Held only while its document is rendered; without one it leaves at once.
            held = held_until if entry.document_state == "pending" else False
            base = thread._notify_by_email_get_base_mail_values(
                message, additional_values={"auto_delete": True, "scheduled_date": held}
            )
            # A shared email has one body: laid out for its main recipient.
            for _lang, render_values, group in thread._notify_get_classified_recipients_iterator(
                message, [recipients[to[:1].id]], msg_vals=msg_vals
            ):
                body = thread._notify_by_email_render_layout(
                    message, group, msg_vals=msg_vals, render_values=render_values
                )
                recipient_ids = group.pop("recipients")
                values = thread._notify_by_email_get_final_mail_values(
                    recipient_ids, base, additional_values={"body_html": body}
                )
                if shared:
                    recipient_ids = (to | cc).ids
                    values.update(self._shared_mail_values(to, cc))
                mail_values.append(values)
                notified.append((message, recipient_ids))
        mails = self.env["mail.mail"].sudo().create(mail_values)
        self._notify(mails, notified)
        return mails

    @api.model
    def _shared_mail_values(self, to, cc):
        """One email To the recipients and Cc the copies, everyone seeing everyone."""
        return {
            "recipient_ids": [],
            "email_to": ",".join(to.mapped("email_formatted")),
            "email_cc": ",".join(cc.mapped("email_formatted")),
        }

    @api.model
    def _recipients_data(self, recipients):
        """Odoo's recipient data, forced to email: a reminder is always emailed."""
        subtype = self.env.ref("mail.mt_comment").id
        data = self.env["mail.followers"]._get_recipient_data(
            None, "comment", subtype, pids=recipients.ids
        )[0]
        return {pid: dict(values, notif="email") for pid, values in data.items()}

    @api.model
    def _notify(self, mails, notified):
        self.env["mail.notification"].sudo().create(
            [
                {
                    "author_id": message.author_id.id,
                    "is_read": True,
                    "mail_mail_id": mail.id,
                    "mail_message_id": message.id,
                    "notification_status": "ready",
                    "notification_type": "email",
                    "res_partner_id": recipient_id,
                }
                for mail, (message, recipient_ids) in zip(mails, notified, strict=True)
                for recipient_id in recipient_ids
            ]
        )

    @api.model
    def _subscribe_collectors(self, partners):
        """The customer's collector follows it: replies to reminders reach them.

        Only real internal users: not the superuser of a scheduled run.
        """
        by_collector = {}
        for partner in partners:
            collector = partner._relance_collector()
            if collector.active and collector.sudo().has_group("base.group_user"):
                by_collector.setdefault(collector.partner_id, []).append(partner.id)
        followers = self.env["mail.followers"].sudo()
        for collector, partner_ids in by_collector.items():
            followers._insert_followers("res.partner", partner_ids, collector.ids)
