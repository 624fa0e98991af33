# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models

# Who reads a customer's dunning fields: the company's own people only. A portal
# contact reads its company's partner record (Odoo's portal rule), and over JSON-RPC
# it would otherwise read how it is dunned: its collector, priority, blocking and
# exclusion reasons, call script, typology rule, insolvency and litigation flags.
INTERNAL = "base.group_user"


class ResPartner(models.Model):
    """The dunning fields of res.partner, internal users only (one place for who reads
    them; each field is declared in its own file, this one only adds ``groups``).

    The payer score fields and the e-invoicing issue keep their narrower groups.
    """

    _inherit = "res.partner"

    relance_avg_days_late = fields.Float(groups=INTERNAL)
    relance_blocked = fields.Boolean(groups=INTERNAL)
    relance_blocked_date = fields.Date(groups=INTERNAL)
    relance_blocked_reason = fields.Char(groups=INTERNAL)
    relance_call_script = fields.Html(groups=INTERNAL)
    relance_channel_preference = fields.Selection(groups=INTERNAL)
    relance_collector_id = fields.Many2one(groups=INTERNAL)
    relance_contact_role = fields.Selection(groups=INTERNAL)
    relance_currency_id = fields.Many2one(groups=INTERNAL)
    relance_due_amount = fields.Monetary(groups=INTERNAL)
    relance_email_to_check = fields.Boolean(groups=INTERNAL)
    relance_excluded = fields.Boolean(groups=INTERNAL)
    relance_exclusion_reason = fields.Char(groups=INTERNAL)
    relance_history_count = fields.Integer(groups=INTERNAL)
    relance_history_ids = fields.One2many(groups=INTERNAL)
    relance_insolvency_administrator_id = fields.Many2one(groups=INTERNAL)
    relance_insolvency_claim_deadline = fields.Date(groups=INTERNAL)
    relance_insolvency_court = fields.Char(groups=INTERNAL)
    relance_insolvency_date = fields.Date(groups=INTERNAL)
    relance_insolvency_kind = fields.Selection(groups=INTERNAL)
    relance_insolvency_publication_date = fields.Date(groups=INTERNAL)
    relance_invoice_address_confirmed = fields.Boolean(groups=INTERNAL)
    relance_invoice_address_wrong = fields.Boolean(groups=INTERNAL)
    relance_last_contact_ids = fields.Many2many(groups=INTERNAL)
    relance_level_id = fields.Many2one(groups=INTERNAL)
    relance_litigation = fields.Boolean(groups=INTERNAL)
    relance_next_date = fields.Date(groups=INTERNAL)
    relance_oldest_due_date = fields.Date(groups=INTERNAL)
    relance_on_time_share = fields.Float(groups=INTERNAL)
    relance_open_invoice_ids = fields.Many2many(groups=INTERNAL)
    relance_overdue_amount = fields.Monetary(groups=INTERNAL)
    relance_plan_id = fields.Many2one(groups=INTERNAL)
    relance_po_required = fields.Boolean(groups=INTERNAL)
    relance_priority = fields.Float(groups=INTERNAL)
    relance_professional = fields.Boolean(groups=INTERNAL)
    relance_promise_amount = fields.Float(groups=INTERNAL)
    relance_promise_broken_date = fields.Date(groups=INTERNAL)
    relance_promise_date = fields.Date(groups=INTERNAL)
    relance_promises_broken = fields.Integer(groups=INTERNAL)
    relance_promises_kept = fields.Integer(groups=INTERNAL)
    relance_quotation_ids = fields.Many2many(groups=INTERNAL)
    relance_recent_sale_ids = fields.Many2many(groups=INTERNAL)
    relance_replied_date = fields.Date(groups=INTERNAL)
    relance_typology_id = fields.Many2one(groups=INTERNAL)
    relance_typology_locked = fields.Boolean(groups=INTERNAL)
    relance_typology_rule_date = fields.Date(groups=INTERNAL)
    relance_typology_rule_id = fields.Many2one(groups=INTERNAL)
