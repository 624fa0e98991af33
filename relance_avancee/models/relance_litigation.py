# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
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
    writeoff_move_id = fields.Many2one("account.move", string="Write-off Entry", readonly=True)
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
        allocation = self.move_ids._relance_unbooked_allocation()
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
        manager = self.env["relance.executor"]._litigation_manager(self.company_id)
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
        self.write({"state": "closed"})
        return True

    def action_write_off(self):
        """Write the uncollectable residual off: the untaxed part to the loss account, the
        VAT part back to the invoices' tax accounts (CGI art. 272), and settle the invoices."""
        self.ensure_one()
        check_manager(self.env, _("Only a collections manager can write off a debt."))
        account = self.company_id.relance_writeoff_account_id
        if not account:
            raise UserError(_("Set the write-off account in Settings > Collections first."))
        invoices = self.move_ids.filtered(lambda m: m.amount_residual > 0)
        if not invoices:
            raise UserError(_("Nothing remains to write off."))
        move = self.env["account.move"].create(self._writeoff_values(invoices, account))
        move.action_post()
        for invoice in invoices:
            receivables = invoice.line_ids.filtered(
                lambda line: line.display_type == "payment_term" and not line.reconciled
            )
            counterparts = move.line_ids.filtered(lambda line, inv=invoice: line.name == inv.name)
            for account_lines in (receivables | counterparts).grouped("account_id").values():
                account_lines.reconcile()
        self.write({"state": "written_off", "writeoff_move_id": move.id})
        message = _("Debt written off: %s", move.name)
        self.message_post(body=message)
        self.partner_id.message_post(body=message)
        return True

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

    def _writeoff_values(self, invoices, account):
        """Values of the write-off entry: per invoice and receivable account, a credit that
        settles the residual (in the invoice currency); the debit is split pro rata between
        the invoice's tax accounts (VAT regularisation) and the loss account, which takes
        the rounding difference."""
        journal = self._writeoff_journal()
        company_currency = self.company_id.currency_id
        lines = []
        for invoice in invoices:
            currency = invoice.currency_id
            partner = invoice.commercial_partner_id
            receivables = invoice.line_ids.filtered(
                lambda line: line.display_type == "payment_term" and not line.reconciled
            )
            total_balance = total_currency = 0.0
            for receivable_account in receivables.account_id:
                open_lines = receivables.filtered(
                    lambda line, acc=receivable_account: line.account_id == acc
                )
                balance = sum(open_lines.mapped("amount_residual"))
                amount_currency = sum(open_lines.mapped("amount_residual_currency"))
                total_balance += balance
                total_currency += amount_currency
                lines.append(
                    Command.create(
                        {
                            "name": invoice.name,
                            "account_id": receivable_account.id,
                            "partner_id": partner.id,
                            "currency_id": currency.id,
                            "amount_currency": -amount_currency,
                            "balance": -balance,
                        }
                    )
                )
            # Share of the invoice still unpaid: the same share of its VAT is recovered.
            ratio = invoice.amount_residual / invoice.amount_total if invoice.amount_total else 0.0
            tax_balance = tax_currency = 0.0
            for tax_line in invoice.line_ids.filtered(lambda line: line.display_type == "tax"):
                vat_currency = currency.round(-tax_line.amount_currency * ratio)
                vat_balance = company_currency.round(-tax_line.balance * ratio)
                if currency.is_zero(vat_currency) and company_currency.is_zero(vat_balance):
                    continue
                tax_balance += vat_balance
                tax_currency += vat_currency
                lines.append(
                    Command.create(
                        {
                            "name": _(
                                "VAT regularisation %(tax)s %(invoice)s",
                                tax=tax_line.name,
                                invoice=invoice.name,
                            ),
                            "account_id": tax_line.account_id.id,
                            "partner_id": partner.id,
                            "currency_id": currency.id,
                            # Opposite sign of the tax line on the invoice.
                            "amount_currency": vat_currency,
                            "balance": vat_balance,
                        }
                    )
                )
            lines.append(
                Command.create(
                    {
                        "name": _("Uncollectable debt %s", invoice.name),
                        "account_id": account.id,
                        "partner_id": partner.id,
                        "currency_id": currency.id,
                        "amount_currency": total_currency - tax_currency,
                        "balance": total_balance - tax_balance,
                    }
                )
            )
        return {
            "move_type": "entry",
            "journal_id": journal.id,
            "date": fields.Date.context_today(self),
            "ref": _("Write-off of litigation file %s", self.name),
            "line_ids": lines,
        }
