# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta

from markupsafe import Markup

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import SQL

from odoo.addons.relance_avancee.access import check_collector, is_collector

from .relance_dispute_reason import CATEGORIES

# Disputes the customer declared alone (its portal, its e-invoicing platform): its word,
# not checked yet by a collector.
CUSTOMER_SOURCES = ("portal", "einvoice")
# A dispute's states, in the order it goes through them: the one list of them. Open
# disputes (not yet routed, routed, being worked) suspend the dunning of their invoices.
STATES = [
    ("new", "New"),
    ("assigned", "Assigned"),
    ("in_progress", "In Progress"),
    ("resolved", "Resolved"),
    ("rejected", "Rejected"),
]
CLOSED_STATES = ("resolved", "rejected")
OPEN_STATES = tuple(state for state, _label in STATES if state not in CLOSED_STATES)
# Open, and nobody has started working it yet.
NOT_STARTED_STATES = ("new", "assigned")
# What a team member (an employee outside collections) writes on a dispute he works:
# notes, resolution, the payment found, who of the team handles it. The customer,
# invoices, amount, company, team and deadline are the collectors'; the state moves
# through the action buttons only.
MEMBER_FIELDS = {"resolution", "resolution_note", "payment_id", "user_id"}

RESOLUTIONS = [
    ("credit_note", "Credit note"),
    ("reinvoicing", "Re-invoicing"),
    ("duplicate_sent", "Duplicate sent"),
    ("payment_found", "Payment found"),
    ("commercial_gesture", "Commercial gesture"),
    ("rejected", "Rejected"),
]


