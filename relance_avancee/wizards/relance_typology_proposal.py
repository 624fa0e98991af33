# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import _, fields, models

from ..access import check_manager
from ..models.res_partner_payer_score import PAYER_SCORES


class RelanceTypologyProposal(models.TransientModel):
    """One line of the review screen: a customer whose typology the rules would
    change, with the figures the rule looked at. Applying asks the rules again, so
    only what they still propose is applied."""

    _name = "relance.typology.proposal"
    _description = "Typology Proposal (Dunning)"
    _order = "partner_name, id"
    _check_company_auto = True

    company_id = fields.Many2one("res.company", required=True, readonly=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    partner_id = fields.Many2one("res.partner", string="Customer", required=True, readonly=True)
    partner_name = fields.Char(related="partner_id.name")
    current_typology_id = fields.Many2one("relance.typology", readonly=True)
    typology_id = fields.Many2one(
        "relance.typology", string="Proposed Typology", required=True, readonly=True
    )
    rule_id = fields.Many2one(
        "relance.typology.rule", required=True, readonly=True, ondelete="cascade"
    )
    public_body = fields.Boolean(string="Public Buyer", readonly=True)
    revenue = fields.Monetary(string="Revenue (12 Months)", readonly=True)
    invoice_count = fields.Integer(string="Invoices (12 Months)", readonly=True)
    average = fields.Monetary(string="Average Invoice", readonly=True)
    outstanding = fields.Monetary(readonly=True)
    payer_score = fields.Selection(PAYER_SCORES, readonly=True)

    def _values(self, company, proposal):
        figures = proposal["figures"]
        return {
            "company_id": company.id,
            "partner_id": proposal["partner"].id,
            "current_typology_id": proposal["current"].id,
            "typology_id": proposal["typology"].id,
            "rule_id": proposal["rule"].id,
            "public_body": figures["public"],
            "revenue": figures["revenue"],
            "invoice_count": figures["invoice_count"],
            "average": figures["average"] or 0.0,
            "outstanding": figures["outstanding"],
            "payer_score": figures["payer_score"],
        }

    def action_apply(self):
        """Apply the selected proposals the rules still make; the others are left."""
        check_manager(self.env)
        self.check_access("write")
        rules = self.env["relance.typology.rule"]
        applied = self.browse()
        for company in self.company_id:
            lines = self.filtered(lambda line, c=company: line.company_id == c)
            current = rules._relance_proposals(company, partners=lines.partner_id)
            wanted = {(line.partner_id.id, line.typology_id.id): line for line in lines}
            still = [p for p in current if (p["partner"].id, p["typology"].id) in wanted]
            rules._relance_apply(still)
            applied |= self.browse([wanted[p["partner"].id, p["typology"].id].id for p in still])
        skipped = len(self) - len(applied)
        applied.unlink()
        message = _("%s typologies changed.", len(applied))
        if skipped:
            message += " " + _(
                "%s proposals were not applied: the rules no longer make them "
                "(typology changed or locked meanwhile). Open the review again.",
                skipped,
            )
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "message": message,
                "type": "warning" if skipped else "success",
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }
