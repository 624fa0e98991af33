# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import _, api, fields, models
from odoo.exceptions import UserError


class RelanceExclusion(models.TransientModel):
    """Exclude customers or invoices from dunning, always with a reason."""

    _name = "relance.exclusion"
    _description = "Exclude From Dunning"

    partner_ids = fields.Many2many("res.partner", string="Customers")
    move_ids = fields.Many2many("account.move", string="Invoices")
    reason = fields.Char(required=True)

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        model = self.env.context.get("active_model")
        active_ids = self.env.context.get("active_ids") or []
        if model == "res.partner" and "partner_ids" not in values:
            values["partner_ids"] = [fields.Command.set(active_ids)]
        if model == "account.move" and "move_ids" not in values:
            values["move_ids"] = [fields.Command.set(active_ids)]
        return values

    def action_exclude(self):
        self.ensure_one()
        if not self.reason.strip():
            raise UserError(_("Give the reason of the exclusion."))
        if not (self.partner_ids or self.move_ids):
            raise UserError(_("Select the customers or invoices to exclude."))
        values = {"relance_excluded": True, "relance_exclusion_reason": self.reason}
        for records in (self.partner_ids.commercial_partner_id, self.move_ids):
            records.write(values)
            for record in records:
                record.message_post(body=_("Excluded from dunning: %s", self.reason))
        self._trace_invoices_on_customers()
        return {"type": "ir.actions.act_window_close"}

    def _trace_invoices_on_customers(self):
        """The customer's chatter tells every dunning decision, invoice exclusions too."""
        for partner, moves in self.move_ids.grouped("commercial_partner_id").items():
            partner.message_post(
                body=_(
                    "Invoices excluded from dunning: %(invoices)s (%(reason)s).",
                    invoices=", ".join(moves.mapped("name")),
                    reason=self.reason,
                )
            )