class RelanceDispute(models.Model):
    """A customer's reason not to pay some invoices, routed to the team that can solve it.

    While it is open, dunning is suspended on its invoices; when it is resolved or
    rejected, dunning resumes where it stopped.
    """

    _name = "relance.dispute"
    _description = "Customer Dispute"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "date_open desc, id desc"
    _check_company_auto = True

    name = fields.Char(default=lambda self: _("New"), readonly=True, copy=False, index=True)
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, index=True
    )
    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        required=True,
        tracking=True,
        index=True,
        domain="[('parent_id', '=', False)]",
    )
    move_ids = fields.Many2many(
        "account.move",
        "relance_dispute_account_move_rel",
        "dispute_id",
        "move_id",
        string="Invoices",
        check_company=True,
        domain="[('commercial_partner_id', '=', partner_id), ('move_type', '=', 'out_invoice'), "
        "('state', '=', 'posted')]",
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    amount = fields.Monetary(
        string="Disputed Amount",
        compute="_compute_amount",
        store=True,
        readonly=False,
        tracking=True,
        help="By default the residual of the invoices.",
    )
    reason_id = fields.Many2one("relance.dispute.reason", required=True, tracking=True)
    category = fields.Selection(
        CATEGORIES, compute="_compute_category", store=True, readonly=False, tracking=True
    )
    root_process = fields.Selection(related="reason_id.root_process", store=True)
    preventable = fields.Boolean(
        related="reason_id.preventable",
        store=True,
        help="The checks made when an invoice is posted or sent would have avoided it.",
    )
    move_names = fields.Char(
        string="Invoice Numbers",
        compute="_compute_move_names",
        help="The disputed invoices, readable by every team member.",
    )
    credit_note_ids = fields.Many2many(
        "account.move",
        "relance_dispute_credit_note_rel",
        "dispute_id",
        "move_id",
        string="Credit Notes",
        copy=False,
        readonly=True,
    )
    state = fields.Selection(
        STATES,
        default="new",
        required=True,
        tracking=True,
        group_expand="_group_expand_states",
        index=True,
    )
    team_id = fields.Many2one("relance.dispute.team", tracking=True, index=True)
    user_id = fields.Many2one("res.users", string="Responsible", tracking=True, index=True)
    date_open = fields.Date(default=fields.Date.context_today, required=True)
    deadline = fields.Date(tracking=True)
    date_closed = fields.Date(readonly=True, copy=False)
    resolution_days = fields.Integer(
        compute="_compute_resolution_days", store=True, aggregator="avg"
    )
    is_open = fields.Boolean(
        string="Open",
        compute="_compute_is_open",
        search="_search_is_open",
        help="Not resolved nor rejected: dunning is suspended on its invoices.",
    )
    is_late = fields.Boolean(compute="_compute_is_late", search="_search_is_late")
    escalated = fields.Boolean(readonly=True, copy=False)
    resolution = fields.Selection(RESOLUTIONS, tracking=True, copy=False)
    resolution_note = fields.Text(copy=False)
    description = fields.Text(string="What the customer says")
    source = fields.Selection(
        [
            ("collector", "Collector"),
            ("call", "Phone call"),
            ("portal", "Customer portal"),
            ("einvoice", "E-invoicing platform"),
        ],
        default="collector",
        readonly=True,
    )
    payment_id = fields.Many2one("account.payment", string="Payment Found", copy=False)
    can_edit_case = fields.Boolean(
        compute="_compute_can_edit_case",
        help="Collectors edit the whole dispute; team members work it (notes, resolution).",
    )

    @api.model
    def _group_expand_states(self, states, domain):
        return [key for key, _label in self._fields["state"].selection]

    @api.depends("move_ids")
    def _compute_amount(self):
        # Team members outside accounting work disputes without reading invoices.
        for dispute in self:
            dispute.amount = sum(dispute.move_ids.sudo().mapped("amount_residual_signed"))

    @api.depends("move_ids")
    def _compute_move_names(self):
        for dispute in self:
            dispute.move_names = ", ".join(dispute.move_ids.sudo().mapped("name"))

    @api.depends_context("uid")
    def _compute_can_edit_case(self):
        self.can_edit_case = is_collector(self.env)

    @api.depends("reason_id")
    def _compute_category(self):
        for dispute in self:
            dispute.category = dispute.reason_id.category or dispute.category

    @api.depends("date_open", "date_closed")
    def _compute_resolution_days(self):
        for dispute in self:
            closed = dispute.date_closed
            dispute.resolution_days = (closed - dispute.date_open).days if closed else 0

    def _read_group_select(self, aggregate_spec, query):
        # Open disputes store 0 days: the average resolution time counts closed ones only.
        if aggregate_spec == "resolution_days:avg":
            return SQL(
                "AVG(CASE WHEN %s IS NOT NULL THEN %s END)",
                self._field_to_sql(self._table, "date_closed", query),
                self._field_to_sql(self._table, "resolution_days", query),
            )
        return super()._read_group_select(aggregate_spec, query)

    @api.depends("state")
    def _compute_is_open(self):
        for dispute in self:
            dispute.is_open = dispute.state in OPEN_STATES

    def _search_is_open(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(_("Unsupported search on open disputes."))
        wanted = (operator == "=") == value
        return [("state", "in" if wanted else "not in", OPEN_STATES)]

    @api.depends_context("relance_date")
    def _compute_is_late(self):
        today = self.env.context.get("relance_date") or fields.Date.context_today(self)
        for dispute in self:
            dispute.is_late = bool(
                dispute.state in OPEN_STATES and dispute.deadline and dispute.deadline < today
            )

    def _search_is_late(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(_("Unsupported search on late disputes."))
        late = [
            ("state", "in", OPEN_STATES),
            ("deadline", "<", fields.Date.context_today(self)),
        ]
        return late if (operator == "=") == value else ["!", "&", *late]

    # --- lifecycle -----------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("name", _("New")) == _("New"):
                vals["name"] = self.env["ir.sequence"].next_by_code("relance.dispute") or _("New")
        disputes = super().create(vals_list)
        disputes.filtered(lambda d: d.state == "new" and not d.team_id)._route()
        disputes._suspend_note()
        disputes._flag_wrong_address()
        disputes._partner_note_opened()
        return disputes

    def write(self, vals):
        self._check_member_write(vals)
        if "deadline" in vals and "escalated" not in vals:
            # A new deadline gives the team a new chance: escalate again only if it passes.
            moved = self.filtered(lambda d: d.deadline != fields.Date.to_date(vals["deadline"]))
            if moved:
                super(RelanceDispute, moved).write({"escalated": False})
        return super().write(vals)

    def _check_member_write(self, vals):
        """Team members work their disputes; the rest is the collectors'."""
        if self.env.su or is_collector(self.env):
            return
        refused = set(vals) - MEMBER_FIELDS
        if refused:
            strings = self.fields_get(list(refused), ["string"])
            labels = ", ".join(
                sorted(strings.get(name, {}).get("string", name) for name in refused)
            )
            raise AccessError(
                _(
                    "Only collectors can change %s of a dispute; use the buttons to move "
                    "it forward.",
                    labels,
                )
            )
        if vals.get("user_id"):
            for dispute in self:
                team = dispute.team_id.member_ids | dispute.team_id.leader_id
                if vals["user_id"] not in team.ids:
                    raise AccessError(
                        _("Dispute %s can only be assigned to a member of its team.", dispute.name)
                    )

    def _write_as_action(self, vals):
        """What the actions write (state, closing, credit notes): the caller must be
        allowed to write this dispute; the fields are the action's choice."""
        self.check_access("write")
        return self.sudo().write(vals)

    def _check_open(self):
        self.check_access("write")
        for dispute in self:
            if dispute.state not in OPEN_STATES:
                raise UserError(_("Dispute %s is already closed.", dispute.name))

    def _flag_wrong_address(self):
        """A wrong recipient reported: the next invoices warn until the address is fixed."""
        wrong = self.env.ref(
            "relance_avancee_disputes.reason_wrong_recipient", raise_if_not_found=False
        )
        flagged = self.filtered(lambda d: d.reason_id == wrong).partner_id.commercial_partner_id
        flagged.write({"relance_invoice_address_wrong": True})

    @api.constrains("move_ids", "partner_id", "company_id")
    def _check_invoices(self):
        for dispute in self:
            partner = dispute.partner_id.commercial_partner_id
            moves = dispute.move_ids.sudo()
            foreign = moves.filtered(lambda m, p=partner: m.commercial_partner_id != p)
            if foreign:
                raise ValidationError(
                    _(
                        "Invoice %(invoice)s belongs to another customer than %(partner)s.",
                        invoice=foreign[0].name,
                        partner=partner.name,
                    )
                )
            other_company = moves.filtered(lambda m, d=dispute: m.company_id != d.company_id)
            if other_company:
                raise ValidationError(
                    _(
                        "Invoice %(invoice)s belongs to another company than the dispute "
                        "(%(company)s).",
                        invoice=other_company[0].name,
                        company=dispute.company_id.name,
                    )
                )

    def _route(self):
        """Assign each dispute following the first matching rule; notify and plan the work.

        The SLA runs from the day the dispute was opened, not from the day it is routed.
        """
        for dispute in self:
            team, user, sla_days = self.env["relance.dispute.route"]._find(dispute)
            dispute.write(
                {
                    "team_id": team.id,
                    "user_id": user.id,
                    "deadline": dispute.date_open + timedelta(days=sla_days or 10),
                    "state": "assigned" if (team or user) else "new",
                }
            )
            dispute._notify_assignment()

    def _notify_assignment(self):
        if self.user_id:
            self.activity_schedule(
                "mail.mail_activity_data_todo",
                date_deadline=self.deadline,
                summary=_("Solve dispute %s", self.name),
                # What the customer says is text, never markup or links (it may come
                # from the portal): escaped line by line.
                note=Markup("<p>%s</p>") % Markup("<br/>").join(self.description.splitlines())
                if self.description
                else "",
                user_id=self.user_id.id,
            )
        members = (self.team_id.member_ids | self.team_id.leader_id).partner_id
        if members:
            self.message_subscribe(partner_ids=members.ids)
            self.message_post(
                body=_(
                    "Dispute assigned to %(team)s (%(user)s), to solve before %(deadline)s.",
                    team=self.team_id.name or "-",
                    user=self.user_id.name or "-",
                    deadline=self.deadline,
                ),
                partner_ids=members.ids,
                subtype_xmlid="mail.mt_note",
            )

    def _suspend_note(self):
        for dispute in self:
            for move in dispute.move_ids.sudo():
                move.message_post(
                    body=_(
                        "Dunning suspended: dispute %(name)s (%(reason)s).",
                        name=dispute.name,
                        reason=dispute.reason_id.name,
                    )
                )

    def _partner_note_opened(self):
        for dispute in self:
            dispute._post_on_partner(
                _(
                    "Dispute %(name)s opened (%(reason)s) on %(invoices)s.",
                    name=dispute.name,
                    reason=dispute.reason_id.name,
                    invoices=dispute.move_names or "-",
                )
            )

    def _post_on_partner(self, body):
        """A short trace on the customer's chatter, whoever works the dispute."""
        self.ensure_one()
        partner = self.partner_id.commercial_partner_id.sudo()
        partner.message_post(body=body, subtype_xmlid="mail.mt_note")

    def action_start(self):
        self.check_access("write")
        self.filtered(lambda d: d.state in NOT_STARTED_STATES)._write_as_action(
            {"state": "in_progress"}
        )
        return True

    def action_route(self):
        check_collector(self.env)
        for dispute in self:
            if dispute.state != "new":
                raise UserError(_("Dispute %s is already routed.", dispute.name))
        self._route()
        return True

    def action_resolve(self, resolution=None, note=None):
        for dispute in self:
            resolution = resolution or dispute.resolution
            if not resolution or resolution == "rejected":
                raise UserError(_("Choose how dispute %s was resolved.", dispute.name))
            dispute._close("resolved", resolution, note)
        return True

    def action_reject(self, note=None):
        for dispute in self:
            dispute._close("rejected", "rejected", note or dispute.resolution_note)
        return True

    def _close(self, state, resolution, note):
        self._check_open()
        self._write_as_action(
            {
                "state": state,
                "resolution": resolution,
                "resolution_note": note or self.resolution_note,
                "date_closed": fields.Date.context_today(self),
            }
        )
        self.activity_ids.action_feedback(feedback=_("Dispute closed"))
        # Team members outside accounting cannot write on invoices: the trace is ours.
        for move in self.move_ids.sudo():
            move.message_post(body=_("Dispute %s closed: dunning resumes.", self.name))
        resolutions = dict(
            self.fields_get(["resolution"], ["selection"])["resolution"]["selection"]
        )
        self._post_on_partner(
            _(
                "Dispute %(name)s closed: %(resolution)s.",
                name=self.name,
                resolution=resolutions.get(resolution, resolution),
            )
        )

    def action_reopen(self):
        """Reopening suspends dunning again: a collector's decision, on a closed dispute."""
        check_collector(self.env)
        for dispute in self:
            if dispute.state in OPEN_STATES:
                raise UserError(_("Dispute %s is not closed.", dispute.name))
        self._write_as_action({"state": "in_progress", "date_closed": False, "resolution": False})
        return True

    # --- resolution actions ----------------------------------------------------

    def _open_reversal(self, resolution):
        """Odoo's reversal wizard on the disputed invoices; the credit note it creates is
        linked to the dispute, which is then resolved with ``resolution``."""
        self.ensure_one()
        self._check_open()
        if not self.move_ids:
            raise UserError(_("Dispute %s has no invoice to credit.", self.name))
        self.resolution = resolution
        return {
            "type": "ir.actions.act_window",
            "name": _("Credit Note"),
            "res_model": "account.move.reversal",
            "view_mode": "form",
            "target": "new",
            "context": {
                "active_model": "account.move",
                "active_ids": self.move_ids.ids,
                "relance_dispute_id": self.id,
                "relance_dispute_resolution": resolution,
            },
        }

    def _link_credit_notes(self, credit_notes, resolution):
        """Credit notes created for this dispute: linked, traced, and the dispute resolved."""
        self.ensure_one()
        credit_notes = credit_notes.filtered(lambda m: m.sudo().reversed_entry_id in self.move_ids)
        if not credit_notes:
            return
        self._write_as_action(
            {"credit_note_ids": [fields.Command.link(m.id) for m in credit_notes]}
        )
        names = ", ".join(credit_notes.sudo().mapped("name"))
        self.message_post(body=_("Credit note %s created for this dispute.", names))
        for move in credit_notes.sudo():
            move.message_post(body=_("Created to resolve dispute %s.", self.name))
        if self.state in OPEN_STATES:
            self._close("resolved", resolution, None)

    def action_credit_note(self):
        """Open Odoo's reversal wizard on the disputed invoices."""
        self.ensure_one()
        self.message_post(body=_("Credit note requested for %s.", self.move_names or "-"))
        return self._open_reversal("credit_note")

    def action_send_duplicate(self):
        self.ensure_one()
        self._check_open()
        customer = self.partner_id.commercial_partner_id
        recipient = customer._relance_invoice_recipient(self.move_ids)
        if not recipient:
            raise UserError(_("The customer has no email address: add one first."))
        self.move_ids.sudo()._relance_send_duplicates(recipient)
        emails = ", ".join(recipient.mapped("email"))
        self.message_post(body=_("Duplicate of the invoices sent to %s.", emails))
        self.action_resolve("duplicate_sent")
        return True

    def action_payment_found(self):
        self.ensure_one()
        if not self.payment_id:
            raise UserError(_("Select the payment that was found."))
        self.message_post(body=_("Payment found: %s.", self.payment_id.sudo().display_name))
        self.action_resolve("payment_found")
        return True

    def action_commercial_gesture(self):
        """A credit note granted as a commercial gesture: the dispute keeps that resolution."""
        self.ensure_one()
        if not (self.resolution_note or "").strip():
            raise UserError(_("Describe the commercial gesture in the resolution note."))
        self.message_post(body=_("Commercial gesture: %s", self.resolution_note))
        return self._open_reversal("commercial_gesture")

    # --- SLA -------------------------------------------------------------------

    @api.model
    def _cron_escalate_late(self, date=None):
        """Escalate open disputes past their deadline: activity for the team leader."""
        today = date or fields.Date.context_today(self)
        late = self.search(
            [("state", "in", OPEN_STATES), ("deadline", "<", today), ("escalated", "=", False)]
        )
        for dispute in late:
            leader = dispute.team_id.leader_id or dispute.user_id or self.env.user
            dispute.activity_schedule(
                "mail.mail_activity_data_todo",
                date_deadline=today,
                summary=_("Late dispute %s: past its deadline", dispute.name),
                user_id=leader.id,
            )
            dispute.message_post(
                body=_(
                    "Deadline %(deadline)s passed: escalated to %(leader)s.",
                    deadline=dispute.deadline,
                    leader=leader.name,
                ),
                subtype_xmlid="mail.mt_note",
            )
        late.sudo().write({"escalated": True})
        return late
