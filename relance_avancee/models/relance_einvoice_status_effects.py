# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta

from markupsafe import Markup

from odoo import _, api, fields, models
from odoo.tools.misc import format_date

# Incoming statuses that stop the dunning of their invoice until the matter is settled:
# the buyer refused or disputes it, or holds it for missing information.
DISPUTE_STATUSES = ("refused", "disputed", "suspended")


class RelanceEinvoiceStatus(models.Model):
    """What receiving a lifecycle status does to the dunning of its invoice.

    Each incoming status runs its effect once (``_relance_apply_effects``, called by
    the importer): the effect is traced on the invoice and the customer and written in
    ``effect_note``. The disputes addon turns refusals, disputes and suspensions into
    routed disputes; without it, the invoice is excluded from dunning with the reason.
    """

    _inherit = "relance.einvoice.status"

    paid_before = fields.Monetary(
        string="Paid Before The Announcement",
        currency_field="currency_id",
        readonly=True,
        help="What was paid on the invoice when the payment was announced: what is booked "
        "beyond it settles the announced payment.",
    )
    grace_checked = fields.Boolean(
        string="Announced Payment Checked",
        readonly=True,
        help="The grace period of the announced payment is over and was looked at (booked, "
        "or a task for the collector).",
    )
    partial_id = fields.Many2one(
        "account.partial.reconcile",
        string="Reconciliation",
        ondelete="set null",
        index="btree_not_null",
        readonly=True,
        help="The reconciliation of the payment this outgoing Cashed status reports.",
    )
    payment_reference = fields.Char(readonly=True)
    payment_unreconciled = fields.Boolean(
        string="Payment Unreconciled After Sending",
        readonly=True,
        help="The payment this Cashed status reported was unreconciled after the status "
        "was sent to the platform: tell the platform.",
    )
    export_attachment_id = fields.Many2one(
        "ir.attachment", string="Sent In", ondelete="set null", readonly=True
    )

    # --- dispatch ----------------------------------------------------------------

    def _relance_apply_effects(self):
        """Run each incoming status's effect once, as the engine (the importer checked
        the statuses belong to the company's invoices)."""
        res = super()._relance_apply_effects()
        # A credit note's statuses are kept in its timeline; dunning is about invoices.
        todo = self.sudo().filtered(
            lambda s: (
                s.direction == "incoming"
                and not s.effect_note
                and s.move_id.move_type == "out_invoice"
            )
        )
        for status in todo.sorted(lambda s: (s.date, s.id)):
            note = status._relance_effect()
            if note:
                status.effect_note = note
                status._relance_trace(note)
        return res

    def _relance_effect(self):
        """The effect of this status: the text that says what it did, or ''."""
        self.ensure_one()
        if self.status in DISPUTE_STATUSES:
            return self._relance_effect_dispute()
        handler = getattr(self, f"_relance_effect_{self.status}", None)
        return handler() if handler else ""

    def _relance_trace(self, note):
        """The effect, on the invoice's chatter and on the customer's."""
        self.ensure_one()
        label = self._relance_status_label()
        body = Markup("<p>%s</p><p>%s</p>") % (
            _(
                "E-invoicing status %(code)s %(status)s received for %(invoice)s.",
                code=self.status_code or "",
                status=label,
                invoice=self.move_id.name,
            ),
            note,
        )
        self.move_id.message_post(body=body, subtype_xmlid="mail.mt_note")
        self.partner_id.message_post(body=body, subtype_xmlid="mail.mt_note")

    def _relance_status_labels(self):
        """{status key: its name in the user's language}."""
        return dict(self.fields_get(["status"], ["selection"])["status"]["selection"])

    def _relance_status_label(self):
        self.ensure_one()
        return self._relance_status_labels()[self.status]

    def _relance_reason_label(self):
        """The buyer's reason as the status gives it: code and text."""
        self.ensure_one()
        parts = [part for part in (self.reason_code, self.reason_text) if part]
        return " - ".join(parts) or _("no reason given")

    # --- effects -------------------------------------------------------------------

    def _relance_effect_dispute(self):
        """Refused, disputed or suspended by the buyer: without the disputes addon the
        invoice is excluded from dunning with the reason, as a call ending in a dispute
        does (``account.move._relance_exclude_from_dunning``)."""
        label = self._relance_status_label()
        reason = _(
            "E-invoicing: %(status)s by the customer (%(reason)s)",
            status=label,
            reason=self._relance_reason_label(),
        )
        self.move_id._relance_exclude_from_dunning(reason)
        return _("Dunning of the invoice suspended: %s.", reason)

    def _relance_effect_rejected(self):
        """Rejected by the platform: the invoice was never legally issued. It is never
        reminded nor charged penalties (``_relance_open_invoice_domain``,
        ``_relance_never_issued``); the invoicing team corrects it and issues it again."""
        move = self.move_id
        move._relance_exclude_from_dunning(
            _(
                "Rejected by the e-invoicing platform (%s): never issued",
                self._relance_reason_label(),
            )
        )
        user = move.company_id.relance_invoicing_user_id or move.invoice_user_id or move.create_uid
        move.activity_schedule(
            "mail.mail_activity_data_todo",
            summary=_("Invoice %s rejected by the e-invoicing platform", move.name),
            note=Markup("<p>%s</p>")
            % _(
                "The platform rejected the invoice (%s): it was never legally issued. "
                "Correct it and issue it again.",
                self._relance_reason_label(),
            ),
            user_id=user.id,
        )
        return _(
            "The invoice was never legally issued: no reminder, no penalty. Task for %s to "
            "correct it and issue it again.",
            user.name,
        )

    def _relance_effect_made_available(self):
        """Made available to the buyer: the proof it received the invoice."""
        return _(
            "The platform made the invoice available to the customer on %s: proof that it "
            "was received.",
            self._relance_format_date(self.date),
        )

    def _relance_effect_approved(self):
        """Approved by the buyer: traced as a customer's confirmation of the invoice."""
        text = _(
            "The customer approved invoice %(invoice)s on its e-invoicing platform on %(date)s.",
            invoice=self.move_id.name,
            date=self._relance_format_date(self.date),
        )
        self.move_id._relance_trace_confirmation(text)
        return text

    def _relance_effect_payment_sent(self):
        """Payment sent by the buyer: the amount is held out of the reminders and the
        penalties (``account.move._relance_announced_allocation``) until it is booked
        or the grace period ends."""
        move = self.move_id
        amount = self.amount or move.amount_residual
        self.write({"amount": amount, "paid_before": move._relance_paid_so_far()})
        return _(
            "Payment of %(amount)s announced, paid on %(date)s: not reminded nor charged "
            "penalties until it is booked, at the latest until %(until)s.",
            amount=move.currency_id.format(amount),
            date=self._relance_format_date(self._relance_paid_on()),
            until=self._relance_format_date(self._relance_announced_until()),
        )

    # --- announced payments --------------------------------------------------------

    def _relance_paid_on(self):
        """The day the buyer says it paid (the status's date when it gives none)."""
        self.ensure_one()
        return self.payment_date or fields.Datetime.to_datetime(self.date).date()

    def _relance_announced_until(self):
        """Last day an announced payment holds its amount out of the reminders."""
        self.ensure_one()
        grace = self.company_id._relance_einvoice_grace_days()
        return self._relance_paid_on() + timedelta(days=grace)

    def _relance_format_date(self, value):
        return format_date(self.env, fields.Date.to_date(value))

    @api.model
    def _cron_einvoice_payment_grace(self, date=None):
        """Announced payments past their grace period: booked, nothing to do; else a task
        for the customer's collector to check it."""
        today = fields.Date.to_date(date) if date else fields.Date.context_today(self)
        statuses = self.sudo().search(
            [
                ("direction", "=", "incoming"),
                ("status", "=", "payment_sent"),
                ("grace_checked", "=", False),
            ],
            order="date, id",
        )
        late = statuses.filtered(lambda s: s._relance_announced_until() < today)
        for status in late:
            status._relance_check_announced_payment()
        late.write({"grace_checked": True})
        return late

    def _relance_check_announced_payment(self):
        self.ensure_one()
        move = self.move_id
        booked = move._relance_paid_so_far() - self.paid_before
        if move.currency_id.compare_amounts(booked, self.amount) >= 0 or move.amount_residual <= 0:
            return
        partner = move.commercial_partner_id.with_company(move.company_id)
        collector = partner._relance_collector()
        move.activity_schedule(
            "mail.mail_activity_data_todo",
            summary=_("Announced payment of %s not received", move.name),
            note=Markup("<p>%s</p>")
            % _(
                "The customer's platform announced a payment of %(amount)s on %(date)s: it "
                "is not booked. Check with the bank or the customer; the invoice is reminded "
                "again.",
                amount=move.currency_id.format(self.amount),
                date=self._relance_format_date(self._relance_paid_on()),
            ),
            user_id=collector.id,
        )
        text = _(
            "Announced payment of %(amount)s not booked after the grace period: task for "
            "%(collector)s.",
            amount=move.currency_id.format(self.amount),
            collector=collector.name,
        )
        self.effect_note = "\n".join(filter(None, [self.effect_note, text]))
        move.message_post(body=text, subtype_xmlid="mail.mt_note")
