from markupsafe import Markup

from odoo import _, fields, models
from odoo.exceptions import UserError


class AccountMove(models.Model):
    """Prevention at the source: catch what would stop the customer from paying,
    before the invoice leaves (missing purchase order reference, no invoicing email...)."""

    _inherit = "account.move"

    relance_check_warnings = fields.Text(
        string="Invoice Check Warnings",
        copy=False,
        readonly=True,
        help="What the checks found when the invoice was posted.",
    )

    def _relance_check_problems(self):
        """Human-readable problems of this customer invoice; extended by the disputes addon."""
        self.ensure_one()
        partner = self.commercial_partner_id
        problems = []
        if partner.relance_po_required and not (self.ref or "").strip():
            problems.append(
                _("%s pays only invoices that carry its purchase order reference.", partner.name)
            )
        if not self.env["relance.executor"]._recipient(partner):
            problems.append(
                _("%s has no invoicing email address: the invoice may not reach it.", partner.name)
            )
        if partner.relance_invoice_address_wrong:
            problems.append(
                _("The invoicing address of %s was reported wrong: check it first.", partner.name)
            )
        return problems

    def _post(self, soft=True):
        self._relance_run_checks()
        return super()._post(soft=soft)

    def _relance_run_checks(self):
        invoices = self.filtered(lambda m: m.move_type == "out_invoice")
        for invoice in invoices:
            problems = invoice._relance_check_problems()
            if problems and invoice.company_id.relance_invoice_check_mode == "block":
                raise UserError(
                    _(
                        "%(invoice)s cannot be posted:\n%(problems)s",
                        invoice=invoice.display_name,
                        problems="\n".join(f"- {p}" for p in problems),
                    )
                )
            invoice.relance_check_warnings = "\n".join(problems) or False
            if problems:
                invoice.message_post(
                    body=Markup("<p>%s</p><ul>%s</ul>")
                    % (
                        _("Invoice checks found problems that may delay the payment:"),
                        Markup("").join(Markup("<li>%s</li>") % p for p in problems),
                    ),
                    subtype_xmlid="mail.mt_note",
                )
