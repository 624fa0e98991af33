import logging
from collections import defaultdict

from markupsafe import Markup, escape

from odoo import _, api, fields, models
from odoo.tools import SQL

_logger = logging.getLogger(__name__)

# Channels whose action comes with a document (reminder letter or formal notice).
DOCUMENT_CHANNELS = ("email", "letter", "formal_notice")


class RelanceExecutor(models.AbstractModel):
    """Carries out planned dunning actions, channel by channel, in batches.

    Each action runs in its own savepoint: one customer's failure is written on
    its history entry and does not stop the others.
    """

    _name = "relance.executor"
    _description = "Dunning Actions"

    @api.model
    def _execute(self, entries):
        """Carry out ``entries``; history traces are written as the engine (superuser),
        messages and activities still in the name of the current user."""
        entries = entries.sudo().filtered(lambda e: e.state == "planned" and not e.executed)
        entries = self._recheck(entries)
        if not entries:
            return entries
        self._fallback_to_letter(entries.filtered(lambda e: e.channel == "email"))
        for entry in entries.filtered(lambda e: e.level_id.apply_penalties):
            self._guarded(entry, self._charge_penalties)
        entries = entries.filtered(lambda e: e.state == "planned")
        self = self.with_context(relance_messages=self._render_messages(entries))
        by_channel = defaultdict(entries.browse)
        for entry in entries:
            by_channel[entry.channel] |= entry
        for channel, channel_entries in by_channel.items():
            method = getattr(self, f"_execute_{channel}")
            for entry in channel_entries:
                self._execute_one(method, entry)
        if not self.env.context.get("relance_defer_documents"):
            self.env["relance.documents"]._render_pending(entries)
        return entries

    @api.model
    def _render_messages(self, entries):
        """{entry id: {'subject', 'body_html'}}, rendered per template in one pass.

        When a batch fails to render, each entry renders alone later and only the
        faulty ones fail.
        """
        messages = {}
        writing = entries.filtered(lambda e: e.channel in ("email", "formal_notice"))
        for template in writing.level_id.mail_template_id:
            batch = writing.filtered(lambda e, t=template: e.level_id.mail_template_id == t)
            try:
                with self.env.cr.savepoint():
                    messages.update(
                        template._generate_template(batch.ids, ["subject", "body_html"])
                    )
            except Exception:  # noqa: BLE001 - rendered again one by one, failing alone
                _logger.info("Batch rendering of %s failed: rendering one by one", template.name)
        return messages

    def _execute_one(self, method, entry):
        def run(entry):
            entry.executed = True
            if entry.channel in DOCUMENT_CHANNELS:
                entry.document_state = "pending"
            method(entry)
            self._advance_invoices(entry)

        self._guarded(entry, run)

    def _guarded(self, entry, function):
        """Run ``function(entry)`` in a savepoint; a failure is written on the entry."""
        try:
            with self.env.cr.savepoint():
                function(entry)
        except Exception as error:  # noqa: BLE001 - any failure is traced, the run goes on
            _logger.warning("Dunning action %s failed: %s", entry.id, error)
            self.env.invalidate_all()
            entry.write({"state": "failed", "error": str(error), "executed": False})

    def _charge_penalties(self, entry):
        """Penalty invoices are system documents: created whoever runs the level."""
        self.env["relance.penalty"].sudo()._charge(entry.sudo())

    # --- preparation -------------------------------------------------------

    @api.model
    def _recheck(self, entries):
        """What changed since planning: paid, suspended or excluded invoices are dropped,
        the amount due recomputed; an action left without invoice is cancelled."""
        moves = entries.move_ids
        if not moves:
            return entries
        still_due = moves._relance_amount_due_map(in_company_currency=True)
        keep = entries.browse()
        for entry in entries:
            due = entry.move_ids.filtered(
                lambda m: (
                    m.state == "posted"
                    and still_due.get(m.id, 0.0) > 0
                    and not m.relance_suspended
                    and not m.commercial_partner_id.relance_excluded
                )
            )
            if not due:
                entry.write(
                    {
                        "state": "cancelled",
                        "to_validate": False,
                        "note": Markup("<p>%s</p>")
                        % _(
                            "Cancelled before execution: its invoices were paid, suspended "
                            "or excluded in the meantime."
                        ),
                    }
                )
                continue
            amount = entry.currency_id.round(sum(still_due[m.id] for m in due))
            values = {}
            if due != entry.move_ids:
                values["move_ids"] = [fields.Command.set(due.ids)]
            if entry.currency_id.compare_amounts(amount, entry.amount_due):
                values["amount_due"] = amount
            if values:
                entry.write(values)
            keep |= entry
        return keep

    @api.model
    def _recipient(self, partner):
        """The invoicing contact with an email, else the customer itself."""
        invoice_contact = self.env["res.partner"].browse(
            partner.address_get(["invoice"])["invoice"]
        )
        for candidate in (invoice_contact, partner):
            if candidate.email:
                return candidate
        return self.env["res.partner"]

    @api.model
    def _fallback_to_letter(self, entries):
        for entry in entries:
            if entry.partner_id.relance_channel_preference == "letter":
                entry.write(
                    {"channel": "letter", "fallback_reason": _("The customer prefers letters.")}
                )
                continue
            recipient = self._recipient(entry.partner_id)
            if recipient:
                entry.recipient_id = recipient
            else:
                entry.write(
                    {
                        "channel": "letter",
                        "fallback_reason": _("No email address: sent as a letter."),
                    }
                )

    # --- channels ----------------------------------------------------------

    def _execute_email(self, entry):
        self._post_email(entry)
        self._close(entry)

    def _execute_letter(self, entry):
        address = entry.partner_id
        if not (address.street or address.city or address.zip):
            raise ValueError(
                _("%s has no postal address: the letter cannot be sent.", address.name)
            )
        self._log_on_partner(
            entry, _("Reminder letter prepared for printing (%s).", entry.level_id.name)
        )
        self._close(entry)

    def _execute_formal_notice(self, entry):
        recipient = self._recipient(entry.partner_id)
        if recipient:
            entry.recipient_id = recipient
            self._post_email(entry)
        else:
            self._log_on_partner(entry, _("Formal notice prepared for registered mail."))
        self._close(entry)

    def _execute_phone(self, entry):
        partner = entry.partner_id
        user = self._collector(partner)
        activity = partner.activity_schedule(
            activity_type_id=entry.level_id._call_activity_type().id,
            date_deadline=entry.date,
            summary=_("Collection call: %s", entry.level_id.name),
            note=self._call_note(entry),
            user_id=user.id,
        )
        entry.write({"activity_id": activity.id, "user_id": user.id})

    def _execute_sms(self, entry):
        partner = entry.partner_id
        number = partner.mobile or partner.phone
        if not number:
            raise ValueError(_("%s has no phone number for the SMS.", partner.name))
        body = _(
            "%(company)s: %(amount)s remain unpaid on your account. Thank you for your payment.",
            company=entry.company_id.name,
            amount=self._format_amount(entry),
        )
        partner._message_sms(body, partner_ids=partner.ids)
        self._close(entry)

    def _execute_litigation(self, entry):
        partner = entry.partner_id
        partner.sudo().write({"relance_litigation": True})
        partner._relance_block(_("Litigation level reached (%s).", entry.level_id.name))
        manager = self._litigation_manager(entry.company_id)
        partner.activity_schedule(
            "mail.mail_activity_data_todo",
            date_deadline=entry.date,
            summary=_("Litigation: prepare the file for %s", partner.name),
            note=self._invoice_table(entry),
            user_id=manager.id,
        )
        litigation = self.env["relance.litigation"].sudo()._open_for(entry)
        self._log_on_partner(entry, _("Customer handed over to litigation (%s).", litigation.name))
        self._close(entry)

    # --- helpers -----------------------------------------------------------

    def _post_email(self, entry):
        rendered = self.env.context.get("relance_messages", {}).get(entry.id)
        if rendered is None:
            template = entry.level_id.mail_template_id
            rendered = template._generate_template([entry.id], ["subject", "body_html"])[entry.id]
        message = entry.partner_id.with_context(mail_notify_force_send=False).message_post(
            body=rendered.get("body_html") or "",
            subject=rendered.get("subject") or "",
            partner_ids=entry.recipient_id.ids,
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
            email_layout_xmlid="mail.mail_notification_light",
        )
        entry.message_id = message
        self.env["relance.documents"]._hold(message)

    def _log_on_partner(self, entry, text):
        message = entry.partner_id.message_post(
            body=Markup("%s<br/>%s") % (text, self._invoice_table(entry)),
            subtype_xmlid="mail.mt_note",
        )
        if not entry.message_id:
            entry.message_id = message

    def _close(self, entry):
        if entry.level_id.block_partner:
            entry.partner_id._relance_block(
                _("Dunning level %s blocks new sales.", entry.level_id.name)
            )
        entry.write({"state": "done", "outcome": "sent", "user_id": self.env.user.id})

    def _advance_invoices(self, entry):
        """The invoices reached the entry's level.

        Written in SQL: account.move.write re-validates the whole journal entry
        (about 10 ms each), while these three columns are dunning state only.
        """
        engine = self.env["relance.engine"]
        fields_written = ["relance_level_id", "relance_last_date", "relance_next_date"]
        invoices = entry.move_ids
        invoices.flush_recordset(fields_written)
        by_next_date = defaultdict(list)
        for invoice in invoices:
            by_next_date[engine._next_date(invoice, entry.level_id, entry.date)].append(invoice.id)
        for next_date, ids in by_next_date.items():
            self.env.cr.execute(
                SQL(
                    """
                    UPDATE account_move
                       SET relance_level_id = %s, relance_last_date = %s, relance_next_date = %s
                     WHERE id = ANY(%s)
                    """,
                    entry.level_id.id,
                    entry.date,
                    next_date or None,
                    ids,
                )
            )
        invoices.invalidate_recordset(fields_written)

    @api.model
    def _collector(self, partner):
        return partner.relance_collector_id or partner.user_id or self.env.user

    @api.model
    def _litigation_manager(self, company):
        group = self.env.ref("relance_avancee.group_relance_manager")
        managers = group.users.filtered(lambda u: company in u.company_ids and u.active)
        return managers[:1] or self.env.user

    @api.model
    def _format_amount(self, entry):
        return entry.currency_id.format(entry.amount_due)

    @api.model
    def _call_note(self, entry):
        script = entry.level_id.call_script or ""
        return Markup("%s%s") % (Markup(script), self._invoice_table(entry))

    @api.model
    def _invoice_table(self, entry):
        rows = Markup("").join(
            Markup("<tr><td>%s</td><td>%s</td><td style='text-align:right'>%s</td></tr>")
            % (
                move.name,
                fields.Date.to_string(move.invoice_date_due),
                move.currency_id.format(move.amount_residual),
            )
            for move in entry.move_ids.sorted("invoice_date_due")
        )
        header = Markup("<tr><th>%s</th><th>%s</th><th>%s</th></tr>") % (
            _("Invoice"),
            _("Due date"),
            _("Residual"),
        )
        total = escape(_("Total due: %s", self._format_amount(entry)))
        return Markup("<table class='table table-sm'>%s%s</table><p><b>%s</b></p>") % (
            header,
            rows,
            total,
        )

    @api.model
    def _send_duplicates(self, invoices, recipient):
        """Email a copy of ``invoices`` (their PDF) to ``recipient`` at once."""
        reports = self.env["ir.actions.report"]
        attachments = self.env["ir.attachment"]
        for invoice in invoices:
            content, _report_type = reports._render_qweb_pdf(
                "account.account_invoices", invoice.ids
            )
            attachments |= attachments.create(
                {
                    "name": f"{invoice._get_invoice_report_filename()}",
                    "raw": content,
                    "res_model": "account.move",
                    "res_id": invoice.id,
                    "mimetype": "application/pdf",
                }
            )
        partner = invoices.commercial_partner_id[:1]
        return partner.with_context(mail_notify_force_send=False).message_post(
            subject=_("Copy of your invoices %s", ", ".join(invoices.mapped("name"))),
            body=Markup("<p>%s</p>")
            % _("Please find attached a copy of the invoices you told us you did not receive."),
            partner_ids=recipient.ids,
            attachment_ids=attachments.ids,
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
            email_layout_xmlid="mail.mail_notification_light",
        )
