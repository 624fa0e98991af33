# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import _, api, fields, models
from odoo.exceptions import UserError


class RelanceSendManual(models.TransientModel):
    """Send a reminder now, outside the daily rhythm, at the level the collector chooses."""

    _name = "relance.send.manual"
    _description = "Send Reminder Now"

    partner_id = fields.Many2one("res.partner", string="Customer", required=True)
    move_ids = fields.Many2many(
        "account.move",
        string="Invoices",
        domain="[('commercial_partner_id', '=', partner_id), ('move_type', '=', 'out_invoice'), "
        "('state', '=', 'posted'), ('amount_residual', '>', 0)]",
    )
    plan_id = fields.Many2one("relance.plan", compute="_compute_plan_id")
    level_id = fields.Many2one(
        "relance.level",
        required=True,
        domain="[('plan_id', '=', plan_id), ('channel', '!=', 'litigation')]",
    )

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        model = self.env.context.get("active_model")
        active_ids = self.env.context.get("active_ids") or []
        if model == "account.move" and active_ids:
            moves = self.env["account.move"].browse(active_ids)
            moves._relance_check_customer_invoices()
            if len(moves.commercial_partner_id) > 1:
                raise UserError(_("Select the invoices of one customer at a time."))
            values["partner_id"] = moves.commercial_partner_id.id
            values["move_ids"] = [fields.Command.set(moves.ids)]
        elif model == "res.partner" and active_ids:
            partner = self.env["res.partner"].browse(active_ids[0]).commercial_partner_id
            values["partner_id"] = partner.id
            values["move_ids"] = [fields.Command.set(partner._relance_overdue_invoices().ids)]
        return values

    @api.depends("partner_id")
    def _compute_plan_id(self):
        for wizard in self:
            wizard.plan_id = wizard.partner_id._relance_effective_plan(self.env.company)

    @api.onchange("partner_id")
    def _onchange_partner_id(self):
        plan = self.plan_id
        levels = plan.level_ids.sorted("sequence")
        current = self.move_ids.relance_level_id
        following = self.env["relance.engine"]._next_level(
            max(current, key=lambda lvl: lvl.offset_days) if current else current, levels
        )
        self.level_id = following or levels[-1:]

    def _check_moves(self):
        partner = self.partner_id.commercial_partner_id
        others = self.move_ids.filtered(
            lambda m: (
                m.commercial_partner_id != partner
                or m.company_id != self.env.company
                or m.move_type != "out_invoice"
            )
        )
        if others:
            raise UserError(
                _(
                    "Only invoices of %(customer)s in %(company)s can be reminded here: %(moves)s.",
                    customer=partner.display_name,
                    company=self.env.company.name,
                    moves=", ".join(others.mapped("display_name")),
                )
            )
        held = self.move_ids.filtered(
            lambda m: m.relance_suspended or m.commercial_partner_id.relance_excluded
        )
        if held:
            raise UserError(
                _(
                    "These invoices are excluded from dunning or suspended (e.g. a dispute): "
                    "%s. Include them again before sending a reminder.",
                    ", ".join(held.mapped("display_name")),
                )
            )

    def action_send(self):
        self.ensure_one()
        self._check_moves()
        moves = self.move_ids.filtered(lambda m: m.relance_amount_due > 0)
        if not moves:
            raise UserError(_("None of the selected invoices is still due."))
        partner = self.partner_id.commercial_partner_id
        entry = self.env["relance.history"].create(
            {
                "partner_id": partner.id,
                "company_id": self.env.company.id,
                "move_ids": [fields.Command.set(moves.ids)],
                "level_id": self.level_id.id,
                "channel": self.level_id.channel,
                "date": fields.Date.context_today(self),
                "amount_due": sum(moves._relance_amount_due_map(in_company_currency=True).values()),
                "user_id": self.env.user.id,
            }
        )
        self.env["relance.executor"]._execute(entry)
        if entry.state == "failed":
            raise UserError(_("The reminder could not be sent: %s", entry.error))
        partner._relance_refresh_state()
        return {
            "type": "ir.actions.act_window",
            "res_model": "relance.history",
            "res_id": entry.id,
            "view_mode": "form",
            "target": "current",
        }
