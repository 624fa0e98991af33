# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import datetime
import logging

import psycopg2
import pytz

from odoo import api, fields, models
from odoo.exceptions import UserError

from ..einvoice_cdar import CODE_BY_STATUS, PAYMENT_STATUSES, CdarError, parse_cdar, siren_of

_logger = logging.getLogger(__name__)

# Keys and English names of the lifecycle statuses (XP Z12-012 codes 200 to 213, in
# einvoice_cdar.STATUS_BY_CODE).
STATUSES = [
    ("deposited", "Deposited"),
    ("issued", "Issued by the platform"),
    ("received", "Received by the platform"),
    ("made_available", "Made available"),
    ("taken_over", "Taken over"),
    ("approved", "Approved"),
    ("partially_approved", "Partially approved"),
    ("disputed", "Disputed"),
    ("suspended", "Suspended"),
    ("completed", "Completed"),
    ("refused", "Refused"),
    ("payment_sent", "Payment sent"),
    ("cashed", "Cashed"),
    ("rejected", "Rejected"),
]
DIRECTIONS = [("incoming", "Received"), ("outgoing", "Sent")]
STATES = [("received", "Received"), ("queued", "To send"), ("sent", "Sent")]
# Why a lifecycle message is refused (the endpoint answers with the matching HTTP status).
REFUSALS = [
    ("secret", "Unknown secret"),
    ("size", "Too large"),
    ("malformed", "Unreadable message"),
    ("unknown_invoice", "Unknown invoice"),
    ("duplicate", "Already received"),
    ("setup", "Company not set up"),
    ("amount", "Amount not in the invoice's currency"),
]
SOURCES = [
    ("upload", "File import"),
    ("endpoint", "Platform connector"),
    ("demo", "Demo"),
    ("engine", "Odoo"),
]


# Refusals for an unknown secret logged per sender address and minute (then server log only).
REFUSAL_LOG_BURST = 20
UNIQUE_MESSAGE_CONSTRAINT = "relance_einvoice_status_platform_message_unique"


class EinvoiceRefused(UserError):
    """A lifecycle message refused as a whole; ``reason`` is a key of REFUSALS."""

    def __init__(self, message, reason):
        super().__init__(message)
        self.reason = reason


