from collections import defaultdict

from odoo import Command, _, api, fields, models
from odoo.exceptions import UserError


class RelancePenalty(models.Model):
    """One charge of late-payment penalties for one overdue invoice and one period.

    Periods of a given invoice never overlap: the next charge starts the day after
    the last one ended, and the fixed indemnity is charged once per invoice.
    """

    _name = "relance.penalty"
    _description = "Late-Payment Penalty Charge"
    _order = "date_to desc, id desc"
    _check_company_auto = True

    move_id = fields.Many2one(
        "account.move", string="Late Invoice", required=True, ondelete="cascade", index=True
    )
    penalty_move_id = fields.Many2one(
        "account.move", string="Penalty Invoice", ondelete="set null", index=True
    )
    history_id = fields.Many2one("relance.history", ondelete="set null", index=True)
    partner_id = fields.Many2one(related="move_id.commercial_partner_id", store=True)
    company_id = fields.Many2one(related="move_id.company_id", store=True)
    currency_id = fields.Many2one(related="move_id.currency_id", store=True)
    date_from = fields.Date(required=True)
    date_to = fields.Date(required=True)
    days = fields.Integer()
    rate = fields.Float(string="Rate (%/year)", digits=(6, 3))
    interest = fields.Monetary(currency_field="currency_id")
    indemnity = fields.Monetary(currency_field="currency_id")
    total = fields.Monetary(currency_field="currency_id", compute="_compute_total", store=True)
    state = fields.Selection(
        [("charged", "Charged"), ("waived", "Waived")], default="charged", required=True
    )
    waive_reason = fields.Char()

    @api.depends("interest", "indemnity")
    def _compute_total(self):
        for penalty in self:
            penalty.total = penalty.interest + penalty.indemnity

    @api.model
    def _charge(self, entry):
        """Create the penalty invoices of a dunning action: one per customer and currency."""
        invoices = entry.move_ids
        invoices._relance_check_penalty_setup()
        by_currency = defaultdict(list)
        for invoice in invoices:
            penalty = invoice._relance_uncharged_penalty(entry.date)
            if invoice.currency_id.is_zero(penalty["interest"] + penalty["indemnity"]):
                continue
            by_currency[invoice.currency_id].append((invoice, penalty))
        charges = self.browse()
        for currency, items in by_currency.items():
            penalty_move = self._create_penalty_invoice(entry, currency, items)
            charges |= self.create(
                [
                    {
                        "move_id": invoice.id,
                        "penalty_move_id": penalty_move.id,
                        "history_id": entry.id,
                        "date_from": penalty["date_from"],
                        "date_to": penalty["date_to"],
                        "days": penalty["days"],
                        "rate": penalty["rate"],
                        "interest": penalty["interest"],
                        "indemnity": penalty["indemnity"],
                    }
                    for invoice, penalty in items
                ]
            )
        return charges

    @api.model
    def _create_penalty_invoice(self, entry, currency, items):
        company = entry.company_id
        product = company.relance_penalty_product_id
        lines = []
        for invoice, penalty in items:
            if not currency.is_zero(penalty["interest"]):
                lines.append(self._interest_line(product, invoice, penalty))
            if not currency.is_zero(penalty["indemnity"]):
                lines.append(
                    self._line(
                        product,
                        _("Fixed recovery indemnity (Code de commerce D441-5) - %s", invoice.name),
                        penalty["indemnity"],
                    )
                )
        values = {
            "move_type": "out_invoice",
            "partner_id": entry.partner_id.id,
            "company_id": company.id,
            "currency_id": currency.id,
            "invoice_date": entry.date,
            "invoice_origin": _("Late-payment penalties"),
            "narration": _(
                "Late-payment penalties (Code de commerce L441-10) and fixed recovery "
                "indemnity (D441-5): compensation, not subject to VAT."
            ),
            "invoice_line_ids": lines,
        }
        if company.relance_penalty_journal_id:
            values["journal_id"] = company.relance_penalty_journal_id.id
        move = self.env["account.move"].with_company(company).create(values)
        if company.relance_penalty_post:
            move.action_post()
        return move

    @api.model
    def _interest_line(self, product, invoice, penalty):
        label = _(
            "Late-payment interest on %(invoice)s due %(due)s: %(days)s days "
            "from %(start)s to %(end)s at %(rate)s %% (Code de commerce L441-10)",
            invoice=invoice.name,
            due=invoice.invoice_date_due,
            days=penalty["days"],
            start=penalty["date_from"],
            end=penalty["date_to"],
            rate=round(penalty["rate"], 3),
        )
        return self._line(product, label, penalty["interest"])

    @api.model
    def _line(self, product, label, amount):
        return Command.create(
            {
                "product_id": product.id,
                "name": label,
                "quantity": 1,
                "price_unit": amount,
                "tax_ids": [Command.clear()],
            }
        )

    def action_waive(self, reason):
        """Waive these charges: cancel or credit their penalty invoices, traced."""
        if not reason:
            raise UserError(_("Give the reason for waiving the penalty."))
        if not self.env.user.has_group("relance_avancee.group_relance_manager"):
            raise UserError(_("Only a collections manager can waive penalties."))
        for penalty_move in self.penalty_move_id:
            if penalty_move.state == "draft":
                penalty_move.button_cancel()
            elif penalty_move.state == "posted":
                penalty_move._reverse_moves([{"ref": _("Penalty waived: %s", reason)}], cancel=True)
            penalty_move.message_post(body=_("Penalty waived: %s", reason))
        self.write({"state": "waived", "waive_reason": reason})
        return True
