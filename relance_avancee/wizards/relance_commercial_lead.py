# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from markupsafe import Markup

from odoo import _, api, fields, models
from odoo.exceptions import UserError

from ..access import check_collector_customer

# What a collector may hear during a call that is a sale to make or save.
LEAD_TYPES = [
    ("need", "Need"),
    ("complaint", "Product Complaint"),
    ("renewal", "Renewal"),
    ("other", "Other"),
]


class RelanceCommercialLead(models.TransientModel):
    """A commercial lead a collector heard during a call, passed to the salesperson as
    an activity on the customer and traced in its chatter."""

    _name = "relance.commercial.lead"
    _description = "Commercial Lead From Collections"
    _check_company_auto = True

    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        required=True,
        check_company=True,
        domain="[('is_company', '=', True)]",
    )
    lead_type = fields.Selection(LEAD_TYPES, string="Type", required=True, default="need")
    note = fields.Text(string="What the customer said", required=True)
    user_id = fields.Many2one(
        "res.users",
        string="For",
        compute="_compute_user_id",
        help="Who receives the lead: the customer's salesperson, else the salesperson or "
        "sales team leader of its latest order, else the collector who notes it.",
    )

    @api.depends("partner_id")
    def _compute_user_id(self):
        for wizard in self:
            wizard.user_id = wizard.partner_id.commercial_partner_id._relance_lead_recipient()

    def action_confirm(self):
        """Schedule the activity for the salesperson and trace it on the customer."""
        self.ensure_one()
        customer = self.partner_id.commercial_partner_id
        check_collector_customer(self.env, customer)
        if not (self.note or "").strip():
            raise UserError(_("Describe the lead: what did the customer say?"))
        kind = dict(self._fields["lead_type"].get_description(self.env)["selection"])[
            self.lead_type
        ]
        user = customer._relance_lead_recipient()
        customer.activity_schedule(
            "relance_avancee.mail_activity_type_relance_commercial_lead",
            summary=_("Commercial lead (%s)", kind),
            note=Markup("<p>%s</p>") % self.note,
            user_id=user.id,
        )
        customer.message_post(
            body=Markup("<p>%s</p><p>%s</p>")
            % (
                _(
                    "Commercial lead (%(kind)s) noted during collections by %(collector)s, "
                    "passed to %(user)s:",
                    kind=kind,
                    collector=self.env.user.name,
                    user=user.name,
                ),
                self.note,
            ),
            subtype_xmlid="mail.mt_note",
        )
        return {"type": "ir.actions.act_window_close"}
