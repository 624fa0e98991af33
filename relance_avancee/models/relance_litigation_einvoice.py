# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.tools.misc import format_date

# Statuses by which the buyer contests an invoice: their absence is part of the proof.
CONTESTING_STATUSES = ("refused", "disputed", "suspended", "rejected")


class RelanceLitigation(models.Model):
    """The e-invoicing lifecycle of the file's invoices: proof that each was delivered
    to the debtor (made available) and not refused."""

    _inherit = "relance.litigation"

    einvoice_status_ids = fields.Many2many(
        "relance.einvoice.status",
        string="E-Invoicing Lifecycle",
        compute="_compute_einvoice_status_ids",
    )
    einvoice_proof = fields.Text(
        string="E-Invoicing Proof",
        compute="_compute_einvoice_status_ids",
        help="For each invoice: when the platform made it available to the debtor, and "
        "whether the debtor approved, refused or disputed it.",
    )

    @api.depends("move_ids")
    def _compute_einvoice_status_ids(self):
        for file in self:
            file.einvoice_status_ids = file.move_ids._relance_einvoice_timeline()
            file.einvoice_proof = "\n".join(file._relance_einvoice_proof_lines()) or False

    def _relance_einvoice_proof_lines(self):
        """One sentence per invoice with lifecycle statuses: delivery and refusals."""
        self.ensure_one()
        lines = []
        timeline = self.move_ids._relance_einvoice_timeline().filtered(
            lambda s: s.direction == "incoming"
        )
        labels = timeline._relance_status_labels()
        for move in self.move_ids:
            statuses = timeline.filtered(lambda s, m=move: s.move_id == m)
            if not statuses:
                continue
            available = move._relance_einvoice_made_available_on()
            contested = statuses.filtered(lambda s: s.status in CONTESTING_STATUSES)
            parts = [
                self.env._("made available to the debtor on %s", format_date(self.env, available))
                if available
                else self.env._("no proof of delivery received")
            ]
            approved = statuses.filtered(lambda s: s.status == "approved")[:1]
            if approved:
                parts.append(
                    self.env._(
                        "approved on %s", format_date(self.env, fields.Date.to_date(approved.date))
                    )
                )
            if contested:
                parts += [
                    self.env._(
                        "%(status)s on %(date)s (%(reason)s)",
                        status=labels[status.status],
                        date=format_date(self.env, fields.Date.to_date(status.date)),
                        reason=status._relance_reason_label(),
                    )
                    for status in contested
                ]
            else:
                parts.append(self.env._("no refusal nor dispute received"))
            lines.append(f"{move.name}: {'; '.join(parts)}")
        return lines
