# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import UTC, datetime, timedelta

from odoo import _, fields, models, tools

from odoo.addons.relance_avancee.access import check_collector, check_internal

from .relance_dispute import OPEN_STATES

# A reminder's statement link opens the customer's open invoices for this many days.
STATEMENT_LINK_DAYS = 60


class ResPartner(models.Model):
    _inherit = "res.partner"

    # Internal users only, as every dunning field of the customer (see
    # relance_avancee/models/res_partner_field_access.py).
    relance_dispute_ids = fields.One2many(
        "relance.dispute", "partner_id", string="Disputes", groups="base.group_user"
    )
    relance_open_dispute_count = fields.Integer(
        compute="_compute_relance_open_dispute_count", groups="base.group_user"
    )
    relance_open_dispute_ids = fields.Many2many(
        "relance.dispute",
        compute="_compute_relance_open_dispute_ids",
        string="Open Disputes",
        groups="base.group_user",
    )

    def _compute_relance_open_dispute_ids(self):
        for partner in self:
            partner.relance_open_dispute_ids = self.env["relance.dispute"].search(
                [
                    ("partner_id", "=", partner.commercial_partner_id.id),
                    ("state", "in", OPEN_STATES),
                ]
            )

    def _compute_relance_open_dispute_count(self):
        counts = dict(
            self.env["relance.dispute"]._read_group(
                [
                    ("partner_id", "in", self.commercial_partner_id.ids),
                    ("state", "in", OPEN_STATES),
                ],
                ["partner_id"],
                ["__count"],
            )
        )
        for partner in self:
            partner.relance_open_dispute_count = counts.get(partner.commercial_partner_id, 0)

    def action_relance_open_disputes(self):
        self.ensure_one()
        check_internal(self.env)
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "relance_avancee_disputes.relance_dispute_action"
        )
        action["domain"] = [("partner_id", "=", self.commercial_partner_id.id)]
        action["context"] = {"default_partner_id": self.commercial_partner_id.id}
        return action

    def action_relance_report_dispute(self):
        self.ensure_one()
        check_collector(self.env)
        return {
            "type": "ir.actions.act_window",
            "name": _("Report a Dispute"),
            "res_model": "relance.dispute",
            "view_mode": "form",
            "target": "current",
            "context": {"default_partner_id": self.commercial_partner_id.id},
        }

    def _relance_statement_token(self, company_id, expires):
        """Keyed hash of the customer, the company and the expiry of a statement link:
        none of them can be changed, and the link cannot be guessed."""
        self.ensure_one()
        return tools.hmac(self.env(su=True), "relance-statement-v2", (self.id, company_id, expires))

    def _relance_statement_url(self, company=None, issued=None):
        """The customer's open invoices in ``company`` (default: the current one), for
        STATEMENT_LINK_DAYS days after ``issued`` (default: today): every reminder brings
        a fresh link, the same whenever its message is rendered that day."""
        self.ensure_one()
        partner = self.commercial_partner_id
        company = company or self.env.company
        issued = fields.Date.to_date(issued) or fields.Date.context_today(self)
        expiry_day = issued + timedelta(days=STATEMENT_LINK_DAYS + 1)
        expires = int(datetime.combine(expiry_day, datetime.min.time(), UTC).timestamp())
        token = partner._relance_statement_token(company.id, expires)
        base = partner.get_base_url()
        return f"{base}/relance/statement/{partner.id}/{company.id}/{expires}/{token}"
