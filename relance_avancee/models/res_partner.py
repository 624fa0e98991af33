# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL, format_date, sql

from ..access import check_collector, check_internal, check_manager, is_collector, is_manager

# Dunning settings and state live on the commercial partner; contacts share them.
RELANCE_COMMERCIAL_FIELDS = [
    "relance_typology_id",
    "relance_plan_id",
    "relance_collector_id",
    "relance_excluded",
    "relance_po_required",
    "relance_channel_preference",
]
# Written by the engine and by collections managers only: a collector cannot unblock,
# nor move the state the daily run keeps (level, next date, priority).
RELANCE_MANAGER_FIELDS = {
    "relance_blocked",
    "relance_blocked_reason",
    "relance_blocked_date",
    "relance_litigation",
    "relance_level_id",
    "relance_next_date",
    "relance_priority",
    "relance_insolvency_kind",
    "relance_insolvency_date",
    "relance_insolvency_publication_date",
    "relance_insolvency_court",
    "relance_insolvency_administrator_id",
    "relance_typology_rule_id",
    "relance_typology_rule_date",
}
# Dunning settings and promises: collectors and managers only (not every contact editor).
RELANCE_COLLECTOR_FIELDS = {
    "relance_typology_id",
    "relance_typology_locked",
    "relance_plan_id",
    "relance_collector_id",
    "relance_excluded",
    "relance_exclusion_reason",
    "relance_channel_preference",
    "relance_promise_date",
    "relance_promise_amount",
    "relance_promise_broken_date",
    "relance_professional",
    "relance_email_to_check",
    "relance_replied_date",
    "relance_contact_role",
}