class RelanceEinvoiceStatus(models.Model):
    """One lifecycle status of an e-invoice (French reform), received from the approved
    platform or to send to it. The timeline of an invoice is its statuses by date."""

    _name = "relance.einvoice.status"
    _description = "E-Invoice Lifecycle Status"
    _order = "date desc, id desc"
    _rec_name = "status"
    _check_company_auto = True

    move_id = fields.Many2one(
        "account.move",
        string="Invoice",
        required=True,
        ondelete="cascade",
        index=True,
        check_company=True,
    )
    company_id = fields.Many2one(related="move_id.company_id", store=True, index=True)
    partner_id = fields.Many2one(
        related="move_id.commercial_partner_id", string="Customer", store=True, index=True
    )
    currency_id = fields.Many2one(related="move_id.currency_id")
    status = fields.Selection(STATUSES, required=True)
    status_code = fields.Char(
        string="Code", compute="_compute_status_code", store=True, readonly=False
    )
    date = fields.Datetime(required=True, help="When the status was set, as the message says.")
    reason_code = fields.Char(help="The reason code the buyer or the platform gave.")
    reason_text = fields.Text(string="Reason")
    platform_message_id = fields.Char(
        string="Message ID", help="Identifier of the lifecycle message on the platform."
    )
    direction = fields.Selection(DIRECTIONS, default="incoming", required=True)
    amount = fields.Monetary(
        currency_field="currency_id", help="Amount paid, for Payment sent and Cashed."
    )
    payment_date = fields.Date()
    state = fields.Selection(STATES, default="received", required=True)
    sent_date = fields.Datetime()
    source = fields.Selection(SOURCES, default="upload", required=True)
    effect_note = fields.Text(string="Effect", help="What receiving this status did.")

    _sql_constraints = [
        (
            "platform_message_unique",
            "unique(company_id, direction, platform_message_id)",
            "This lifecycle message has already been received.",
        ),
    ]

    @api.depends("status", "status_code", "move_id")
    def _compute_display_name(self):
        labels = dict(self.fields_get(["status"], ["selection"])["status"]["selection"])
        for record in self:
            record.display_name = " ".join(
                part
                for part in (record.status_code, labels.get(record.status), record.move_id.name)
                if part
            )

    @api.depends("status")
    def _compute_status_code(self):
        for record in self:
            record.status_code = CODE_BY_STATUS.get(record.status, False)

    def _relance_apply_effects(self):
        """What receiving these statuses does (dunning pauses, disputes, payments).

        A hook: the base records the statuses only; the effects live in
        ``relance_einvoice_status_effects.py`` and in the disputes addon.
        """
        return True

    # Import of lifecycle messages -------------------------------------------------

    @api.model
    def _relance_import_cdar(self, company, xml_bytes, source):
        """Record the statuses of one CDAR message about the company's invoices, then
        apply their effects: all of them, or none (raises :class:`EinvoiceRefused`).

        The caller has checked who sends it (the endpoint's secret, the wizard's
        user); the statuses are written as superuser. An invoice of another company,
        or a seller that is not the company, gets the same answer as an unknown
        invoice: a sender learns nothing about other companies.
        """
        company.ensure_one()
        _ = self.env._
        try:
            parsed = parse_cdar(xml_bytes)
        except CdarError as error:
            raise EinvoiceRefused(
                _("The lifecycle message cannot be read: %s", self._relance_cdar_error(error)),
                "malformed",
            ) from None
        sirens = company._relance_einvoice_sirens()
        if not sirens:
            raise EinvoiceRefused(
                _(
                    "The company %s has no SIREN, SIRET or VAT number to recognise its "
                    "invoices in lifecycle messages: set one on the company.",
                    company.name,
                ),
                "setup",
            )
        records = self.sudo().with_company(company)
        message_ids = [values["platform_message_id"] for values in parsed]
        if records.search_count(
            [
                ("company_id", "=", company.id),
                ("direction", "=", "incoming"),
                ("platform_message_id", "in", message_ids),
            ],
            limit=1,
        ):
            raise EinvoiceRefused(
                _("The lifecycle message %s has already been received.", parsed[0]["message_id"]),
                "duplicate",
            )
        vals_list = [self._relance_status_values(company, sirens, values) for values in parsed]
        for vals in vals_list:
            vals["source"] = source
        try:
            with self.env.cr.savepoint():
                statuses = records.create(vals_list)
                statuses._relance_apply_effects()
        except psycopg2.IntegrityError as error:
            # The same message posted twice at once: the second one meets the unique index.
            if error.diag.constraint_name != UNIQUE_MESSAGE_CONSTRAINT:
                raise
            raise EinvoiceRefused(
                _("The lifecycle message %s has already been received.", parsed[0]["message_id"]),
                "duplicate",
            ) from None
        return statuses

    @api.model
    def _relance_cdar_error(self, error):
        """Why a message cannot be read, in the user's language."""
        _ = self.env._
        texts = {
            "empty": _("The message is empty."),
            "not_xml": _("The message is not well-formed XML: %(detail)s"),
            "not_cdar": _(
                "The message is not a lifecycle message (CrossDomainAcknowledgementAndResponse)."
            ),
            "no_document": _("The message has no ExchangedDocument."),
            "no_id": _("The message has no identifier (ExchangedDocument/ID)."),
            "long_id": _("The message identifier is longer than 200 characters."),
            "too_many": _("The message carries more than %(max)s statuses."),
            "no_status": _("The message carries no status (AcknowledgementDocument)."),
            "no_date": _("The message and its status have no date."),
            "bad_date": _("Invalid date %(value)s (format %(format)s)."),
            "bad_amount": _("Invalid amount %(value)s."),
            "unknown_code": _("Unknown lifecycle status code %(code)s."),
            "no_number": _("A status names no invoice number (IssuerAssignedID)."),
            "no_seller": _("Invoice %(number)s: the status names no seller (IssuerTradeParty)."),
        }
        if error.key not in texts:
            return str(error)
        return texts[error.key] % error.params

    @api.model
    def _relance_status_values(self, company, sirens, values):
        """The values of one status read from a message, checked against the company."""
        _ = self.env._
        invoice = self.env["account.move"]
        if sirens & {siren_of(seller) for seller in values["seller_ids"]}:
            domain = [
                ("company_id", "=", company.id),
                ("move_type", "in", ("out_invoice", "out_refund")),
                ("state", "=", "posted"),
                ("name", "=", values["invoice_number"]),
            ]
            if values["invoice_date"]:
                domain.append(("invoice_date", "=", values["invoice_date"]))
            invoice = invoice.sudo().search(domain, limit=2)
        if len(invoice) != 1:
            raise EinvoiceRefused(
                _(
                    "No invoice %(number)s of the company matches the lifecycle message "
                    "(invoice number, issue date and seller SIREN or VAT number).",
                    number=values["invoice_number"],
                ),
                "unknown_invoice",
            )
        date = self._relance_utc(company, values["date"])
        vals = {
            "move_id": invoice.id,
            "status": values["status"],
            "status_code": values["status_code"],
            "date": date,
            "reason_code": values["reason_code"][:64] or False,
            "reason_text": values["reason_text"] or False,
            "platform_message_id": values["platform_message_id"],
            "direction": "incoming",
            "state": "received",
        }
        if values["status"] in PAYMENT_STATUSES:
            vals["payment_date"] = values["date"].date()
        if values["amount"] is not None:
            if values["currency"] and values["currency"] != invoice.currency_id.name:
                raise EinvoiceRefused(
                    _(
                        "The amount paid on invoice %(number)s is in %(currency)s, the "
                        "invoice in %(invoice_currency)s.",
                        number=invoice.name,
                        currency=values["currency"],
                        invoice_currency=invoice.currency_id.name,
                    ),
                    "amount",
                )
            vals["amount"] = float(values["amount"])
        return vals

    @api.model
    def _relance_utc(self, company, moment):
        """A message's local date and time (the company's time zone) in UTC."""
        tz_name = company.partner_id.tz or self.env.user.tz or "UTC"
        try:
            tz = pytz.timezone(tz_name)
        except pytz.UnknownTimeZoneError:
            tz = pytz.utc
        local = tz.localize(moment, is_dst=False)
        return local.astimezone(pytz.utc).replace(tzinfo=None)

    @api.model
    def _relance_refuse_logged_only(self, company, refusal, filename):
        """Log a refused file import in the server log (the user sees the error; the
        refusal log is the endpoint's, whose answers nobody reads on screen)."""
        _logger.warning(
            "E-invoicing lifecycle file %r refused (%s, company %s, user %s): %s",
            filename,
            refusal.reason,
            company.id,
            self.env.uid,
            refusal.args[0],
        )

    @api.model
    def _relance_refuse(self, company, reason, detail, source, message_id="", remote=""):
        """Log a refused lifecycle message (server log and refusal log). An address
        probing secrets fills the refusal log REFUSAL_LOG_BURST times a minute at most;
        the server log keeps every one."""
        _logger.warning(
            "E-invoicing lifecycle message refused (%s, %s, company %s, from %s): %s",
            reason,
            source,
            company.id if company else None,
            remote or "?",
            detail,
        )
        refusals = self.env["relance.einvoice.refusal"].sudo()
        now = datetime.datetime.now()
        if (
            reason == "secret"
            and refusals.search_count(
                [
                    ("reason", "=", "secret"),
                    ("remote_addr", "=", (remote or "")[:64] or False),
                    ("date", ">", now - datetime.timedelta(minutes=1)),
                ],
                limit=REFUSAL_LOG_BURST,
            )
            >= REFUSAL_LOG_BURST
        ):
            return refusals
        return refusals.create(
            {
                "company_id": company.id if company else False,
                "reason": reason,
                "detail": (detail or "")[:1000],
                "source": source,
                "message_id": (message_id or "")[:200] or False,
                "remote_addr": (remote or "")[:64] or False,
                "date": now,
            }
        )
