# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from collections import defaultdict
from datetime import timedelta

from odoo import api, models

from ..performance import collector_paused, column_values

# What the decisions read of each candidate invoice, as plain values (_candidate_rows).
CANDIDATE_COLUMNS = (
    "commercial_partner_id",
    "relance_due_date",
    "relance_level_id",
    "relance_last_date",
    "relance_promise_date",
    "relance_is_penalty",
)


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
        """What the decisions read of thousands of invoices through the ORM (the
        amounts due of their settlements), read in one go: read one by one, a field
        would read the hundred other columns and relations of account.move along. The
        loop's own columns are read as plain values (``CANDIDATE_COLUMNS``)."""
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
            "relance_suspended",  # the order in which credits settle invoices
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
        """``_compute_decisions``, the cyclic garbage collector paused.

        A run decides tens of thousands of invoices: the loop works on their columns
        read once as plain values (``_candidate_rows``) and on ids, and makes records
        only of what it decides."""
        invoices = self._candidate_invoices(company, partners)
        pending = self._pending_move_ids(invoices)
        # What is read of thousands of customers, without their hundred other columns.
        customers = invoices.commercial_partner_id
        customers.fetch(["commercial_partner_id", "relance_plan_id", "relance_replied_date"])
        # Customers who just answered a reminder wait for their collector.
        replied = customers.with_company(company)._relance_reply_paused_ids(date)
        still_due = invoices._relance_amount_due_map(in_company_currency=True)
        plans = _CustomerPlans(self, company, customers)
        due = []  # (invoice id, customer id, level id) in the order of the invoices
        penalties = defaultdict(list)  # customer id: [(invoice id, amount)]
        for row in self._candidate_rows(invoices):
            move_id, partner_id, due_date, level_id, last_date, promise, is_penalty = row
            amount = still_due.get(move_id, 0.0)
            if move_id in pending or amount <= 0 or last_date == date:
                continue
            if is_penalty:
                penalties[partner_id].append((move_id, amount))
                continue
            if partner_id in replied:
                continue
            plan, steps = plans.of(partner_id)
            if not plan or self._promise_holds(promise, plan, date):
                continue
            level = self._level_due(steps, due_date, level_id, last_date, date)
            if level:
                due.append((move_id, partner_id, level))
        kept = self._kept_lines(due, date, still_due, plans)
        moves = self._records_by_id(
            invoices, [line[0] for lines in kept.values() for line in lines]
        )
        decisions = [
            self._customer_decision(plans.customer(partner_id), part, moves, plans)
            for partner_id, lines in kept.items()
            for part in self._split_litigation(lines, plans)
        ]
        self._join_penalties(decisions, self._penalty_lines(invoices, penalties, plans))
        return decisions

    @api.model
    def _candidate_rows(self, invoices):
        """``(id, customer id, oldest open due date, level id, last reminder, promised
        date, is a penalty)`` of each candidate invoice, in their order: read once as
        plain values (through the ORM, one record at a time, these reads took a third
        of the decisions' time)."""
        values = column_values(invoices, CANDIDATE_COLUMNS)
        return [(move_id, *values[move_id]) for move_id in invoices._ids]

    @api.model
    def _kept_lines(self, due, date, still_due, plans):
        """{customer id: [(invoice id, level id, claimed)]}: the invoices ``due`` at a
        level whose claim reaches the plan's minimum. The minimum is the customer's
        total claimed at a level: many small invoices together deserve a reminder."""
        claimed = self._claimed_by_level(due, date, still_due)
        groups = defaultdict(lambda: {"lines": [], "amount": 0.0})
        for move_id, partner_id, level_id in due:
            amount = claimed[move_id]
            if amount and amount > 0:
                group = groups[(partner_id, level_id)]
                group["lines"].append((move_id, level_id, amount))
                group["amount"] += amount
        kept = defaultdict(list)
        for (partner_id, level_id), group in groups.items():
            if group["amount"] >= plans.min_amount(level_id):
                kept[partner_id].extend(group["lines"])
        return kept

    @api.model
    def _records_by_id(self, records, ids):
        """{id: record} for these ``ids`` of ``records``' model, the records prefetching
        together (a record browsed alone would read its other fields alone)."""
        subset = records.browse(ids)
        return dict(zip(subset._ids, subset, strict=True))

    @api.model
    def _penalty_lines(self, invoices, penalties, plans):
        """{customer: [(penalty invoice, amount)]} of ``penalties`` (by ids)."""
        moves = self._records_by_id(
            invoices, [move_id for lines in penalties.values() for move_id, _amt in lines]
        )
        return {
            plans.customer(partner_id): [(moves[move_id], amount) for move_id, amount in lines]
            for partner_id, lines in penalties.items()
        }

    @api.model
    def _split_litigation(self, lines, plans):
        """A hand-over to litigation is no message to the customer: its invoices make
        their own action, the others the customer's one message of the day.
        ``lines``: ``(invoice id, level id, claimed)`` of the run's ``_CustomerPlans``."""
        litigation = [line for line in lines if plans.level_is(line[1], "litigation")]
        others = [line for line in lines if not plans.level_is(line[1], "litigation")]
        return [part for part in (others, litigation) if part]

    @api.model
    def _customer_decision(self, partner, lines, moves, plans):
        """The day's one action for a customer: written at its most advanced level;
        invoices falling due soon are listed, not claimed (unless all are).
        ``lines``: ``(invoice id, level id, claimed)`` of the run's ``_CustomerPlans``
        ``plans``; ``moves``: {invoice id: invoice}."""
        level = self._most_advanced(plans.levels_of(dict.fromkeys(line[1] for line in lines)))
        amount = sum(
            claimed
            for _move_id, level_id, claimed in lines
            if level.preventive or not plans.level_is(level_id, "preventive")
        )
        levels = plans.levels()
        return {
            "partner": partner,
            "level": level,
            # One line per invoice: its ids need no union.
            "moves": self.env["account.move"].browse([line[0] for line in lines]),
            "amount": amount,
            "lines": [
                (moves[move_id], levels[level_id], claimed) for move_id, level_id, claimed in lines
            ],
        }

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
        return self._promise_holds(invoice.relance_promise_date, plan, date)

    @api.model
    def _promise_holds(self, promise, plan, date):
        """``_promise_pauses`` for an invoice's promised date (``promise``, a date or
        nothing) read as a plain value."""
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
        """{invoice id: what its level claims} for ``due`` ((invoice id, customer id,
        level id)): ``_claimed_amounts`` called once per level on all its invoices."""
        by_level = defaultdict(list)
        for move_id, _partner_id, level_id in due:
            by_level[level_id].append(move_id)
        claimed = {}
        moves, levels = self.env["account.move"], self.env["relance.level"]
        for level_id, ids in by_level.items():
            level = levels.browse(level_id)
            claimed.update(self._claimed_amounts(moves.browse(ids), level, date, still_due))
        return claimed

    @api.model
    def _level_steps(self, levels):
        """``_next_level`` within ``levels`` and each level's timing, each answer
        computed once (a run asks them for thousands of invoices on the same few
        levels)."""
        return LevelSteps(self, levels)

    @api.model
    def _level_due(self, steps, due_date, level_id, last_date, date):
        """The id of the one next level of an invoice when it is due on ``date``, else
        None. The invoice as plain values: the due date of its oldest open instalment,
        the id of its current level (or nothing), its last reminder (or nothing);
        ``steps``: ``_level_steps`` of its plan's levels.

        One step per run (crescendo, no jumps). A preventive level is pointless once
        the invoice is overdue: it is passed over for the first level after the due date.
        """
        level = steps.following(level_id)
        overdue = date > due_date
        while level and steps.offset(level) < 0 and overdue:
            level = steps.following(level)
        if not level:
            return None
        if date < due_date + steps.delay(level):
            return None
        if last_date and date < last_date + steps.gap(level):
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
    next one and its timing, read once, by level id."""

    def __init__(self, engine, levels):
        self._engine = engine
        self._levels = levels
        self._following = {}
        self._timing = {
            level.id: (
                level.offset_days,
                timedelta(days=level.offset_days),
                timedelta(days=level.min_gap_days),
            )
            for level in levels
        }

    def following(self, level_id):
        """The id of the level after ``level_id`` (nothing: the first level), None at
        the end (``relance.engine._next_level``)."""
        if level_id not in self._following:
            current = self._engine.env["relance.level"].browse(level_id or ())
            following = self._engine._next_level(current, self._levels)
            self._following[level_id] = following.id or None
        return self._following[level_id]

    def offset(self, level_id):
        """Days after the due date the level acts (negative: before)."""
        return self._timing[level_id][0]

    def delay(self, level_id):
        """``offset`` as a timedelta."""
        return self._timing[level_id][1]

    def gap(self, level_id):
        """The level's minimum time since the last reminder."""
        return self._timing[level_id][2]


