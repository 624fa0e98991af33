# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta

from odoo import _, api, fields, models
from odoo.tools import SQL

from ..access import check_collector, check_collector_customer


class ResPartner(models.Model):
    """The collector's call screen: what to know before and during a collection call."""

    _inherit = "res.partner"

    relance_avg_days_late = fields.Float(
        string="Average Days Late (12 months)", compute="_compute_relance_behaviour", digits=(6, 1)
    )
    relance_on_time_share = fields.Float(
        string="Paid On Time (12 months, %)", compute="_compute_relance_behaviour", digits=(5, 1)
    )
    relance_promises_kept = fields.Integer(compute="_compute_relance_behaviour")
    relance_promises_broken = fields.Integer(compute="_compute_relance_behaviour")
    relance_last_contact_ids = fields.Many2many(
        "relance.history", compute="_compute_relance_call_screen", string="Last Contacts"
    )
    relance_recent_sale_ids = fields.Many2many(
        "sale.order", compute="_compute_relance_call_screen", string="Recent Sales"
    )
    relance_quotation_ids = fields.Many2many(
        "sale.order", compute="_compute_relance_call_screen", string="Open Quotations"
    )
    relance_call_script = fields.Html(compute="_compute_relance_call_screen", string="Script")

    @api.depends_context("company")
    def _compute_relance_behaviour(self):
        since = fields.Date.context_today(self) - timedelta(days=365)
        delays = self._relance_payment_delays(since)
        for partner in self:
            days = delays.get(partner.commercial_partner_id.id, [])
            partner.relance_avg_days_late = (
                sum(max(d, 0) for d in days) / len(days) if days else 0.0
            )
            partner.relance_on_time_share = (
                100.0 * len([d for d in days if d <= 0]) / len(days) if days else 0.0
            )
            kept, broken = partner._relance_promise_record(since)
            partner.relance_promises_kept = kept
            partner.relance_promises_broken = broken

    def _relance_payment_delays(self, since):
        """{commercial partner id: [days between due date and full payment]} of the
        invoices paid since ``since`` (last reconciliation date of their receivable)."""
        ids = self.commercial_partner_id.ids
        if not ids:
            return {}
        self.env["account.partial.reconcile"].flush_model()
        self.env.cr.execute(
            SQL(
                """
                SELECT m.commercial_partner_id, MAX(pr.max_date) - m.invoice_date_due
                  FROM account_move m
                  JOIN account_move_line aml ON aml.move_id = m.id
                                            AND aml.display_type = 'payment_term'
                  JOIN account_partial_reconcile pr ON pr.debit_move_id = aml.id
                 WHERE m.commercial_partner_id = ANY(%(ids)s)
                   AND m.company_id = %(company)s
                   AND m.move_type = 'out_invoice'
                   AND m.state = 'posted'
                   AND m.payment_state IN ('paid', 'in_payment')
                 GROUP BY m.id, m.commercial_partner_id, m.invoice_date_due
                HAVING MAX(pr.max_date) >= %(since)s
                """,
                ids=ids,
                company=self.env.company.id,
                since=since,
            )
        )
        delays = {}
        for partner_id, days in self.env.cr.fetchall():
            delays.setdefault(partner_id, []).append(days)
        return delays

    def _relance_promise_record(self, since):
        """(kept, broken) promises of the customer made since ``since``, as known today
        (``relance.history._relance_promise_states``: pending ones count as neither)."""
        promises = self.env["relance.history"].search(
            [
                ("partner_id", "=", self.commercial_partner_id.id),
                ("company_id", "=", self.env.company.id),
                ("outcome", "=", "promise"),
                ("promise_date", "!=", False),
                ("date", ">=", since),
            ]
        )
        states = list(promises._relance_promise_states(fields.Date.context_today(self)).values())
        return states.count("kept"), states.count("broken")

    @api.depends_context("company")
    def _compute_relance_call_screen(self):
        since = fields.Date.context_today(self) - timedelta(days=365)
        for partner in self:
            commercial = partner.commercial_partner_id
            partner.relance_last_contact_ids = self.env["relance.history"].search(
                [("partner_id", "=", commercial.id), ("state", "=", "done")], limit=10
            )
            orders = self.env["sale.order"].search(
                [
                    ("partner_id", "child_of", commercial.id),
                    ("company_id", "=", self.env.company.id),
                ],
                order="date_order desc",
                limit=40,
            )
            partner.relance_recent_sale_ids = orders.filtered(
                lambda o: o.state == "sale" and o.date_order.date() >= since
            )[:10]
            partner.relance_quotation_ids = orders.filtered(lambda o: o.state in ("draft", "sent"))
            partner.relance_call_script = partner._relance_script()

    def _relance_script(self):
        """The script of the call level the customer is at, or of its plan's first call."""
        planned = self.env["relance.history"].search(
            [
                ("partner_id", "=", self.commercial_partner_id.id),
                ("channel", "=", "phone"),
                ("state", "=", "planned"),
            ],
            limit=1,
        )
        level = planned.level_id or self.commercial_partner_id.relance_level_id
        if not level or not level.call_script:
            plan = self._relance_effective_plan(self.env.company)
            level = plan.level_ids.filtered(lambda lvl: lvl.call_script)[:1] if plan else level
        return level.call_script if level else False

    def action_relance_call_screen(self):
        self.ensure_one()
        check_collector(self.env)
        return {
            "type": "ir.actions.act_window",
            "name": _("Call %s", self.commercial_partner_id.name),
            "res_model": "res.partner",
            "res_id": self.commercial_partner_id.id,
            "view_mode": "form",
            "views": [
                (self.env.ref("relance_avancee.res_partner_view_form_call_screen").id, "form")
            ],
            "target": "current",
        }

    def action_relance_outcome(self):
        """Outcome buttons of the call screen: the call outcome wizard, preset."""
        self.ensure_one()
        check_collector(self.env)
        action = self.action_relance_log_call()
        outcome = self.env.context.get("relance_outcome")
        if outcome:
            action["context"] = {**action.get("context", {}), "default_outcome": outcome}
        return action

    def action_relance_commercial_lead(self):
        """Call screen: note a commercial lead heard during the call, for the salesperson."""
        self.ensure_one()
        customer = self.commercial_partner_id
        check_collector_customer(self.env, customer)
        return {
            "type": "ir.actions.act_window",
            "name": _("Commercial lead"),
            "res_model": "relance.commercial.lead",
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "new",
            "context": {"default_partner_id": customer.id},
        }
