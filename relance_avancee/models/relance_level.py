# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

CHANNELS = [
    ("email", "Email"),
    ("letter", "Letter"),
    ("phone", "Phone call"),
    ("sms", "SMS"),
    ("formal_notice", "Formal notice"),
    ("litigation", "Litigation"),
]

# Channels that send a written message through a mail template.
TEMPLATE_CHANNELS = ("email", "formal_notice")
# The model a level's template renders: the dunning action (history entry).
TEMPLATE_MODEL = "relance.history"
# Channels whose action is the reminder document itself: always rendered.
DOCUMENT_CHANNELS = ("letter", "formal_notice")


class RelanceLevel(models.Model):
    """One step of a plan: when it acts (days from the due date) and how."""

    _name = "relance.level"
    _description = "Dunning Level"
    _order = "plan_id, sequence, id"
    _check_company_auto = True

    plan_id = fields.Many2one("relance.plan", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="plan_id.company_id", store=True)
    sequence = fields.Integer(default=10, required=True)
    name = fields.Char(required=True, translate=True)
    offset_days = fields.Integer(
        string="Days After Due Date",
        required=True,
        help="When this step acts, counted from the due date. "
        "Negative: a preventive reminder before the due date.",
    )
    min_gap_days = fields.Integer(
        string="Minimum Gap (days)",
        default=5,
        help="Minimum number of days since the previous reminder of the invoice.",
    )
    channel = fields.Selection(CHANNELS, required=True, default="email")
    tone = fields.Selection(
        [("courteous", "Courteous"), ("firm", "Firm"), ("final", "Final")],
        compute="_compute_tone",
        store=True,
        readonly=False,
        help="Tone of the written reminder: courteous before and just after the due "
        "date, firm later, final for the formal notice.",
    )
    auto_execute = fields.Boolean(
        string="Execute Automatically",
        default=True,
        help="Off: the daily run only plans the action and a collector validates it.",
    )
    mail_template_id = fields.Many2one(
        "mail.template",
        string="Email Template",
        domain=[("model", "=", TEMPLATE_MODEL)],
    )
    activity_type_id = fields.Many2one("mail.activity.type")
    call_script = fields.Html(
        translate=True,
        help="What the collector says on the phone at this step.",
    )
    apply_penalties = fields.Boolean(
        help="Charge late-payment interest and the fixed recovery indemnity at this step."
    )
    block_partner = fields.Boolean(
        string="Block Customer",
        help="Block new sales to the customer from this step on.",
    )
    call_above_amount = fields.Float(
        string="Call Instead Above",
        digits="Account",
        help="Written steps (email, letter, SMS): when the customer's amount due at this "
        "step reaches this amount (company currency), the collector calls instead. "
        "Large receivables deserve a call. 0: never.",
    )
    email_below_amount = fields.Float(
        string="Email Instead Below",
        digits="Account",
        help="Phone steps: when the customer's amount due at this step is below this "
        "amount (company currency), an email with the step's template goes instead of a "
        "call. 0: never.",
    )
    attach_pdf = fields.Boolean(
        string="Attach the reminder as PDF",
        compute="_compute_attach_pdf",
        store=True,
        readonly=False,
        help="The reminder's own document (PDF) goes with the email. Always on for letters "
        "and formal notices (the letter is the PDF; a formal notice must be attached); off "
        "by default for plain email reminders, whose body already lists the invoices.",
    )
    attach_invoice_pdfs = fields.Boolean(
        string="Attach the invoices' PDFs",
        help="The email carries the PDF of each invoice it lists (the PDF Odoo keeps for "
        "the invoice, rendered once when it has none yet).",
    )
    preventive = fields.Boolean(compute="_compute_preventive")
    ask_confirmation = fields.Boolean(
        string="Ask the Customer to Confirm",
        default=True,
        help="Preventive emails only: each invoice carries a link where the customer "
        "confirms it was received and when it will be paid, or reports a problem.",
    )

    _sql_constraints = [
        (
            "min_gap_days_positive",
            "CHECK(min_gap_days >= 0)",
            "The minimum gap between two reminders cannot be negative.",
        ),
    ]

    @api.depends("offset_days", "channel")
    def _compute_tone(self):
        for level in self:
            if level.channel in ("formal_notice", "litigation"):
                level.tone = "final"
            elif level.offset_days <= 7:
                level.tone = "courteous"
            else:
                level.tone = "firm"

    @api.depends("channel")
    def _compute_attach_pdf(self):
        for level in self:
            level.attach_pdf = level.channel in DOCUMENT_CHANNELS

    @api.depends("offset_days")
    def _compute_preventive(self):
        for level in self:
            level.preventive = level.offset_days < 0

    @api.depends("plan_id", "offset_days", "channel")
    def _compute_display_name(self):
        channels = dict(self.fields_get(["channel"], ["selection"])["channel"]["selection"])
        for level in self:
            level.display_name = _(
                "%(name)s (%(days)+d d, %(channel)s)",
                name=level.name or "",
                days=level.offset_days or 0,
                channel=channels.get(level.channel, ""),
            )

    def _relance_channel_for(self, amount):
        """(channel, reason or False): how this step reaches a customer who owes
        ``amount`` (company currency) at it. The one rule of the amount-based switch:
        large receivables go to the phone, small ones to writing."""
        self.ensure_one()
        currency = self.plan_id.company_id.currency_id or self.env.company.currency_id
        written = self.channel in ("email", "letter", "sms")
        if written and self.call_above_amount and amount >= self.call_above_amount:
            return "phone", self.env._(
                "Large receivable (%s or more): a call instead of writing.",
                currency.format(self.call_above_amount),
            )
        if self.channel == "phone" and self.email_below_amount and amount < self.email_below_amount:
            return "email", self.env._(
                "Small amount (below %s): an email instead of a call.",
                currency.format(self.email_below_amount),
            )
        return self.channel, False

    def _relance_with_document(self, channel):
        """Whether an action of this step by ``channel`` comes with the reminder
        document: a letter and a formal notice always, an email when the step says so."""
        if channel in DOCUMENT_CHANNELS:
            return True
        return channel == "email" and bool(self.attach_pdf)

    @api.constrains("channel", "attach_pdf")
    def _check_attach_pdf(self):
        for level in self:
            if level.channel in DOCUMENT_CHANNELS and not level.attach_pdf:
                raise ValidationError(
                    self.env._(
                        'Level "%s": a letter or a formal notice is its PDF document; '
                        "it cannot go without it.",
                        level.name,
                    )
                )

    @api.constrains("channel", "mail_template_id", "activity_type_id", "email_below_amount")
    def _check_channel_requirements(self):
        for level in self:
            if level.channel in TEMPLATE_CHANNELS and not level.mail_template_id:
                raise ValidationError(
                    _('Level "%s" sends an email: choose its email template.', level.name)
                )
            if level.channel == "phone" and not level.activity_type_id:
                raise ValidationError(
                    _(
                        'Level "%s" is a phone call: choose the activity type '
                        "that the collector receives.",
                        level.name,
                    )
                )
            if level.email_below_amount and not level.mail_template_id:
                raise ValidationError(
                    _(
                        'Level "%s" emails small amounts instead of calling: choose its '
                        "email template.",
                        level.name,
                    )
                )
            if level.channel == "sms" and not level._sms_available():
                raise ValidationError(
                    _(
                        'Level "%s" sends an SMS, but the SMS module is not installed. '
                        "Install it or choose another channel.",
                        level.name,
                    )
                )

    @api.constrains("mail_template_id")
    def _check_mail_template_model(self):
        for level in self:
            level._relance_check_template()

    def _relance_check_template(self):
        """The template renders dunning actions, as the engine: a template of another
        model would render unrelated records (those with the actions' ids)."""
        template = self.sudo().mail_template_id
        if template and template.model != TEMPLATE_MODEL:
            raise ValidationError(
                self.env._(
                    'Level "%(level)s": the email template "%(template)s" is not a dunning '
                    "template (it applies to %(model)s, not to dunning actions).",
                    level=self.name,
                    template=template.name,
                    model=template.model or "-",
                )
            )

    @api.constrains("sequence", "offset_days", "plan_id")
    def _check_order_in_plan(self):
        if self.env.context.get("relance_defer_level_check"):
            return
        self.plan_id._check_level_order()

    @api.constrains("offset_days")
    def _check_offset_range(self):
        for level in self:
            if not -365 <= level.offset_days <= 3650:
                raise ValidationError(
                    _(
                        'Level "%s": the offset must be between 365 days before and '
                        "3650 days after the due date.",
                        level.name,
                    )
                )

    def _sms_available(self):
        return "sms.sms" in self.env

    def _call_activity_type(self):
        return self.activity_type_id or self.env.ref(
            "relance_avancee.mail_activity_type_relance_call"
        )