class _CustomerPlans:
    """The plan of each customer of a run in its company and its levels' steps
    (``LevelSteps``), each looked up once, by customer id."""

    def __init__(self, engine, company, customers):
        self._engine = engine
        self._company = company
        self._customers = dict(zip(customers._ids, customers, strict=True))
        self._plans = {}  # customer id: (plan, steps), (None, None) without plan
        self._steps = {}  # plan: its LevelSteps
        self._levels = {}  # level id: level, of the plans met
        self._min_amounts = {}  # level id: its plan's minimum
        self._kinds = {}  # (level id, "preventive" or "litigation"): bool

    def customer(self, partner_id):
        return self._customers[partner_id]

    def of(self, partner_id):
        """(plan, its LevelSteps) of the customer in the run's company, (None, None)
        when it has none there (a plan of another company does not apply)."""
        if partner_id not in self._plans:
            company = self._company
            plan = self._customers[partner_id]._relance_effective_plan(company)
            if not plan or (plan.company_id and plan.company_id != company):
                self._plans[partner_id] = (None, None)
            else:
                self._plans[partner_id] = (plan, self._steps_of(plan))
        return self._plans[partner_id]

    def _steps_of(self, plan):
        if plan not in self._steps:
            levels = plan.level_ids.sorted("sequence")
            self._steps[plan] = self._engine._level_steps(levels)
            self._levels.update(zip(levels._ids, levels, strict=True))
            self._min_amounts.update(dict.fromkeys(levels._ids, plan.min_amount))
        return self._steps[plan]

    def levels(self):
        """{level id: level} of the plans met."""
        return self._levels

    def levels_of(self, level_ids):
        """The levels of these ids (of the plans met), as one recordset."""
        return (
            self._engine.env["relance.level"].browse(level_ids).with_prefetch(tuple(self._levels))
        )

    def level_is(self, level_id, kind):
        """Whether the level is ``preventive`` (acts before the due date) or hands over
        to ``litigation``, read once per level."""
        if (level_id, kind) not in self._kinds:
            level = self._levels[level_id]
            is_kind = level.preventive if kind == "preventive" else level.channel == kind
            self._kinds[level_id, kind] = is_kind
        return self._kinds[level_id, kind]

    def min_amount(self, level_id):
        """The minimum of the level's plan: what a customer's invoices at that level
        must claim together."""
        return self._min_amounts[level_id]
