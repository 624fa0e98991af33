# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import logging
from collections import defaultdict

from markupsafe import Markup, escape

from odoo import _, api, fields, models
from odoo.tools import SQL, html2plaintext

from .relance_level import TEMPLATE_MODEL

_logger = logging.getLogger(__name__)

# What a dunning mail template renders for the run's emails.
MESSAGE_FIELDS = ["subject", "body_html", "email_from"]


class RelanceExecutor(models.AbstractModel):
    """Carries out planned dunning actions, channel by channel, in batches.

    The actions of a channel run together in one savepoint (messages, emails and
    activities created in batches); when the batch fails, they run again one by
    one: one customer's failure is written on its history entry and does not stop
    the others.
    """

    _name = "relance.executor"
    _description = "Dunning Actions"

    @api.model
    def _execute(self, entries):
        """Carry out ``entries``; history traces are written as the engine (superuser),
        messages and activities still in the name of the current user."""
        if not self.env.su:
            entries.with_env(self.env)._check_user_may_execute()
        entries = entries.sudo().filtered(lambda e: e.state == "planned" and not e.executed)
        entries = self._recheck(entries)
        if not entries:
            return entries
        self._fallback_to_letter(entries.filtered(lambda e: e.channel == "email"))
        for entry in entries.filtered(lambda e: e.line_ids.level_id.filtered("apply_penalties")):
            self._guarded(entry, self._charge_penalties)
        entries = entries.filtered(lambda e: e.state == "planned")
        rendered = self._render_messages(entries)
        by_channel = defaultdict(entries.browse)
        for entry in entries:
            by_channel[entry.channel] |= entry
        for channel, channel_entries in by_channel.items():
            self._execute_channel(channel, channel_entries, rendered)
        if not self.env.context.get("relance_defer_documents"):
            self.env["relance.documents"]._render_pending(entries)
        return entries

    @api.model
    def _render_messages(self, entries):
        """{entry id: {'subject', 'body_html', 'email_from'}}, per template in one pass.

        When a batch fails to render, each entry renders alone later and only the
        faulty ones fail.
        """
        messages = {}
        writing = entries.filtered(lambda e: e.channel in ("email", "formal_notice"))
        # A template of another model is never rendered: its entries fail when posted.
        templates = writing.level_id.mail_template_id.filtered(lambda t: t.model == TEMPLATE_MODEL)
        writing._relance_prefetch_amounts()
        for template in templates:
            batch = writing.filtered(lambda e, t=template: e.level_id.mail_template_id == t)
            try:
                with self.env.cr.savepoint():
                    messages.update(template._generate_template(batch.ids, MESSAGE_FIELDS))
            except Exception:  # noqa: BLE001 - rendered again one by one, failing alone
                _logger.info("Batch rendering of %s failed: rendering one by one", template.name)
        return messages

    def _execute_channel(self, channel, entries, rendered):
        """The actions of one channel together in one savepoint; when that fails,
        one by one, so that only the faulty ones fail."""
        method = getattr(self, f"_execute_{channel}")
        if len(entries) > 1:
            try:
                with self.env.cr.savepoint():
                    self._carry_out(method, entries, rendered)
                return
            except Exception:  # noqa: BLE001 - retried one by one below
                _logger.info("Batch of %s %s actions failed: one by one", len(entries), channel)
                self.env.invalidate_all()
        for entry in entries:
            self._guarded(entry, lambda e: self._carry_out(method, e, rendered))

    def _carry_out(self, method, entries, rendered):
        entries.write({"executed": True})
        entries.filtered(lambda e: e.level_id._relance_with_document(e.channel)).write(
            {"document_state": "pending"}
        )
        method(entries, rendered)
        self._advance_invoices(entries)

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
                    and not m.commercial_partner_id.relance_insolvency_date
                )
            )
            if not entry.level_id.preventive and not (
                due - entry.line_ids.filtered("due_soon").move_id
            ):
                # Only invoices falling due soon are left: nothing to remind today.
                due = due.browse()
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
            claimed = still_due
            if entry.level_id:  # instalments falling due later are not claimed yet
                claimed = self.env["relance.engine"]._claimed_amounts(
                    due, entry.level_id, entry.date, still_due
                )
            amount = entry.currency_id.round(sum(claimed[m.id] for m in due))
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
    def _fallback_to_letter(self, entries):
        for entry in entries:
            if entry.partner_id.relance_channel_preference == "letter":
                entry.write(
                    {"channel": "letter", "fallback_reason": _("The customer prefers letters.")}
                )
                continue
            if entry.partner_id.relance_email_to_check:
                entry.write(
                    {
                        "channel": "letter",
                        "fallback_reason": _(
                            "An earlier reminder email came back undelivered: sent as a "
                            "letter until the email address is checked."
                        ),
                    }
                )
                continue
            if not entry._relance_set_recipients():
                entry.write(
                    {
                        "channel": "letter",
                        "fallback_reason": self._no_recipient_reason(entry.partner_id),
                    }
                )

    @api.model
    def _no_recipient_reason(self, customer):
        if (customer | customer.child_ids).filtered("relance_email_to_check"):
            return _(
                "The reminder emails to the customer's contacts came back undelivered: "
                "sent as a letter until their email addresses are checked."
            )
        return _("No email address: sent as a letter.")

    # --- channels: each takes a batch of entries --------------------------

    def _execute_email(self, entries, rendered):
        self._post_emails(entries, rendered)
        self._close(entries)

    def _execute_letter(self, entries, rendered):
        for address in entries.partner_id:
            address = address._relance_letter_address()
            if not (address.street or address.city or address.zip):
                raise ValueError(
                    _("%s has no postal address: the letter cannot be sent.", address.name)
                )
        self._log_on_partners(
            entries,
            lambda e: self.env._("Reminder letter prepared for printing (%s).", e.level_id.name),
        )
        self._close(entries)

    def _execute_formal_notice(self, entries, rendered):
        """Emailed when the customer has an address, and always a registered letter:
        the collector prints it, posts it and notes its number on the action."""
        emailed = entries.filtered(lambda e: e._relance_set_recipients())
        self._post_emails(emailed, rendered)
        self._log_on_partners(
            entries - emailed, lambda e: self.env._("Formal notice prepared for registered mail.")
        )
        self._schedule_registered_mail(entries)
        self._close(entries)

    def _schedule_registered_mail(self, entries):
        """One task per formal notice: send it by registered letter with acknowledgement
        of receipt, and write the letter's number and date on the action."""
        model_id = self.env["ir.model"]._get_id("res.partner")
        todo = self.env.ref("mail.mail_activity_data_todo")
        self.env["mail.activity"].with_context(mail_activity_quick_update=True).create(
            [
                {
                    "res_model_id": model_id,
                    "res_id": entry.partner_id.id,
                    "activity_type_id": todo.id,
                    "date_deadline": entry.date,
                    "summary": self.env._("Send the formal notice by registered letter"),
                    "note": Markup("<p>%s</p>")
                    % self.env._(
                        "Print the formal notice of %(date)s (dunning action %(action)s), send "
                        "it by registered letter with acknowledgement of receipt and write the "
                        "letter's number and date on the action.",
                        date=entry.date,
                        action=entry.display_name,
                    ),
                    "user_id": entry.partner_id._relance_collector().id,
                    "automated": True,
                }
                for entry in entries
            ]
        )

    def _execute_phone(self, entries, rendered):
        """One call activity per customer for its collector, who finds them in the
        worklist and activities (no assignment email per call)."""
        model_id = self.env["ir.model"]._get_id("res.partner")
        collectors = [entry.partner_id._relance_collector() for entry in entries]
        activities = (
            self.env["mail.activity"]
            .with_context(mail_activity_quick_update=True)
            .create(
                [
                    {
                        "res_model_id": model_id,
                        "res_id": entry.partner_id.id,
                        "activity_type_id": entry.level_id._call_activity_type().id,
                        "date_deadline": entry.date,
                        "summary": self.env._("Collection call: %s", entry.level_id.name),
                        "note": self._call_note(entry),
                        "user_id": user.id,
                        "automated": True,
                    }
                    for entry, user in zip(entries, collectors, strict=True)
                ]
            )
        )
        for entry, activity, user in zip(entries, activities, collectors, strict=True):
            entry.write({"activity_id": activity.id, "user_id": user.id})

    def _execute_sms(self, entries, rendered):
        for entry in entries:
            partner = entry.partner_id
            number = partner.mobile or partner.phone
            if not number:
                raise ValueError(_("%s has no phone number for the SMS.", partner.name))
            partner._message_sms(self._sms_body(entry), partner_ids=partner.ids)
        self._close(entries)

    def _sms_body(self, entry):
        """The SMS text: the editable template, in the customer's language, as text."""
        _subject, body = self.env["mail.template"]._relance_render_in_their_language(
            "relance_avancee.mail_template_relance_sms", entry
        )
        return html2plaintext(body).strip()

    def _execute_litigation(self, entries, rendered):
        for entry in entries:
            self._hand_over_to_litigation(entry)
        self._close(entries)

    def _hand_over_to_litigation(self, entry):
        partner = entry.partner_id
        partner.sudo().write({"relance_litigation": True})
        partner._relance_block(_("Litigation level reached (%s).", entry.level_id.name))
        manager = entry.company_id._relance_litigation_manager()
        partner.activity_schedule(
            "mail.mail_activity_data_todo",
            date_deadline=entry.date,
            summary=_("Litigation: prepare the file for %s", partner.name),
            note=self._invoice_table(entry),
            user_id=manager.id,
        )
        litigation = self.env["relance.litigation"].sudo()._open_for(entry)
        self._log_on_partners(
            entry,
            lambda e: self.env._("Customer handed over to litigation (%s).", litigation.name),
        )

    # --- helpers -----------------------------------------------------------

    def _post_emails(self, entries, rendered):
        """Chatter message and queued email per entry, held until its document; the
        invoices' own PDFs attached when the level says so."""
        if not entries:
            return
        for level in entries.level_id:
            level._relance_check_template()
        missing = entries.filtered(lambda e: e.id not in rendered)
        rendered = dict(rendered)
        for entry in missing:
            template = entry.level_id.mail_template_id
            rendered.update(template._generate_template(entry.ids, MESSAGE_FIELDS))
        messages = self.env["relance.mailer"]._post_emails(entries, rendered)
        for entry in entries:
            entry.message_id = messages[entry.id]
        self.env["relance.documents"]._attach_invoice_pdfs(
            entries.filtered("level_id.attach_invoice_pdfs")
        )

    def _log_on_partners(self, entries, text_of):
        """A note per entry on its customer's chatter: ``text_of(entry)`` and the invoices."""
        if not entries:
            return
        bodies = {
            entry.id: Markup("%s<br/>%s") % (text_of(entry), self._invoice_table(entry))
            for entry in entries
        }
        messages = self.env["relance.mailer"]._post_notes(entries, bodies)
        for entry in entries:
            if not entry.message_id:
                entry.message_id = messages[entry.id]

    def _close(self, entries):
        for entry in entries.filtered(lambda e: e.level_id.block_partner):
            entry.partner_id._relance_block(
                _("Dunning level %s blocks new sales.", entry.level_id.name)
            )
        entries.write({"state": "done", "outcome": "sent", "user_id": self.env.user.id})

    def _advance_invoices(self, entries):
        """Each invoice reached its own level in its entry (the message is written at
        the most advanced one).

        Written in SQL: account.move.write re-validates the whole journal entry
        (about 10 ms each), while these three columns are dunning state only.
        """
        engine = self.env["relance.engine"]
        fields_written = ["relance_level_id", "relance_last_date", "relance_next_date"]
        invoices = entries.move_ids
        invoices.flush_recordset(fields_written)
        steps = [
            (entry, invoice, level)
            for entry in entries
            for invoice, level in entry._relance_level_by_move().items()
        ]
        following = {level: engine._following_level(level) for _e, _i, level in steps}
        rows = [
            SQL(
                "(%s, %s, %s::date, %s::date)",
                invoice.id,
                level.id or None,
                entry.date,
                engine._step_date(invoice, following[level], entry.date) or None,
            )
            for entry, invoice, level in steps
        ]
        if not rows:
            return
        self.env.cr.execute(
            SQL(
                """
                UPDATE account_move AS move
                   SET relance_level_id = step.level_id,
                       relance_last_date = step.last_date,
                       relance_next_date = step.next_date
                  FROM (VALUES %s) AS step(id, level_id, last_date, next_date)
                 WHERE move.id = step.id
                """,
                SQL(", ").join(rows),
            )
        )
        invoices.invalidate_recordset(fields_written)

    @api.model
    def _call_note(self, entry):
        script = entry.level_id.call_script or ""
        return Markup("%s%s") % (Markup(script), self._invoice_table(entry))

    @api.model
    def _invoice_table(self, entry):
        """The action's invoices for the chatter and the collector: each at its own
        level; those falling due soon said so (listed, not claimed)."""
        levels = entry._relance_level_by_move()
        soon = entry.move_ids - entry._relance_claimed_moves()
        rows = Markup("").join(
            Markup("<tr><td>%s</td><td>%s</td><td>%s</td><td style='text-align:right'>%s</td></tr>")
            % (
                move.name,
                fields.Date.to_string(move.invoice_date_due),
                self.env._("%s (falling due soon)", levels[move].name)
                if move in soon
                else (levels[move].name or ""),
                move.currency_id.format(move.amount_residual),
            )
            for move in entry.move_ids.sorted("invoice_date_due")
        )
        header = Markup("<tr><th>%s</th><th>%s</th><th>%s</th><th>%s</th></tr>") % (
            _("Invoice"),
            _("Due date"),
            _("Level"),
            _("Residual"),
        )
        total = escape(_("Total due: %s", entry.currency_id.format(entry.amount_due)))
        return Markup("<table class='table table-sm'>%s%s</table><p><b>%s</b></p>") % (
            header,
            rows,
            total,
        )
