# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import math
from datetime import timedelta

from odoo import Command, _, api, fields, models
from odoo.exceptions import UserError

from ..access import check_manager

LITIGATION_STATES = [
    ("draft", "Draft"),
    ("sent_to_lawyer", "Sent to lawyer"),
    ("injunction_filed", "Injunction filed"),
    ("judgment", "Judgment"),
    ("recovered", "Recovered"),
    ("written_off", "Written off"),
    ("closed", "Closed"),
]
CLOSED_STATES = ("recovered", "written_off", "closed")


class RelanceLitigation(models.Model):
    """The file of a customer handed over to litigation (lawyer, court, write-off)."""

    _name = "relance.litigation"
    _description = "Litigation File"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "date_open desc, id desc"
    _check_company_auto = True

    name = fields.Char(default=lambda self: _("New"), readonly=True, copy=False)
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, index=True
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    partner_id = fields.Many2one("res.partner", string="Customer", required=True, tracking=True)
    move_ids = fields.Many2many(
        "account.move",
        "relance_litigation_account_move_rel",
        "litigation_id",
        "move_id",
        string="Invoices",
        check_company=True,
    )
    state = fields.Selection(LITIGATION_STATES, default="draft", required=True, tracking=True)
    lawyer_id = fields.Many2one("res.partner", string="Lawyer or Collection Agency", tracking=True)
    date_open = fields.Date(default=fields.Date.context_today, required=True)
    review_date = fields.Date(
        tracking=True,
        help="End of the current phase's maximum duration: the manager reviews the file then.",
    )
    review_activity_id = fields.Many2one("mail.activity", readonly=True, ondelete="set null")
    amounts_date = fields.Date(
        string="Amounts As Of", readonly=True, help="Date the amounts by nature were computed on."
    )
    amount_principal = fields.Monetary(string="Principal", currency_field="currency_id")
    amount_interest = fields.Monetary(string="Interest", currency_field="currency_id")
    amount_indemnity = fields.Monetary(string="Recovery Indemnity", currency_field="currency_id")
    amount_total = fields.Monetary(
        compute="_compute_amount_total", currency_field="currency_id", store=True
    )
    registered_mail_ref = fields.Char(
        string="Registered Mail Number", help="Number of the formal notice's registered letter."
    )
    registered_mail_date = fields.Date()
    writeoff_move_id = fields.Many2one(
        "account.move",
        string="Write-off Entry",
        readonly=True,
        help="Entry of the cents the write-off credit notes could not reach (rounding).",
    )
    writeoff_refund_ids = fields.Many2many(
        "account.move",
        "relance_litigation_writeoff_refund_rel",
        "litigation_id",
        "move_id",
        string="Write-off Credit Notes",
        readonly=True,
        help="Credit notes of the irrecoverable part of the invoices (VAT regularisation, "
        "CGI art. 272).",
    )
    partner_insolvency_kind = fields.Selection(
        related="partner_id.commercial_partner_id.relance_insolvency_kind",
        string="Customer's Insolvency Proceedings",
    )
    claim_nature = fields.Selection(
        [("unsecured", "Unsecured (chirographaire)"), ("secured", "Secured (privilégiée)")],
        string="Claim",
        default="unsecured",
        required=True,
        help="How the claim is declared in the customer's insolvency proceedings: secured "
        "when a security or a privilege backs it (e.g. a retention of title clause).",
    )
    irrecoverable_proof = fields.Selection(
        [
            ("no_assets", "Bailiff's report of no assets (procès-verbal de carence)"),
            ("closed_insufficient", "Proceedings closed for insufficient assets"),
            ("liquidator_certificate", "Liquidator's certificate of irrecoverability"),
            ("other", "Other proof (described below)"),
        ],
        string="Proof Of Irrecoverability",
        tracking=True,
        help="What makes the debt definitively irrecoverable (CGI art. 272, "
        "BOI-TVA-DED-40-10-10): without it, a closed file is not a loss the VAT can follow.",
    )
    irrecoverable_proof_date = fields.Date(string="Proof Dated", tracking=True)
    irrecoverable_proof_note = fields.Char(string="Proof Reference", tracking=True)
    export_attachment_id = fields.Many2one("ir.attachment", string="Exported File", readonly=True)

    @api.depends("amount_principal", "amount_interest", "amount_indemnity")
    def _compute_amount_total(self):
        for file in self:
            file.amount_total = file.amount_principal + file.amount_interest + file.amount_indemnity

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("name", _("New")) == _("New"):
                vals["name"] = self.env["ir.sequence"].next_by_code("relance.litigation") or _(
                    "New"
                )
        files = super().create(vals_list)
        for file in files:
            file._compute_amounts()
            file._schedule_review(file.date_open)
        return files

    def write(self, vals):
        changed = self.browse()
        if "state" in vals:
            changed = self.filtered(lambda f: f.state != vals["state"])
        res = super().write(vals)
        # Each phase has its own maximum duration: a new phase starts a new countdown.
        for file in changed:
            file._schedule_review(fields.Date.context_today(file))
        return res

    def _compute_amounts(self, date=None):
        """Principal, interest and indemnity on ``date`` (default: the opening date), in
        company currency; principal net of payments registered but not booked."""
        date = date or self.date_open
        principal = interest = indemnity = 0.0
        still_due = self.move_ids._relance_amount_due_map()
        allocation = self.move_ids._relance_settlement_allocation()
        for invoice in self.move_ids:
            penalty = invoice._relance_compute_penalty(date, allocation=allocation)
            convert = invoice.currency_id._convert
            args = (self.currency_id, self.company_id, date)
            principal += convert(still_due.get(invoice.id, 0.0), *args)
            interest += convert(penalty["interest"], *args)
            indemnity += convert(penalty["indemnity"], *args)
        self.write(
            {
                "amount_principal": principal,
                "amount_interest": interest,
                "amount_indemnity": indemnity,
                "amounts_date": date,
            }
        )

    def _schedule_review(self, start):
        """Review the file when the phase started on ``start`` reaches its maximum
        duration; closed files need no review."""
        self.ensure_one()
        old_activity = self.review_activity_id
        if self.state in CLOSED_STATES:
            self.review_date = False
            self.review_activity_id = False
            old_activity.unlink()
            return
        days = self.company_id.relance_litigation_review_days or 90
        review_date = start + timedelta(days=days)
        manager = self.company_id._relance_litigation_manager()
        activity = self.activity_schedule(
            "mail.mail_activity_data_todo",
            date_deadline=review_date,
            summary=_("Review litigation file %s", self.name),
            note=_("Phase: %s", dict(LITIGATION_STATES)[self.state]),
            user_id=manager.id,
        )
        super().write({"review_date": review_date, "review_activity_id": activity.id})
        old_activity.unlink()

    @api.model
    def _open_for(self, entry):
        """The litigation file of a dunning action (one open file per customer)."""
        partner = entry.partner_id.commercial_partner_id
        existing = self.search(
            [
                ("partner_id", "=", partner.id),
                ("company_id", "=", entry.company_id.id),
                ("state", "not in", CLOSED_STATES),
            ],
            limit=1,
        )
        if existing:
            new_moves = entry.move_ids - existing.move_ids
            if new_moves:
                existing.move_ids = [Command.link(move.id) for move in new_moves]
                existing._compute_amounts(max(existing.date_open, entry.date))
                existing.message_post(
                    body=_(
                        "Invoices added to the file: %(invoices)s. Amounts recomputed on %(date)s.",
                        invoices=", ".join(new_moves.mapped("name")),
                        date=existing.amounts_date,
                    )
                )
            return existing
        return self.create(
            {
                "partner_id": partner.id,
                "company_id": entry.company_id.id,
                "move_ids": [Command.set(entry.move_ids.ids)],
                "date_open": entry.date,
            }
        )

    def action_recompute_amounts(self):
        """Principal, interest and indemnity as of today (e.g. after adding invoices)."""
        for file in self:
            file._compute_amounts(max(file.date_open, fields.Date.context_today(file)))
        return True

    # --- workflow ----------------------------------------------------------------

    def action_send_to_lawyer(self):
        for file in self:
            if not file.lawyer_id:
                raise UserError(_("Choose the lawyer or collection agency first."))
            file.state = "sent_to_lawyer"
        return True

    def action_injunction_filed(self):
        self.write({"state": "injunction_filed"})
        return True

    def action_judgment(self):
        self.write({"state": "judgment"})
        return True

    def action_recovered(self):
        unpaid = self.move_ids.filtered(lambda m: m.amount_residual > 0)
        if unpaid:
            raise UserError(_("Invoices %s are still unpaid.", ", ".join(unpaid.mapped("name"))))
        self.write({"state": "recovered"})
        return True

    def action_close(self):
        # A written-off file stays so: its credit notes are its outcome.
        self.filtered(lambda file: file.state != "written_off").write({"state": "closed"})
        return True

    def action_write_off(self):
        """Write the irrecoverable debt off (CGI art. 272, BOI-TVA-DED-40-10-10): once it
        is definitively lost (file closed, or the customer in compulsory liquidation), a
        credit note on each invoice for the part still due, with the invoice's own taxes
        (so that the VAT return takes the refund's tax grids), posted to the loss account
        and reconciled with the invoice."""
        self.ensure_one()
        check_manager(self.env, _("Only a collections manager can write off a debt."))
        if self.state in ("recovered", "written_off"):
            raise UserError(_("This file is already settled."))
        if not self._writeoff_irrecoverable():
            raise UserError(
                _(
                    "A debt is written off only once it is definitively irrecoverable: record "
                    "the customer's compulsory liquidation (liquidation judiciaire), or close "
                    "the litigation file with its proof of irrecoverability (bailiff's report "
                    "of no assets, proceedings closed for insufficient assets, liquidator's "
                    "certificate) and the proof's date."
                )
            )
        account = self.company_id.relance_writeoff_account_id
        if not account:
            raise UserError(_("Set the write-off account in Settings > Collections first."))
        still_due = self.move_ids._relance_amount_due_map()
        invoices = self.move_ids.filtered(
            lambda m: (
                m.state == "posted"
                and m.currency_id.compare_amounts(still_due.get(m.id, 0.0), 0.0) > 0
            )
        )
        if not invoices:
            raise UserError(_("Nothing remains to write off."))
        refunds = self.env["account.move"]
        leftovers = {}
        for invoice in invoices:
            refund = self._writeoff_refund(invoice, still_due[invoice.id], account)
            refunds |= refund
            gap = invoice.currency_id.round(still_due[invoice.id] - refund.amount_total)
            if invoice.currency_id.compare_amounts(gap, 0.0) > 0:
                leftovers[invoice] = gap
        journal = self._writeoff_journal() if leftovers else None  # before posting anything
        # Each credit note is reconciled with its invoice as the cancellation of the unpaid
        # part (Odoo reconciles a credit note with the invoice it reverses on posting):
        # no tax cash-basis entry, see _writeoff_refund.
        refunds.with_context(move_reverse_cancel=True).action_post()
        move = self._writeoff_rounding_entry(leftovers, account, journal) if leftovers else False
        self.write(
            {
                "state": "written_off",
                "writeoff_refund_ids": [Command.link(refund.id) for refund in refunds],
                "writeoff_move_id": move and move.id,
            }
        )
        message = _(
            "Debt written off by credit notes %(refunds)s (VAT regularisation, CGI art. 272). "
            "Send them to the customer or to its liquidator.",
            refunds=", ".join(refunds.mapped("name")),
        )
        self.message_post(body=message)
        self.partner_id.message_post(body=message)
        return True

    def _writeoff_irrecoverable(self):
        """Definitively irrecoverable: the file was closed without recovery with a dated
        proof of it, or the customer is in compulsory liquidation (from its judgment on).
        A file closed after a settlement or simply dropped is not a loss."""
        self.ensure_one()
        customer = self.partner_id.commercial_partner_id
        in_liquidation = (
            customer.relance_insolvency_kind == "liquidation" and customer.relance_insolvency_date
        )
        proven = self.irrecoverable_proof and self.irrecoverable_proof_date
        return (self.state == "closed" and bool(proven)) or bool(in_liquidation)

    def _writeoff_refund(self, invoice, amount, account):
        """Draft credit note of ``amount`` (invoice currency, taxes included) on
        ``invoice``: each invoice line in proportion, with its taxes, on the loss account.

        The credit note keeps the invoice's exchange rate (the VAT given back is the VAT
        declared) and is posted as the cancellation of that part of the invoice: for VAT
        due on payment (cash basis), no tax cash-basis entry is made, so the VAT of money
        never received leaves the transition account, never declared nor given back.
        """
        currency = invoice.currency_id
        ratio = amount / invoice.amount_total
        lines = []
        for line in invoice.invoice_line_ids.filtered(lambda x: x.display_type == "product"):
            # Whatever the taxes (included or not), the line's price scaled to the share due.
            price = currency.round(
                line.price_unit * line.quantity * (1 - line.discount / 100.0) * ratio
            )
            if currency.is_zero(price):
                continue
            lines.append(
                Command.create(
                    {
                        "name": _("Irrecoverable debt: %s", line.name or invoice.name),
                        "account_id": account.id,
                        "quantity": 1.0,
                        "price_unit": price,
                        "tax_ids": [Command.set(line.tax_ids.ids)],
                        "analytic_distribution": line.analytic_distribution,
                    }
                )
            )
        if not lines:
            raise UserError(_("Invoice %s has no line to credit.", invoice.name))
        today = fields.Date.context_today(self)
        refund = self.env["account.move"].create(
            {
                "move_type": "out_refund",
                "partner_id": invoice.partner_id.id,
                "journal_id": invoice.journal_id.id,
                "company_id": invoice.company_id.id,
                "currency_id": currency.id,
                "fiscal_position_id": invoice.fiscal_position_id.id,
                "reversed_entry_id": invoice.id,
                "invoice_date": today,
                "date": today,
                "invoice_payment_term_id": False,
                "invoice_date_due": today,
                "invoice_origin": invoice.name,
                "ref": _(
                    "Irrecoverable debt %(invoice)s, litigation file %(file)s (CGI art. 272)",
                    invoice=invoice.name,
                    file=self.name,
                ),
                "invoice_line_ids": lines,
            }
        )
        # The invoice's rate, not today's: the VAT given back is the VAT declared.
        refund.invoice_currency_rate = invoice.invoice_currency_rate
        self._writeoff_fit_refund(refund, amount)
        return refund

    def _writeoff_fit_refund(self, refund, amount):
        """Bring the credit note's total to ``amount``, never above it, when rounding the
        lines and their taxes left a few cents apart."""
        currency = refund.currency_id
        line = max(refund.invoice_line_ids, key=lambda x: abs(x.price_total))

        def gap():
            return currency.round(amount - refund.amount_total)

        for _attempt in range(5):
            if currency.is_zero(gap()):
                return
            # The line's total moves with its price in the ratio of its taxes.
            step = currency.round(gap() * line.price_unit / line.price_total)
            line.price_unit += step or math.copysign(currency.rounding, gap())
        for _attempt in range(5):
            if currency.compare_amounts(gap(), 0.0) >= 0:
                return  # exact, or a few cents below: the rest goes to the loss account
            line.price_unit -= currency.rounding
        raise UserError(
            _(
                "The credit note of %(invoice)s cannot match the amount due %(amount)s: "
                "write this invoice off by hand.",
                invoice=refund.reversed_entry_id.name,
                amount=currency.format(amount),
            )
        )

    def _writeoff_journal(self):
        """The company's write-off journal, or its first miscellaneous journal."""
        journal = self.company_id.relance_writeoff_journal_id
        if not journal:
            journal = self.env["account.journal"].search(
                [("type", "=", "general"), ("company_id", "=", self.company_id.id)], limit=1
            )
        if not journal:
            raise UserError(
                _(
                    "No miscellaneous journal exists in company %s to write the debt off: "
                    "create one or choose the write-off journal in Settings > Collections.",
                    self.company_id.name,
                )
            )
        return journal

    def _writeoff_rounding_entry(self, leftovers, account, journal):
        """The cents a credit note could not reach ({invoice: amount in its currency}),
        from the receivable to the loss account (no VAT), reconciled with the invoices."""
        lines = []
        for invoice, amount in leftovers.items():
            receivable = invoice.line_ids.filtered(
                lambda line: line.display_type == "payment_term" and not line.reconciled
            )[:1]
            balance = invoice.company_currency_id.round(amount / invoice.invoice_currency_rate)
            common = {
                "partner_id": invoice.commercial_partner_id.id,
                "currency_id": invoice.currency_id.id,
            }
            lines += [
                Command.create(
                    {
                        **common,
                        "name": invoice.name,
                        "account_id": receivable.account_id.id,
                        "amount_currency": -amount,
                        "balance": -balance,
                    }
                ),
                Command.create(
                    {
                        **common,
                        "name": _("Uncollectable debt %s (rounding)", invoice.name),
                        "account_id": account.id,
                        "amount_currency": amount,
                        "balance": balance,
                    }
                ),
            ]
        move = self.env["account.move"].create(
            {
                "move_type": "entry",
                "journal_id": journal.id,
                "date": fields.Date.context_today(self),
                "ref": _("Write-off of litigation file %s", self.name),
                "line_ids": lines,
            }
        )
        move.action_post()
        for invoice in leftovers:
            receivables = invoice.line_ids.filtered(
                lambda line: line.display_type == "payment_term" and not line.reconciled
            )
            counterparts = move.line_ids.filtered(lambda line, inv=invoice: line.name == inv.name)
            for account_lines in (receivables | counterparts).grouped("account_id").values():
                account_lines.reconcile()
        return move
