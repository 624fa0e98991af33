# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from collections import defaultdict

from markupsafe import Markup

from odoo import Command, _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools.misc import format_date, formatLang

from ..access import check_manager


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
    penalty_line_ids = fields.Many2many(
        "account.move.line",
        "relance_penalty_move_line_rel",
        "penalty_id",
        "line_id",
        string="Penalty Invoice Lines",
        readonly=True,
        help="Lines of the penalty invoice that charge this penalty.",
    )
    waive_move_id = fields.Many2one(
        "account.move", string="Waiver Credit Note", readonly=True, ondelete="set null"
    )

    @api.depends("interest", "indemnity")
    def _compute_total(self):
        for penalty in self:
            penalty.total = penalty.interest + penalty.indemnity

    @api.model
    def _charge(self, entry):
        """Create the penalty invoices of a dunning action: one per customer and currency."""
        # No interest on interest (Code civil 1343-2): penalty invoices bear none. Only
        # the invoices at a level that applies penalties are charged, whatever the
        # level the message is written at.
        levels = entry._relance_level_by_move()
        invoices = entry.move_ids.filtered(
            lambda m: not m.relance_is_penalty and levels[m].apply_penalties
        )
        if not invoices or entry.partner_id._relance_in_insolvency():
            return self.browse()
        invoices._relance_check_penalty_setup()
        by_currency = defaultdict(list)
        missing_rates = []
        for invoice in invoices:
            penalty = invoice._relance_uncharged_penalty(entry.date)
            if penalty["missing_rate_from"]:
                missing_rates.append(penalty["missing_rate_from"])
            if invoice.currency_id.is_zero(penalty["interest"] + penalty["indemnity"]):
                continue
            by_currency[invoice.currency_id].append((invoice, penalty))
        charges = self.browse()
        for currency, items in by_currency.items():
            # The penalty invoice speaks the customer's language, not the collector's.
            penalty_move, line_keys = self.with_context(
                lang=entry.partner_id.lang or self.env.lang
            )._create_penalty_invoice(entry, currency, items)
            # Lines were created in the order of their commands: ids follow that order.
            lines_by_invoice = defaultdict(list)
            lines = penalty_move.invoice_line_ids.sorted("id")
            for key, line in zip(line_keys, lines, strict=True):
                lines_by_invoice[key].append(line.id)
            new_charges = self.create(
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
                        "penalty_line_ids": [Command.set(lines_by_invoice[invoice.id])],
                    }
                    for invoice, penalty in items
                ]
            )
            charges |= new_charges
            self._trace_charge(entry.partner_id, penalty_move, new_charges)
        if missing_rates:
            entry.penalty_missing_rate_from = min(missing_rates)
        return charges

    @api.model
    def _trace_charge(self, partner, penalty_move, charges):
        """The customer's chatter says which penalty invoice was issued, and for what."""
        text = _(
            "Late-payment penalties charged: %(move)s, %(amount)s (interest and recovery "
            "indemnity on %(invoices)s).",
            move=penalty_move.display_name,
            amount=penalty_move.currency_id.format(sum(charges.mapped("total"))),
            invoices=", ".join(charges.move_id.mapped("name")),
        )
        partner.commercial_partner_id.message_post(
            body=Markup("<p>%s</p>") % text,
            subtype_xmlid="mail.mt_note",
        )

    @api.model
    def _create_penalty_invoice(self, entry, currency, items):
        company = entry.company_id
        product = company.relance_penalty_product_id
        lines = []
        line_keys = []
        for invoice, penalty in items:
            if not currency.is_zero(penalty["interest"]):
                lines.append(self._interest_line(product, invoice, penalty))
                line_keys.append(invoice.id)
            if not currency.is_zero(penalty["indemnity"]):
                line_keys.append(invoice.id)
                lines.append(
                    self._line(
                        product,
                        _(
                            "Fixed recovery indemnity (%(basis)s) - %(invoice)s",
                            basis=self._legal_basis(invoice)["indemnity"],
                            invoice=invoice.name,
                        ),
                        penalty["indemnity"],
                        company,
                    )
                )
        values = {
            "move_type": "out_invoice",
            "partner_id": entry.partner_id.id,
            "company_id": company.id,
            "currency_id": currency.id,
            "invoice_date": entry.date,
            "invoice_origin": _("Late-payment penalties"),
            "relance_is_penalty": True,
            "narration": _(
                "Late-payment interest (%(interest)s) and fixed recovery indemnity "
                "(%(indemnity)s): compensation, not subject to VAT.",
                **self._legal_basis(items[0][0]),
            )
            if not company.relance_penalty_tax_ids
            else False,
            "invoice_line_ids": lines,
        }
        if company.relance_penalty_journal_id:
            values["journal_id"] = company.relance_penalty_journal_id.id
        move = self.env["account.move"].with_company(company).create(values)
        if company.relance_penalty_post:
            move.action_post()
        return move, line_keys

    @api.model
    def _interest_line(self, product, invoice, penalty):
        label = _(
            "Late-payment interest on %(invoice)s due %(due)s: %(days)s days "
            "from %(start)s to %(end)s at %(rate)s %% (%(basis)s)",
            invoice=invoice.name,
            due=format_date(self.env, invoice.invoice_date_due),
            days=penalty["days"],
            start=format_date(self.env, penalty["date_from"]),
            end=format_date(self.env, penalty["date_to"]),
            rate=formatLang(self.env, penalty["rate"], digits=2),
            basis=self._legal_basis(invoice)["interest"],
        )
        return self._line(product, label, penalty["interest"], invoice.company_id)

    @api.model
    def _legal_basis(self, invoice):
        """The articles a penalty of ``invoice`` rests on, following its debtor."""
        kind = invoice._relance_debtor_kind()
        if kind == "public":
            return {
                "interest": _("Code de la commande publique L2192-13, R2192-31"),
                "indemnity": _("Code de la commande publique L2192-13, D2192-35"),
            }
        if kind == "individual":
            return {"interest": _("Code civil 1231-6"), "indemnity": "-"}
        return {
            "interest": _("Code de commerce L441-10"),
            "indemnity": _("Code de commerce D441-5"),
        }

    @api.model
    def _line(self, product, label, amount, company):
        """One penalty line, taxed as the company says (no VAT by default, as in France)."""
        return Command.create(
            {
                "product_id": product.id,
                "name": label,
                "quantity": 1,
                "price_unit": amount,
                "tax_ids": [Command.set(company.relance_penalty_tax_ids.ids)],
            }
        )

    def action_waive(self, reason):
        """Waive these charges, and only these: on a draft penalty invoice their lines
        are removed (the invoice is cancelled when nothing remains); on a posted one a
        credit note for their amount is issued and matched with it. Traced in the
        chatter of the penalty invoice and of the customer."""
        check_manager(self.env, _("Only a collections manager may waive penalties."))
        reason = (reason or "").strip()
        if not reason:
            raise UserError(_("Give the reason for waiving the penalty."))
        if not self.env.user.has_group("relance_avancee.group_relance_manager"):
            raise UserError(_("Only a collections manager can waive penalties."))
        waived = self.filtered(lambda p: p.state == "waived")
        if waived:
            raise UserError(
                _("The penalty of %s is already waived.", waived[0].move_id.display_name)
            )
        for penalty_move in self.penalty_move_id:
            penalties = self.filtered(lambda p, m=penalty_move: p.penalty_move_id == m)
            lines = penalties._lines_on(penalty_move)
            amount = sum(penalties.mapped("total"))
            credit_note = self.env["account.move"]
            if penalty_move.state == "draft":
                if lines == penalty_move.invoice_line_ids:
                    penalty_move.button_cancel()
                else:
                    penalty_move.write(
                        {"invoice_line_ids": [Command.delete(line.id) for line in lines]}
                    )
            elif penalty_move.state == "posted":
                credit_note = penalties._waiver_credit_note(penalty_move, lines, reason)
                penalties.waive_move_id = credit_note
            text = _(
                "Penalty waived by %(user)s on %(invoices)s (%(amount)s): %(reason)s",
                user=self.env.user.name,
                invoices=", ".join(penalties.move_id.mapped("name")),
                amount=penalty_move.currency_id.format(amount),
                reason=reason,
            )
            if credit_note:
                text = _("%(text)s. Credit note %(note)s.", text=text, note=credit_note.name)
            body = Markup("<p>%s</p>") % text
            penalty_move.message_post(body=body)
            penalty_move.commercial_partner_id.message_post(body=body, subtype_xmlid="mail.mt_note")
        self.write({"state": "waived", "waive_reason": reason})
        return True

    def _lines_on(self, penalty_move):
        """Lines of ``penalty_move`` charging these penalties (by label for charges
        made before the lines were linked)."""
        lines = self.penalty_line_ids & penalty_move.invoice_line_ids
        for penalty in self.filtered(lambda p: not p.penalty_line_ids):
            lines |= penalty_move.invoice_line_ids.filtered(
                lambda line, p=penalty: p.move_id.name and p.move_id.name in (line.name or "")
            )
        return lines

    def _waiver_credit_note(self, penalty_move, lines, reason):
        """A posted credit note for ``lines`` of the posted ``penalty_move``, matched
        with it when the penalty invoice is still open."""
        credit_note = (
            self.env["account.move"]
            .with_company(penalty_move.company_id)
            .create(
                {
                    "move_type": "out_refund",
                    "partner_id": penalty_move.partner_id.id,
                    "company_id": penalty_move.company_id.id,
                    "currency_id": penalty_move.currency_id.id,
                    "journal_id": penalty_move.journal_id.id,
                    "invoice_date": fields.Date.context_today(self),
                    "reversed_entry_id": penalty_move.id,
                    "ref": _("Penalty waived: %s", reason),
                    "invoice_origin": penalty_move.name,
                    "invoice_line_ids": [
                        Command.create(
                            {
                                "product_id": line.product_id.id,
                                "name": line.name,
                                "quantity": line.quantity,
                                "price_unit": line.price_unit,
                                "account_id": line.account_id.id,
                                "tax_ids": [Command.set(line.tax_ids.ids)],
                            }
                        )
                        for line in lines
                    ],
                }
            )
        )
        credit_note.action_post()
        receivables = (penalty_move.line_ids | credit_note.line_ids).filtered(
            lambda line: line.account_type == "asset_receivable" and not line.reconciled
        )
        if len(receivables.move_id) == 2:
            receivables.reconcile()
        return credit_note

    def action_open_waive_wizard(self):
        check_manager(self.env, _("Only a collections manager may waive penalties."))
        charged = self.filtered(lambda p: p.state == "charged")
        if not charged:
            raise UserError(_("Select penalties that are still charged."))
        return {
            "type": "ir.actions.act_window",
            "name": _("Waive Penalties"),
            "res_model": "relance.penalty.waive",
            "view_mode": "form",
            "target": "new",
            "context": {"default_penalty_ids": [Command.set(charged.ids)]},
        }
