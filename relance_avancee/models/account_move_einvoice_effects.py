# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from collections import defaultdict

from odoo import fields, models


class AccountMove(models.Model):
    """What the e-invoicing lifecycle changes in the dunning of an invoice: rejected
    invoices were never issued, announced payments are held out of the reminders,
    cashed payments of invoices with VAT on payments are reported to the platform."""

    _inherit = "account.move"

    def _relance_exclude_from_dunning(self, reason):
        """Exclude these invoices from dunning with ``reason`` (a call or a status
        received ending in a dispute without the disputes addon, an invoice the platform
        rejected): the one way it is written. The caller's rights apply (the effects of
        a status run as the engine)."""
        self.write({"relance_excluded": True, "relance_exclusion_reason": reason})

    def _relance_never_issued(self):
        """The e-invoicing platform rejected this invoice: it was never legally issued,
        so nothing on it is late (no reminder, no penalty)."""
        self.ensure_one()
        return self.relance_einvoice_status == "rejected"

    # --- announced payments (status "Payment sent") -------------------------------

    def _relance_paid_so_far(self):
        """What settles this invoice in the books or as a payment registered but not
        booked, in its currency."""
        self.ensure_one()
        paid = self.amount_total - self.amount_residual
        for (_payment, invoice), covered in self._relance_unbooked_allocation().items():
            if invoice == self:
                paid += covered
        return paid

    def _relance_pending_allocation(self, unbooked=None):
        """{(source, invoice): amount}: payments registered but not booked
        (``_relance_unbooked_allocation``, ``unbooked`` when the caller has it), then
        payments the customer's platform announced that are not booked yet
        (``_relance_announced_allocation``)."""
        if unbooked is None:
            unbooked = self._relance_unbooked_allocation()
        allocation = dict(unbooked)
        allocation.update(self._relance_announced_allocation(unbooked))
        return allocation

    def _relance_announced_allocation(self, unbooked=None):
        """{(status, invoice): part of a payment the customer's e-invoicing platform
        announced (status "Payment sent") and not booked yet, in the invoice's currency}.

        Held like a payment registered but not booked (no reminder, no penalty on it)
        from its payment date until it is booked (what is paid on the invoice beyond what
        was paid when it was announced settles it) or its grace period ends
        (``res.company.relance_einvoice_grace_days``).
        """
        invoices = self._relance_posted_invoices()
        if not invoices:
            return {}
        statuses = (
            self.env["relance.einvoice.status"]
            .sudo()
            .search(
                [
                    ("move_id", "in", invoices.ids),
                    ("direction", "=", "incoming"),
                    ("status", "=", "payment_sent"),
                ],
                order="date, id",
            )
        )
        today = fields.Date.to_date(
            self.env.context.get("relance_date") or fields.Date.context_today(self)
        )
        active = statuses.filtered(lambda s: s.amount > 0 and s._relance_announced_until() >= today)
        if not active:
            return {}
        if unbooked is None:
            unbooked = invoices._relance_unbooked_allocation()
        covered = defaultdict(float)
        for (_payment, invoice), amount in unbooked.items():
            covered[invoice.id] += amount
        by_invoice = defaultdict(list)
        for status in active:
            by_invoice[status.move_id.id].append(status)
        allocation = {}
        for invoice in invoices.filtered(lambda m: m.id in by_invoice):
            currency = invoice.currency_id
            paid = invoice.amount_total - invoice.amount_residual + covered[invoice.id]
            # What arrived since the first of them was announced settles them in order.
            booked = max(paid - by_invoice[invoice.id][0].paid_before, 0.0)
            left = invoice.amount_residual - covered[invoice.id]
            for status in by_invoice[invoice.id]:
                settled = min(booked, status.amount)
                booked -= settled
                held = min(status.amount - settled, left)
                if currency.compare_amounts(held, 0) <= 0:
                    continue
                left -= held
                allocation[status.with_env(self.env), invoice] = currency.round(held)
        return allocation

    # --- proof ---------------------------------------------------------------------

    def _relance_einvoice_made_available_on(self):
        """Date the platform made this invoice available to the customer, or False: the
        proof that it was received."""
        self.ensure_one()
        available = self.sudo().relance_einvoice_status_ids.filtered(
            lambda s: s.direction == "incoming" and s.status == "made_available"
        )
        first = available.sorted(lambda s: (s.date, s.id))[:1]
        return fields.Datetime.to_datetime(first.date).date() if first else False

    def _relance_einvoice_timeline(self):
        """The lifecycle statuses of these invoices, oldest first (the litigation file's
        proof of delivery and of the absence of refusal)."""
        statuses = self.sudo().relance_einvoice_status_ids
        return statuses.sorted(lambda s: (s.move_id.id, s.date, s.id))

    # --- outgoing "Cashed" statuses ------------------------------------------------

    def _relance_vat_on_payment(self):
        """The invoice bears VAT due on payment ("TVA sur les encaissements"): the
        platform must be told each amount cashed (status 212)."""
        self.ensure_one()
        taxes = self.invoice_line_ids.tax_ids | self.invoice_line_ids.tax_ids.children_tax_ids
        return any(tax.tax_exigibility == "on_payment" for tax in taxes)
