# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from markupsafe import Markup

from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from ..access import check_manager
from .res_partner_payer_score import PAYER_SCORES
from .res_partner_typology import BY_RULE_KEY

# The amount criteria: figures of res.partner._relance_typology_figures, each with
# an optional lower and upper bound (both included).
AMOUNT_CRITERIA = ("revenue", "average", "outstanding")


class RelanceTypologyRule(models.Model):
    """Proposes a typology from what the customer buys, owes and how it pays.

    The accountant orders the rules; the first rule that matches a customer proposes
    its typology. A bound left unchecked is not looked at. A rule never turns a public
    buyer into another customer or the reverse (their interest and court rules differ):
    a rule proposing a public-body typology matches public buyers only, any other
    rule the other customers only.
    """

    _name = "relance.typology.rule"
    _description = "Typology Rule (Dunning)"
    _order = "sequence, id"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, index=True
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    typology_id = fields.Many2one(
        "relance.typology",
        string="Proposed Typology",
        required=True,
        check_company=True,
        ondelete="restrict",
    )
    public_body = fields.Boolean(
        related="typology_id.public_body",
        string="For Public Buyers",
        help="Set by the proposed typology: a rule proposing a public-body typology "
        "matches public buyers only, any other rule the other customers only.",
    )
    revenue_from_set = fields.Boolean(string="Check Minimum Revenue")
    revenue_from = fields.Monetary(
        help="Untaxed amount invoiced in the last 365 days, credit notes deducted "
        "(penalty invoices apart), in the company's currency.",
    )
    revenue_to_set = fields.Boolean(string="Check Maximum Revenue")
    revenue_to = fields.Monetary(string="Revenue Up To")
    average_from_set = fields.Boolean(string="Check Minimum Average Invoice")
    average_from = fields.Monetary(
        string="Average Invoice From",
        help="Average untaxed amount of the invoices dated in the last 365 days. A "
        "customer without such invoices matches no rule that checks it.",
    )
    average_to_set = fields.Boolean(string="Check Maximum Average Invoice")
    average_to = fields.Monetary(string="Average Invoice Up To")
    outstanding_from_set = fields.Boolean(string="Check Minimum Outstanding")
    outstanding_from = fields.Monetary(
        help="What the customer still owes the company today (due or not), net of "
        "payments registered and open credits.",
    )
    outstanding_to_set = fields.Boolean(string="Check Maximum Outstanding")
    outstanding_to = fields.Monetary(string="Outstanding Up To")
    payer_score_from = fields.Selection(
        PAYER_SCORES,
        help="Best score accepted (A is the best). A customer without a score matches "
        "no rule that checks it.",
    )
    payer_score_to = fields.Selection(PAYER_SCORES, string="Payer Score Up To")
    criteria_summary = fields.Char(string="Criteria", compute="_compute_criteria_summary")
    note = fields.Text(translate=True)

    @api.constrains(
        *(f"{name}_{bound}" for name in AMOUNT_CRITERIA for bound in ("from", "to", "from_set")),
        *(f"{name}_to_set" for name in AMOUNT_CRITERIA),
        "payer_score_from",
        "payer_score_to",
    )
    def _check_bounds(self):
        for rule in self:
            for name in AMOUNT_CRITERIA:
                if (
                    rule[f"{name}_from_set"]
                    and rule[f"{name}_to_set"]
                    and rule.currency_id.compare_amounts(rule[f"{name}_from"], rule[f"{name}_to"])
                    > 0
                ):
                    criterion = rule._fields[f"{name}_from"].get_description(rule.env)
                    raise ValidationError(
                        _(
                            'Rule "%(rule)s": the lower bound of %(criterion)s is above its '
                            "upper bound.",
                            rule=rule.name,
                            criterion=criterion["string"],
                        )
                    )
            if rule.payer_score_from and rule.payer_score_to:
                if rule.payer_score_from > rule.payer_score_to:
                    raise ValidationError(
                        _(
                            'Rule "%s": the payer score "from" must be the better one '
                            "(A before D).",
                            rule.name,
                        )
                    )

    @api.depends(
        *(f"{name}_{bound}" for name in AMOUNT_CRITERIA for bound in ("from", "to")),
        *(f"{name}_{bound}_set" for name in AMOUNT_CRITERIA for bound in ("from", "to")),
        "payer_score_from",
        "payer_score_to",
        "public_body",
    )
    def _compute_criteria_summary(self):
        labels = {
            "revenue": self.env._("Revenue"),
            "average": self.env._("Average invoice"),
            "outstanding": self.env._("Outstanding"),
        }
        for rule in self:
            parts = [self.env._("Public buyers") if rule.public_body else None]
            for name in AMOUNT_CRITERIA:
                low = rule[f"{name}_from_set"] and rule.currency_id.format(rule[f"{name}_from"])
                high = rule[f"{name}_to_set"] and rule.currency_id.format(rule[f"{name}_to"])
                parts.append(rule._bounds_text(labels[name], low, high))
            parts.append(
                rule._bounds_text(
                    self.env._("Payer score"),
                    (rule.payer_score_from or "").upper(),
                    (rule.payer_score_to or "").upper(),
                )
            )
            rule.criteria_summary = "; ".join(part for part in parts if part) or self.env._(
                "Every customer"
            )

    def _bounds_text(self, label, low, high):
        if low and high:
            return self.env._("%(label)s %(low)s to %(high)s", label=label, low=low, high=high)
        if low:
            return self.env._("%(label)s from %(low)s", label=label, low=low)
        if high:
            return self.env._("%(label)s up to %(high)s", label=label, high=high)
        return None

    # --- matching ------------------------------------------------------------

    def _relance_matches(self, figures):
        """Whether this rule applies to a customer with ``figures``
        (one value of ``res.partner._relance_typology_figures``)."""
        self.ensure_one()
        if figures["public"] != self.typology_id.public_body:
            return False
        for name in AMOUNT_CRITERIA:
            value = figures[name]
            for bound, sign in (("from", -1), ("to", 1)):
                if not self[f"{name}_{bound}_set"]:
                    continue
                if value is None:
                    return False
                if self.currency_id.compare_amounts(value, self[f"{name}_{bound}"]) == sign:
                    return False
        score = figures["payer_score"]
        if self.payer_score_from or self.payer_score_to:
            if not score:
                return False
            if self.payer_score_from and score < self.payer_score_from:
                return False
            if self.payer_score_to and score > self.payer_score_to:
                return False
        return True

    @api.model
    def _relance_customers(self, company, partners=None):
        """The customers the rules of ``company`` may type: commercial partners with a
        posted invoice or credit note in the company, shared or of the company, not
        locked, whose typology is not another company's (its own typology, or chosen
        by one of its rules)."""
        invoiced = (
            self.env["account.move"]
            .sudo()
            ._read_group(
                [
                    ("company_id", "=", company.id),
                    ("move_type", "in", ("out_invoice", "out_refund")),
                    ("state", "=", "posted"),
                    *(
                        [("commercial_partner_id", "in", partners.ids)]
                        if partners is not None
                        else []
                    ),
                ],
                ["commercial_partner_id"],
            )
        )
        customer_ids = [partner.id for (partner,) in invoiced]
        # Archived rules still speak for the customers they typed.
        return (
            self.env["res.partner"]
            .sudo()
            .with_context(active_test=False)
            .search(
                [
                    ("id", "in", customer_ids),
                    ("active", "=", True),
                    ("company_id", "in", (False, company.id)),
                    ("relance_typology_locked", "=", False),
                    "|",
                    ("relance_typology_id", "=", False),
                    ("relance_typology_id.company_id", "in", (False, company.id)),
                    "|",
                    ("relance_typology_rule_id", "=", False),
                    ("relance_typology_rule_id.company_id", "=", company.id),
                ]
            )
            .with_context(active_test=True)
        )

    @api.model
    def _relance_proposals(self, company, date=None, partners=None):
        """What the rules of ``company`` propose on ``date``: one dict per customer
        whose first matching rule proposes another typology than its own, with
        ``partner``, ``current``, ``typology``, ``rule`` and ``figures``.
        Customers no rule matches keep their typology."""
        date = date or fields.Date.context_today(self)
        rules = self.sudo().search(
            [("company_id", "=", company.id), ("typology_id.active", "=", True)]
        )
        if not rules:
            return []
        customers = self._relance_customers(company, partners)
        figures = customers._relance_typology_figures(company, date)
        proposals = []
        for customer in customers:
            values = figures[customer.id]
            rule = next((rule for rule in rules if rule._relance_matches(values)), None)
            if rule and rule.typology_id != customer.relance_typology_id:
                proposals.append(
                    {
                        "partner": customer,
                        "current": customer.relance_typology_id,
                        "typology": rule.typology_id,
                        "rule": rule,
                        "figures": values,
                    }
                )
        return proposals

    @api.model
    def _relance_apply(self, proposals, date=None):
        """Give each customer its proposed typology, with the rule and date on the
        customer and a note in its chatter (old and new typology, the rule). A plan
        chosen for the customer (not its typology's) stays. Returns the customers."""
        date = date or fields.Date.context_today(self)
        partners = self.env["res.partner"].sudo().with_context(**{BY_RULE_KEY: True})
        bodies = {}
        for proposal in proposals:
            customer = proposal["partner"].with_env(partners.env)
            old, new, rule = proposal["current"], proposal["typology"], proposal["rule"]
            vals = {
                "relance_typology_id": new.id,
                "relance_typology_rule_id": rule.id,
                "relance_typology_rule_date": date,
            }
            own_plan = customer.relance_plan_id
            if own_plan and own_plan != old.plan_id:
                vals["relance_plan_id"] = own_plan.id  # chosen for the customer: kept
            # The note below is the trace; no tracking message on top of it.
            customer.with_context(mail_notrack=True).write(vals)
            bodies[customer.id] = Markup("<p>%s</p>") % _(
                'Typology changed from "%(old)s" to "%(new)s" by the typology rule "%(rule)s".',
                old=old.display_name or _("none"),
                new=new.display_name,
                rule=rule.display_name,
            )
            partners |= customer
        if bodies:
            partners._message_log_batch(bodies, author_id=self.env.user.partner_id.id)
        return partners

    @api.model
    def _relance_apply_rules(self, company, date=None):
        """The daily run's step: apply what the rules propose, when the company says so."""
        if not company.relance_typology_rules_in_run:
            return self.env["res.partner"]
        proposals = self._relance_proposals(company, date)
        return self._relance_apply(proposals, date)

    # --- user actions ------------------------------------------------------

    def action_open_review(self):
        """The review screen: the customers whose typology the rules of the current
        company would change (whichever rules are selected: all of them are asked)."""
        check_manager(self.env)
        company = self.env.company
        Proposal = self.env["relance.typology.proposal"]
        Proposal.search(
            [("create_uid", "=", self.env.uid), ("company_id", "=", company.id)]
        ).unlink()
        proposals = Proposal.create(
            [Proposal._values(company, proposal) for proposal in self._relance_proposals(company)]
        )
        return {
            "type": "ir.actions.act_window",
            "name": _("Typology Proposals"),
            "res_model": "relance.typology.proposal",
            "view_mode": "list",
            "views": [
                (self.env.ref("relance_avancee.relance_typology_proposal_view_list").id, "list")
            ],
            "domain": [("id", "in", proposals.ids)],
            "target": "current",
        }
