# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models

from ..access import check_receivables_reader

# Latest statuses that hold up payment: the collector looks before reminding.
EINVOICE_ISSUE_STATUSES = ("refused", "disputed", "suspended", "partially_approved")


class ResPartner(models.Model):
    """The customer's e-invoicing statuses (history, call screen) and the worklist
    filter of customers whose open invoices the buyer holds up on the platform."""

    _inherit = "res.partner"

    relance_einvoice_status_ids = fields.One2many(
        "relance.einvoice.status",
        "partner_id",
        string="E-Invoicing Statuses",
        readonly=True,
        groups="relance_avancee.group_relance_user,account.group_account_invoice",
    )
    relance_einvoice_issue = fields.Boolean(
        string="E-Invoice Held Up",
        compute="_compute_relance_einvoice_issue",
        search="_search_relance_einvoice_issue",
        groups="relance_avancee.group_relance_user,account.group_account_invoice",
        help="An open invoice of the customer was last refused, disputed, suspended or "
        "partially approved on the e-invoicing platform.",
    )

    def _compute_relance_einvoice_issue(self):
        held = self.env["account.move"].search(self._relance_einvoice_issue_domain(self))
        partners = held.commercial_partner_id
        for partner in self:
            partner.relance_einvoice_issue = partner.commercial_partner_id in partners

    def _search_relance_einvoice_issue(self, operator, value):
        if operator not in ("=", "!="):
            return NotImplemented
        # Which customers hold invoices up is read from the receivables.
        check_receivables_reader(self.env)
        held = self.env["account.move"].search(self._relance_einvoice_issue_domain())
        positive = (operator == "=") == bool(value)
        return [("id", "in" if positive else "not in", held.commercial_partner_id.ids)]

    def _relance_einvoice_issue_domain(self, partners=None):
        moves = self.env["account.move"]
        domain = moves._relance_open_invoice_domain(partners)
        return domain + [("relance_einvoice_status", "in", EINVOICE_ISSUE_STATUSES)]
