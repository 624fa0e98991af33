# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from collections import defaultdict
from datetime import timedelta

from odoo import api, models

from ..performance import collector_paused


class RelanceEngine(models.AbstractModel):
    """Decides what the daily run does: which customer gets which level, for what.

    Pure decisions: nothing is written here. ``relance.run`` turns them into
    planned history entries and ``relance.executor`` carries them out.
    """

    _name = "relance.engine"
    _description = "Dunning Decisions"

    @api.model
    def _candidate_invoices(self, company, partners=None):
        moves = self.env["account.move"]
        domain = [
            *moves._relance_open_invoice_domain(partners or None, company),
            ("relance_due_date", "!=", False),
            ("relance_suspended", "=", False),
            ("commercial_partner_id.relance_excluded", "=", False),
            # Insolvency proceedings: the legal stay stops all dunning (L622-21).
            ("commercial_partner_id.relance_insolvency_date", "=", False),
        ]
        return moves.search_fetch(domain, self._decision_fields(), order="relance_due_date, id")

    @api.model
    def _decision_fields(self):
        """What the decisions read of thousands of invoices (and the amounts due of
        their settlements), read in one go: read one by one, a field would read the
        hundred other columns and relations of account.move along."""
        return [
            "move_type",
            "state",
            "company_id",
            "currency_id",
            "commercial_partner_id",
            "date",
            "invoice_date_due",
            "amount_total",
            "amount_total_signed",
            "amount_residual",
            "amount_residual_signed",
            "relance_due_date",
            "relance_level_id",
            "relance_last_date",
            "relance_promise_date",
            "relance_is_penalty",
            "relance_suspended",
        ]

    @api.model
    def _pending_move_ids(self, invoices):
        """Invoices already in an action that is planned (to validate, or a call not logged)."""
        if not invoices:
            return set()
        self.env.cr.execute(
            """
            SELECT rel.move_id
              FROM relance_history_account_move_rel rel
              JOIN relance_history h ON h.id = rel.history_id
             WHERE h.state = 'planned' AND rel.move_id = ANY(%s)
            """,
            [invoices.ids],
        )
        return {row[0] for row in self.env.cr.fetchall()}

    @api.model
    def _compute_decisions(self, company, date, partners=None):
        """One action per customer on ``date``, at the most advanced level due.

        Returns a list of dicts ``{partner, level, moves, amount, lines}``: ``lines``
        are ``(invoice, its own level, what that level claims)``, ``level`` the most
        advanced of them (it writes the message), ``amount`` what the action claims
        (``_claimed_amounts`` at ``level``: invoices falling due soon are listed, not
        claimed), in company currency.
        """
        with collector_paused():
            return self._decide(company, date, partners)

    @api.model
    def _decide(self, company, date, partners):
        """``_compute_decisions``, the cyclic garbage collector paused."""
        invoices = self._candidate_invoices(company, partners)
        pending = self._pending_move_ids(invoices)
        # What is read of thousands of customers, without their hundred other columns.
        invoices.commercial_partner_id.fetch(
            ["commercial_partner_id", "relance_plan_id", "relance_replied_date"]
        )
        # Customers who just answered a reminder wait for their collector.
        replied = invoices.commercial_partner_id.with_company(company)._relance_reply_paused_ids(
            date
        )
        still_due = invoices._relance_amount_due_map(in_company_currency=True)
        plans = {}  # partner: its plan in this company, looked up once per customer
        levels_by_plan = {}
        steps = {}  # plan: its next levels (_level_steps), each computed once
        due = []  # (invoice, partner, level) in the order of the invoices
        penalties = defaultdict(list)
        for invoice in invoices:
            amount = still_due.get(invoice.id, 0.0)
            if invoice.id in pending or amount <= 0 or invoice.relance_last_date == date:
                continue
            partner = invoice.commercial_partner_id
            if invoice.relance_is_penalty:
                penalties[partner].append((invoice, amount))
                continue
            if partner.id in replied:
                continue
            if partner not in plans:
                plan = partner._relance_effective_plan(company)
                if plan and plan.company_id and plan.company_id != company:
                    plan = None
                plans[partner] = plan
            plan = plans[partner]
            if not plan:
                continue
            if self._promise_pauses(invoice, plan, date):
                continue
            if plan not in levels_by_plan:
                levels_by_plan[plan] = plan.level_ids.sorted("sequence")
                steps[plan] = self._level_steps(levels_by_plan[plan])
            level = self._level_due(invoice, levels_by_plan[plan], date, steps=steps[plan])
            if level:
                due.append((invoice, partner, level))
        claimed = self._claimed_by_level(due, date, still_due)
        groups = defaultdict(lambda: {"lines": [], "amount": 0.0})
        for invoice, partner, level in due:
            amount = claimed[invoice.id]
            if amount and amount > 0:
                group = groups[(partner, level)]
                group["lines"].append((invoice, level, amount))
                group["amount"] += amount
        # The plan's minimum is the customer's total due at a level: many small
        # invoices together deserve a reminder.
        kept = defaultdict(list)
        for (partner, level), group in groups.items():
            if group["amount"] >= level.plan_id.min_amount:
                kept[partner].extend(group["lines"])
        decisions = [
            self._customer_decision(partner, part)
            for partner, lines in kept.items()
            for part in self._split_litigation(lines)
        ]
        self._join_penalties(decisions, penalties)
        return decisions

    @api.model
    def _split_litigation(self, lines):
        """A hand-over to litigation is no message to the customer: its invoices make
        their own action, the others the customer's one message of the day."""
        litigation = [line for line in lines if line[1].channel == "litigation"]
        others = [line for line in lines if line[1].channel != "litigation"]
        return [part for part in (others, litigation) if part]

    @api.model
    def _customer_decision(self, partner, lines):
        """The day's one action for a customer: written at its most advanced level;
        invoices falling due soon are listed, not claimed (unless all are)."""
        level = self._most_advanced(self._levels_of(lines))
        amount = sum(
            claimed
            for _move, line_level, claimed in lines
            if level.preventive or not line_level.preventive
        )
        return {
            "partner": partner,
            "level": level,
            # One line per invoice: its ids need no union.
            "moves": self.env["account.move"].browse([move.id for move, _lvl, _amt in lines]),
            "amount": amount,
            "lines": lines,
        }

    @api.model
    def _levels_of(self, lines):
        return self.env["relance.level"].union(*(level for _move, level, _amt in lines))

    @api.model
    def _most_advanced(self, levels):
        return max(levels, key=lambda lvl: (lvl.offset_days, lvl.sequence))

    @api.model
    def _join_penalties(self, decisions, penalties):
        """Penalty invoices are reminded with the debt they come from, never on their
        own: each joins its customer's most advanced action of the day, if any, at its
        level."""
        most_advanced = {}
        for decision in decisions:
            current = most_advanced.get(decision["partner"])
            if (
                not current
                or self._most_advanced(current["level"] | decision["level"]) != (current["level"])
            ):
                most_advanced[decision["partner"]] = decision
        for partner, decision in most_advanced.items():
            for move, amount in penalties.get(partner, []):
                decision["lines"].append((move, decision["level"], amount))
                decision["moves"] |= move
                decision["amount"] += amount

    @api.model
    def _promise_pauses(self, invoice, plan, date):
        """A promise pauses the invoices it names until its date plus the plan's grace
        (``relance.history._relance_promise_deadline``); the customer's other invoices
        keep their rhythm. Promised on a call or confirmed by the customer on the portal."""
        promise = invoice.relance_promise_date
        return bool(promise) and date <= promise + timedelta(days=plan.grace_days)

    @api.model
    def _claimed_amounts(self, invoices, level, date, still_due=None, in_company_currency=True):
        """{invoice id: what a level acting on ``date`` claims}: the instalments due by
        then (a preventive level: due within its days ahead), net of payments and
        credits. Instalments falling due later wait for their turn."""
        horizon = date + timedelta(days=max(-level.offset_days, 0) if level else 0)
        return invoices._relance_amount_payable_map(
            horizon, in_company_currency=in_company_currency, due=still_due
        )

    @api.model
    def _claimed_by_level(self, due, date, still_due):
        """{invoice id: what its level claims} for ``due`` ((invoice, partner, level)):
        ``_claimed_amounts`` called once per level on all its invoices."""
        by_level = defaultdict(list)
        for invoice, _partner, level in due:
            by_level[level].append(invoice.id)
        claimed = {}
        moves = self.env["account.move"]
        for level, ids in by_level.items():
            claimed.update(self._claimed_amounts(moves.browse(ids), level, date, still_due))
        return claimed

    @api.model
    def _level_steps(self, levels):
        """``_next_level`` within ``levels`` and each level's timing, each answer
        computed once (a run asks them for thousands of invoices on the same few
        levels)."""
        return LevelSteps(self, levels)

    @api.model
    def _level_due(self, invoice, levels, date, steps=None):
        """The one next level of ``invoice`` when it is due on ``date``, else None.

        One step per run (crescendo, no jumps). A preventive level is pointless once
        the invoice is overdue: it is passed over for the first level after the due date.
        ``steps``: ``_level_steps(levels)`` when the caller decides many invoices.
        """
        steps = steps or self._level_steps(levels)
        due_date = invoice.relance_due_date  # the oldest instalment still open
        level = steps.following(invoice.relance_level_id)
        overdue = date > due_date
        while level and steps.offset(level) < 0 and overdue:
            level = steps.following(level)
        if not level:
            return None
        if date < due_date + steps.delay(level):
            return None
        last = invoice.relance_last_date
        if last and date < last + steps.gap(level):
            return None
        return level

    @api.model
    def _next_level(self, current, levels):
        if not current:
            return levels[:1]
        if current in levels:
            return levels.filtered(lambda lvl: lvl.sequence > current.sequence)[:1]
        # The customer changed plan: continue at the first step acting later.
        return levels.filtered(lambda lvl: lvl.offset_days > current.offset_days)[:1]

    @api.model
    def _following_level(self, level):
        return self._next_level(level, level.plan_id.level_ids.sorted("sequence"))

    @api.model
    def _step_date(self, invoice, following, date):
        """When ``following`` may act on ``invoice``, a step having acted on ``date``."""
        if not following:
            return False
        by_offset = invoice.relance_due_date + timedelta(days=following.offset_days)
        by_gap = date + timedelta(days=max(following.min_gap_days, 1))
        return max(by_offset, by_gap)


class LevelSteps:
    """The steps of a plan's levels, for deciding thousands of invoices: each level's
    next one and its timing, read once."""

    def __init__(self, engine, levels):
        self._engine = engine
        self._levels = levels
        self._following = {}
        self._timing = {}

    def following(self, current):
        """The level after ``current`` (``relance.engine._next_level``)."""
        if current not in self._following:
            self._following[current] = self._engine._next_level(current, self._levels)
        return self._following[current]

    def _timing_of(self, level):
        if level.id not in self._timing:
            self._timing[level.id] = (
                level.offset_days,
                timedelta(days=level.offset_days),
                timedelta(days=level.min_gap_days),
            )
        return self._timing[level.id]

    def offset(self, level):
        """Days after the due date the level acts (negative: before)."""
        return self._timing_of(level)[0]

    def delay(self, level):
        """``offset`` as a timedelta."""
        return self._timing_of(level)[1]

    def gap(self, level):
        """The level's minimum time since the last reminder."""
        return self._timing_of(level)[2]
