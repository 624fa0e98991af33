# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models

from ..access import check_manager


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    relance_default_plan_id = fields.Many2one(
        related="company_id.relance_default_plan_id", readonly=False
    )
    relance_auto_run = fields.Boolean(related="company_id.relance_auto_run", readonly=False)
    relance_auto_unblock = fields.Boolean(related="company_id.relance_auto_unblock", readonly=False)
    relance_typology_rules_in_run = fields.Boolean(
        related="company_id.relance_typology_rules_in_run", readonly=False
    )
    relance_penalty_mode = fields.Selection(
        related="company_id.relance_penalty_mode", readonly=False
    )
    relance_penalty_points = fields.Float(
        related="company_id.relance_penalty_points", readonly=False
    )
    relance_public_points = fields.Float(related="company_id.relance_public_points", readonly=False)
    relance_fixed_rate = fields.Float(related="company_id.relance_fixed_rate", readonly=False)
    relance_indemnity_amount = fields.Monetary(
        related="company_id.relance_indemnity_amount", readonly=False
    )
    relance_penalty_product_id = fields.Many2one(
        related="company_id.relance_penalty_product_id", readonly=False
    )
    relance_penalty_journal_id = fields.Many2one(
        related="company_id.relance_penalty_journal_id", readonly=False
    )
    relance_penalty_tax_ids = fields.Many2many(
        related="company_id.relance_penalty_tax_ids", readonly=False
    )
    relance_penalty_post = fields.Boolean(related="company_id.relance_penalty_post", readonly=False)
    relance_litigation_review_days = fields.Integer(
        related="company_id.relance_litigation_review_days", readonly=False
    )
    relance_writeoff_account_id = fields.Many2one(
        related="company_id.relance_writeoff_account_id", readonly=False
    )
    relance_writeoff_journal_id = fields.Many2one(
        related="company_id.relance_writeoff_journal_id",
        readonly=False,
        domain="[('type', '=', 'general'), ('company_id', '=', company_id)]",
    )
    relance_invoice_check_mode = fields.Selection(
        related="company_id.relance_invoice_check_mode", readonly=False
    )

    relance_notice_deadline_days = fields.Integer(
        related="company_id.relance_notice_deadline_days", readonly=False
    )
    relance_receipt_days = fields.Integer(related="company_id.relance_receipt_days", readonly=False)
    relance_payer_a_days = fields.Integer(related="company_id.relance_payer_a_days", readonly=False)
    relance_payer_a_on_time = fields.Float(
        related="company_id.relance_payer_a_on_time", readonly=False
    )
    relance_payer_b_days = fields.Integer(related="company_id.relance_payer_b_days", readonly=False)
    relance_payer_c_days = fields.Integer(related="company_id.relance_payer_c_days", readonly=False)
    relance_payer_d_incidents = fields.Integer(
        related="company_id.relance_payer_d_incidents", readonly=False
    )
    relance_rate_warning = fields.Char(compute="_compute_relance_rate_warning")

    @api.depends("company_id")
    def _compute_relance_rate_warning(self):
        for settings in self:
            settings.relance_rate_warning = settings.company_id._relance_missing_rate_warning()

    def action_relance_open_rates(self):
        check_manager(self.env)
        return self.env["ir.actions.act_window"]._for_xml_id("relance_avancee.relance_rate_action")

    def action_relance_open_plans(self):
        check_manager(self.env)
        return self.env["ir.actions.act_window"]._for_xml_id("relance_avancee.relance_plan_action")