class ResPartner(models.Model):
    _inherit = "res.partner"

    relance_typology_id = fields.Many2one(
        "relance.typology", string="Dunning Typology", index=True, tracking=True
    )
    relance_plan_id = fields.Many2one(
        "relance.plan",
        string="Dunning Plan",
        compute="_compute_relance_plan_id",
        store=True,
        readonly=False,
        index=True,
        tracking=True,
        help="The typology's plan unless you choose another one for this customer.",
    )
    relance_collector_id = fields.Many2one(
        "res.users", string="Collector", index=True, tracking=True
    )
    relance_po_required = fields.Boolean(
        string="Purchase Order Reference Required",
        tracking=True,
        help="The customer pays only invoices that carry its purchase order reference "
        "(the invoice reference field).",
    )
    relance_channel_preference = fields.Selection(
        [("email", "Email"), ("letter", "Letter")],
        string="Preferred Channel",
        help="Written reminders use this channel whatever the level says.",
    )
    relance_invoice_address_wrong = fields.Boolean(
        string="Invoicing Address Reported Wrong",
        copy=False,
        tracking=True,
        help="Set when a dispute reported a wrong recipient or address; cleared once fixed. "
        "A report alone warns when invoices are posted; it blocks them (in block mode) only "
        "once an accountant confirms it.",
    )
    relance_invoice_address_confirmed = fields.Boolean(
        string="Wrong Address Confirmed",
        copy=False,
        readonly=True,
        tracking=True,
        help="An accountant checked the reported wrong address: in block mode, the "
        "customer's invoices cannot be posted until it is fixed.",
    )
    relance_excluded = fields.Boolean(
        string="Excluded From Dunning",
        tracking=True,
        help="Never reminded while checked.",
    )
    relance_exclusion_reason = fields.Char(string="Exclusion Reason", tracking=True)
    # The dunning state below belongs to each company: a customer invoiced by two
    # companies may be blocked, in litigation or at a level in one of them only.
    relance_blocked = fields.Boolean(
        string="Blocked (Unpaid)", tracking=True, copy=False, company_dependent=True
    )
    relance_blocked_reason = fields.Char(string="Block Reason", copy=False, company_dependent=True)
    relance_blocked_date = fields.Date(string="Blocked On", copy=False, company_dependent=True)
    relance_litigation = fields.Boolean(
        string="In Litigation", tracking=True, copy=False, company_dependent=True
    )
    relance_promise_date = fields.Date(
        string="Promised Payment Date", copy=False, tracking=True, company_dependent=True
    )
    relance_promise_amount = fields.Float(
        string="Promised Amount",
        digits="Account",
        copy=False,
        company_dependent=True,
        help="In the company's currency.",
    )
    relance_promise_broken_date = fields.Date(
        string="Promise Broken On",
        copy=False,
        company_dependent=True,
        help="Set by the daily run when the promised date (plus the plan's grace) has "
        "passed with invoices still overdue; cleared by a new promise.",
    )
    relance_next_date = fields.Date(string="Next Reminder", copy=False, company_dependent=True)
    relance_level_id = fields.Many2one(
        "relance.level", string="Dunning Level", copy=False, company_dependent=True
    )
    relance_priority = fields.Float(
        string="Priority Score",
        copy=False,
        company_dependent=True,
        help="Overdue amount (thousands) x days late (weeks) x typology weight, "
        "doubled after a broken promise: the higher, the sooner to work.",
    )
    relance_currency_id = fields.Many2one("res.currency", compute="_compute_relance_currency_id")
    relance_overdue_amount = fields.Monetary(
        string="Overdue Amount",
        currency_field="relance_currency_id",
        compute="_compute_relance_amounts",
        help="Amount past its due date and still to be paid (payments registered "
        "but not yet booked are deducted).",
    )
    relance_due_amount = fields.Monetary(
        string="Amount Due",
        currency_field="relance_currency_id",
        compute="_compute_relance_amounts",
    )
    relance_oldest_due_date = fields.Date(
        string="Oldest Due Date", compute="_compute_relance_amounts"
    )
    relance_history_count = fields.Integer(compute="_compute_relance_history_count")
    relance_history_ids = fields.One2many(
        "relance.history", "partner_id", string="Dunning History", readonly=True
    )
    relance_open_invoice_ids = fields.Many2many(
        "account.move", compute="_compute_relance_open_invoice_ids", string="Open Invoices"
    )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._relance_check_dunning_fields(vals)
            self._relance_check_address_confirmation(vals)
        return super().create(vals_list)

    def write(self, vals):
        self._relance_check_dunning_fields(vals)
        if "relance_invoice_address_wrong" in vals and not vals["relance_invoice_address_wrong"]:
            if any(self.mapped("relance_invoice_address_confirmed")):
                vals = dict(vals, relance_invoice_address_confirmed=False)  # fixed
        self._relance_check_address_confirmation(vals)
        if "relance_promise_date" in vals and "relance_promise_broken_date" not in vals:
            vals = dict(vals, relance_promise_broken_date=False)
        return super().write(vals)

    def _relance_check_dunning_fields(self, vals):
        """Dunning settings and state are the collections team's: a contact editor may
        not change them. The engine and internal code write them as superuser."""
        if self.env.su:
            return
        changed = self._relance_changed_fields(vals)
        if changed & RELANCE_MANAGER_FIELDS and not is_manager(self.env):
            raise AccessError(
                _(
                    "Only a collections manager can block or unblock a customer, "
                    "put it in litigation, record insolvency proceedings or change its "
                    "dunning level."
                )
            )
        if changed & RELANCE_COLLECTOR_FIELDS and not is_collector(self.env):
            raise AccessError(
                _(
                    "Only collectors can change a customer's dunning settings "
                    "(typology, plan, collector, exclusion, promise to pay)."
                )
            )
        if {"relance_excluded", "relance_exclusion_reason"} & changed:
            self._relance_check_exclusion_reason(vals)

    def _relance_changed_fields(self, vals):
        """The dunning fields whose value ``vals`` changes. A value the contact already
        has, or shares with its commercial partner (synchronisation of the commercial
        fields), is no change; a new contact starts empty or with its parent company's
        values. A contact's own fields (its dunning role, its bounce flag) are not
        synchronised: only its own value is no change."""
        names = (RELANCE_MANAGER_FIELDS | RELANCE_COLLECTOR_FIELDS).intersection(vals)
        if not names:
            return set()
        if not self:
            parent = self.browse(vals.get("parent_id")).commercial_partner_id
            return {name for name in names if not parent._relance_holds(name, vals[name], True)}
        commercial = set(self._commercial_fields())
        return {
            name
            for name in names
            for partner in self
            if not (
                partner | partner.commercial_partner_id if name in commercial else partner
            )._relance_holds(name, vals[name], False)
        }

    def _relance_holds(self, name, value, allow_empty):
        """Whether one of these partners (or the empty value) has ``value`` in ``name``."""
        field = self._fields[name]
        held = [field.convert_to_cache(partner[name], partner, validate=False) for partner in self]
        if allow_empty:
            held.append(field.convert_to_cache(False, self, validate=False))
        return field.convert_to_cache(value, self, validate=False) in held

    def _relance_check_exclusion_reason(self, vals):
        """Excluding a customer from dunning always says why."""
        for partner in self or [self.browse()]:
            excluded = vals.get("relance_excluded", partner.relance_excluded)
            reason = vals.get("relance_exclusion_reason", partner.relance_exclusion_reason)
            if excluded and not (reason or "").strip():
                raise UserError(_("Give the reason for excluding the customer from dunning."))

    @api.model
    def _relance_check_address_confirmation(self, vals):
        """A reported wrong address blocks invoices only once accounting confirms it."""
        if (
            "relance_invoice_address_confirmed" in vals
            and not self.env.su
            and not self.env.user.has_group("account.group_account_invoice")
        ):
            raise AccessError(
                _("Only accounting users can confirm or lift a wrong invoicing address.")
            )

    def action_relance_confirm_address_wrong(self):
        """Accounting checked the reported wrong address: invoices are checked against it."""
        self._relance_check_address_confirmation({"relance_invoice_address_confirmed": True})
        self.commercial_partner_id.sudo().write(
            {"relance_invoice_address_wrong": True, "relance_invoice_address_confirmed": True}
        )
        return True

    @api.model
    def _commercial_fields(self):
        return super()._commercial_fields() + RELANCE_COMMERCIAL_FIELDS

    @api.depends("relance_typology_id")
    def _compute_relance_plan_id(self):
        for partner in self:
            partner.relance_plan_id = partner.relance_typology_id.plan_id

    def _compute_relance_currency_id(self):
        for partner in self:
            partner.relance_currency_id = self.env.company.currency_id

    @api.depends_context("company")
    def _compute_relance_amounts(self):
        figures = self._relance_open_invoice_figures()
        for partner in self:
            due, overdue, oldest = figures.get(partner.commercial_partner_id.id, (0.0, 0.0, False))
            partner.relance_due_amount = due
            partner.relance_overdue_amount = overdue
            partner.relance_oldest_due_date = oldest

    def _relance_open_invoice_figures(self, date=None):
        """{commercial partner id: (amount due, overdue amount, oldest overdue date)}.

        In company currency, for the current company, net of payments registered but
        not yet booked and of the customer's open credits (``relance_amount_due``).
        """
        date = date or fields.Date.context_today(self)
        if not self.commercial_partner_id:
            return {}
        # Figures only: salespeople see a customer's overdue amount, not its invoices.
        moves = self.env["account.move"].sudo()
        invoices = moves.search(moves._relance_open_invoice_domain(self, self.env.company))
        still_due = invoices._relance_amount_due_map(in_company_currency=True)
        # Overdue: the instalments whose due date has passed (due the day before).
        past_due = invoices._relance_amount_payable_map(
            date - timedelta(days=1), in_company_currency=True, due=still_due
        )
        figures = {}
        for invoice in invoices:
            due, overdue, oldest = figures.get(invoice.commercial_partner_id.id, (0.0, 0.0, False))
            due += still_due.get(invoice.id, 0.0)
            late = past_due.get(invoice.id, 0.0)
            if late > 0 and invoice.relance_due_date and invoice.relance_due_date < date:
                overdue += late
                oldest = (
                    min(oldest, invoice.relance_due_date) if oldest else invoice.relance_due_date
                )
            figures[invoice.commercial_partner_id.id] = (due, overdue, oldest)
        # Credits larger than the invoices: the customer's balance is in its favour.
        credit_left = invoices._relance_credit_left(self.commercial_partner_id, self.env.company)
        for partner_id, credit in credit_left.items():
            due, overdue, oldest = figures.get(partner_id, (0.0, 0.0, False))
            figures[partner_id] = (due - credit, overdue, oldest)
        return figures

    @api.depends_context("company")
    def _compute_relance_open_invoice_ids(self):
        for partner in self:
            moves = self.env["account.move"]
            partner.relance_open_invoice_ids = moves.search(
                moves._relance_open_invoice_domain(partner, self.env.company),
                order="invoice_date_due, id",
            )

    def _compute_relance_history_count(self):
        counts = dict(
            self.env["relance.history"]._read_group(
                [("partner_id", "in", self.commercial_partner_id.ids)],
                ["partner_id"],
                ["__count"],
            )
        )
        for partner in self:
            partner.relance_history_count = counts.get(partner.commercial_partner_id, 0)

    def _relance_overdue_invoices(self, date=None):
        date = date or fields.Date.context_today(self)
        moves = self.env["account.move"]
        return moves.search(
            [
                *moves._relance_open_invoice_domain(self, self.env.company),
                ("relance_due_date", "<", date),
            ],
            order="relance_due_date, id",
        )

    def action_relance_log_call(self):
        self.ensure_one()
        check_collector(self.env)
        partner = self.commercial_partner_id
        planned = self.env["relance.history"].search(
            [("partner_id", "=", partner.id), ("channel", "=", "phone"), ("state", "=", "planned")],
            order="date",
            limit=1,
        )
        return (
            planned.action_log_call()
            if planned
            else {
                "type": "ir.actions.act_window",
                "name": _("Log a Call"),
                "res_model": "relance.call.outcome",
                "view_mode": "form",
                "target": "new",
                "context": {"default_partner_id": partner.id},
            }
        )

    def action_relance_send_now(self):
        check_collector(self.env)
        return {
            "type": "ir.actions.act_window",
            "name": _("Send Reminder Now"),
            "res_model": "relance.send.manual",
            "view_mode": "form",
            "target": "new",
            "context": {"active_model": "res.partner", "active_ids": self.ids},
        }

    def action_relance_exclude(self):
        check_collector(self.env)
        return {
            "type": "ir.actions.act_window",
            "name": _("Exclude From Dunning"),
            "res_model": "relance.exclusion",
            "view_mode": "form",
            "target": "new",
            "context": {"active_model": "res.partner", "active_ids": self.ids},
        }

    def action_relance_include(self):
        check_collector(self.env)
        for partner in self.commercial_partner_id.filtered("relance_excluded"):
            partner.write({"relance_excluded": False, "relance_exclusion_reason": False})
            partner.message_post(body=_("Dunning resumed for this customer."))
        return True

    def _relance_effective_plan(self, company):
        """Plan of the customer: its own or its typology's, else the company default."""
        self.ensure_one()
        return self.commercial_partner_id.relance_plan_id or company.relance_default_plan_id

    def action_relance_open_history(self):
        self.ensure_one()
        check_collector(self.env)
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "relance_avancee.relance_history_action"
        )
        action["domain"] = [("partner_id", "=", self.commercial_partner_id.id)]
        action["context"] = {"default_partner_id": self.commercial_partner_id.id}
        return action

    def action_relance_open_invoices(self):
        self.ensure_one()
        check_internal(self.env)
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "account.action_move_out_invoice_type"
        )
        action["domain"] = self.env["account.move"]._relance_open_invoice_domain(self)
        action["context"] = {"search_default_overdue": 0, "create": False}
        action["name"] = _("Open Invoices")
        return action

    # --- state kept by the daily run -----------------------------------------

    def _relance_block_banner(self):
        """What a salesperson must know about a blocked customer, in one sentence."""
        self.ensure_one()
        partner = self.commercial_partner_id
        parts = [
            _(
                "Customer blocked for unpaid invoices: %(amount)s overdue",
                amount=partner.relance_currency_id.format(partner.relance_overdue_amount),
            )
        ]
        if partner.relance_oldest_due_date:
            parts.append(
                _("oldest due date %s", format_date(self.env, partner.relance_oldest_due_date))
            )
        if partner.relance_collector_id:
            parts.append(_("contact %s (collections)", partner.relance_collector_id.name))
        if partner.relance_blocked_reason:
            parts.append(_("reason: %s", partner.relance_blocked_reason))
        return ", ".join(parts) + "."

    def action_relance_block_wizard(self):
        check_manager(self.env)
        return {
            "type": "ir.actions.act_window",
            "name": _("Block or Unblock"),
            "res_model": "relance.block.partner",
            "view_mode": "form",
            "target": "new",
            "context": {
                "default_partner_id": self.commercial_partner_id.id,
                "default_block": not self.commercial_partner_id.relance_blocked,
            },
        }

    def _relance_block(self, reason):
        to_block = self.commercial_partner_id.filtered(
            lambda p: not p.relance_blocked and not p.relance_insolvency_date
        )
        # Blocking is the engine's decision (a level reached), whoever runs it.
        to_block.sudo().write(
            {
                "relance_blocked": True,
                "relance_blocked_reason": reason,
                "relance_blocked_date": fields.Date.context_today(self),
            }
        )
        for partner in to_block:
            partner.message_post(body=_("Customer blocked: %s", reason))

    def _relance_unblock(self, reason):
        to_unblock = self.commercial_partner_id.filtered("relance_blocked")
        # Callers check who may unblock (the manager's wizard, or a payment).
        to_unblock.sudo().write(
            {
                "relance_blocked": False,
                "relance_blocked_reason": False,
                "relance_blocked_date": False,
            }
        )
        for partner in to_unblock:
            partner.message_post(body=_("Customer unblocked: %s", reason))

    def _relance_refresh_state(self, date=None):
        """Level, next date and priority of each customer, from its open invoices."""
        date = date or fields.Date.context_today(self)
        partners = self.commercial_partner_id
        figures = partners._relance_open_invoice_figures(date)
        moves = self.env["account.move"]
        invoices = moves.search(moves._relance_open_invoice_domain(partners, self.env.company))
        by_partner = {}
        for invoice in invoices:
            by_partner.setdefault(invoice.commercial_partner_id.id, []).append(invoice)
        # Actions planned for today or earlier (a call, an action to validate) keep the
        # customer on today's worklist, whatever the date of the next level.
        planned_dates = dict(
            self.env["relance.history"]
            .sudo()
            ._read_group(
                [
                    ("partner_id", "in", partners.ids),
                    ("company_id", "=", self.env.company.id),
                    ("state", "=", "planned"),
                    ("date", "<=", date),
                ],
                ["partner_id"],
                ["date:min"],
            )
        )
        broken = partners._relance_broken_promise_ids(date)
        replied = partners._relance_reply_paused_ids(date)
        states = {}
        for partner in partners:
            open_invoices = by_partner.get(partner.id, [])
            levels = [inv.relance_level_id for inv in open_invoices if inv.relance_level_id]
            next_dates = [
                inv.relance_next_date or partner._relance_first_date(inv)
                for inv in open_invoices
                if not inv.relance_suspended
            ]
            next_dates = [day for day in next_dates if day]
            if planned_dates.get(partner):
                next_dates.append(planned_dates[partner])
            if partner.id in replied:  # a reply waits for the collector today
                next_dates.append(partner.relance_replied_date)
            _due, overdue, oldest = figures.get(partner.id, (0.0, 0.0, False))
            states[partner.id] = (
                max(levels, key=lambda lvl: lvl.offset_days).id if levels else None,
                min(next_dates) if next_dates else None,
                partner._relance_priority_score(overdue, oldest, date, broken),
            )
        self._relance_store_state(states)
        partners._relance_auto_unblock(figures)

    def _relance_store_state(self, states):
        """Write {partner id: (level id, next date, priority)} in one statement.

        Written in SQL: res.partner.write costs about 3 ms per customer (contact
        synchronisation, tracking), while these three columns are the current
        company's dunning state only, read by the worklist; nothing is computed
        from them.
        """
        if not states:
            return
        fields_written = ["relance_level_id", "relance_next_date", "relance_priority"]
        partners = self.browse(list(states))
        partners.flush_recordset(fields_written)
        rows = SQL(", ").join(
            SQL("(%s, %s::int, %s::date, %s::float)", partner_id, *state)
            for partner_id, state in states.items()
        )
        # Company-dependent columns: {company id: value}, this company's key replaced.
        company = str(self.env.company.id)
        self.env.cr.execute(
            SQL(
                """
                UPDATE res_partner AS partner
                   SET relance_level_id = COALESCE(partner.relance_level_id, '{}')
                           || jsonb_build_object(%(company)s, state.level_id),
                       relance_next_date = COALESCE(partner.relance_next_date, '{}')
                           || jsonb_build_object(%(company)s, state.next_date),
                       relance_priority = COALESCE(partner.relance_priority, '{}')
                           || jsonb_build_object(%(company)s, state.priority)
                  FROM (VALUES %(rows)s) AS state(id, level_id, next_date, priority)
                 WHERE partner.id = state.id
                """,
                company=company,
                rows=rows,
            )
        )
        partners.invalidate_recordset(fields_written)

    def _auto_init(self):
        """The worklist's order indexes of every company (see _relance_create_indexes)."""
        result = super()._auto_init()
        self.env.cr.execute("SELECT id FROM res_company")
        self._relance_create_indexes([company_id for (company_id,) in self.env.cr.fetchall()])
        return result

    @api.model
    def _relance_create_indexes(self, company_ids):
        """Index the priority of each company's customers, in the expression the ORM
        orders the worklist by (a company-dependent column is jsonb {company: value}),
        and the payer grade followed by the priority: the worklist filtered on a grade
        (C and D payers, worst first) reads its page in order too.

        Created at install and update for the existing companies and when a company
        is created. The next date has no such index: its cast to a date is not
        immutable; the worklist reads the customers by priority and keeps the due ones.
        """
        for company_id in company_ids:
            key = int(company_id)
            priority = f"((relance_priority -> '{key}' ->> 0)::double precision)"
            grade = f"((relance_payer_score -> '{key}' ->> 0)::varchar)"
            sql.create_index(
                self.env.cr,
                f"res_partner_relance_priority_company_{key}_index",
                self._table,
                [priority],
            )
            sql.create_index(
                self.env.cr,
                f"res_partner_relance_payer_score_company_{key}_index",
                self._table,
                [grade, priority],
            )

    def _relance_first_date(self, invoice):
        """When a never-reminded invoice meets the first level of its plan."""
        if invoice.relance_level_id:
            return False
        plan = self._relance_effective_plan(invoice.company_id)
        first = plan.level_ids.sorted("sequence")[:1] if plan else False
        if not first or not invoice.relance_due_date:
            return False
        return invoice.relance_due_date + timedelta(days=first.offset_days)

    def _relance_priority_score(self, overdue, oldest, date, broken=()):
        """``broken``: ids of the customers whose promise is broken (doubled score)."""
        if overdue <= 0:
            return 0.0
        weeks_late = ((date - oldest).days / 7.0) if oldest else 0.0
        weight = self.relance_typology_id.priority_weight or 1.0
        score = overdue / 1000.0 * (1.0 + weeks_late) * weight
        if self.id in broken:
            score *= 2
        return round(score, 2)

    def _relance_promise_broken(self, date):
        self.ensure_one()
        return self.id in self._relance_broken_promise_ids(date)

    def _relance_broken_promise_ids(self, date):
        """Ids of these customers whose latest promise to pay in the current company is
        broken on ``date``, by the one rule (``relance.history._relance_promise_states``:
        the promised invoices not paid the promised amount by the promised date plus the
        grace of the customer's plan)."""
        promised = self.filtered(lambda p: p.relance_promise_date and p.relance_promise_date < date)
        if not promised:
            return set()
        entries = (
            self.env["relance.history"]
            .sudo()
            .search(
                [
                    ("partner_id", "in", promised.ids),
                    ("company_id", "=", self.env.company.id),
                    ("outcome", "=", "promise"),
                    ("state", "=", "done"),
                    ("promise_date", "!=", False),
                ],
                order="date desc, id desc",
            )
        )
        latest = {}
        for entry in entries:
            latest.setdefault(entry.partner_id.id, entry)
        states = entries.browse([e.id for e in latest.values()])._relance_promise_states(date)
        return {
            partner_id for partner_id, entry in latest.items() if states.get(entry.id) == "broken"
        }

    def _relance_note_broken_promises(self, date):
        """Note once, in the chatter, each promise not kept by ``date``: the customer
        still owes past the promised date and the plan's grace. Dunning resumes."""
        unnoted = self.filtered(lambda p: not p.relance_promise_broken_date)
        broken = unnoted.browse(sorted(unnoted._relance_broken_promise_ids(date)))
        figures = broken._relance_open_invoice_figures(date)
        currency = self.env.company.currency_id
        for partner in broken:
            _due, overdue, _oldest = figures.get(partner.id, (0.0, 0.0, False))
            if overdue <= 0:
                continue
            partner.message_post(
                body=_(
                    "Promise to pay not kept: %(amount)s promised by %(date)s, "
                    "%(overdue)s still overdue. Dunning resumes.",
                    amount=currency.format(partner.relance_promise_amount),
                    date=format_date(self.env, partner.relance_promise_date),
                    overdue=currency.format(overdue),
                ),
                subtype_xmlid="mail.mt_note",
            )
            partner.relance_promise_broken_date = date

    def _relance_auto_unblock(self, figures):
        for partner in self.filtered("relance_blocked"):
            company = self.env.company
            _due, overdue, _oldest = figures.get(partner.id, (0.0, 0.0, False))
            if company.relance_auto_unblock and overdue <= 0 and not partner.relance_litigation:
                partner._relance_unblock(_("nothing overdue remains."))
