# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta

from odoo import api, fields, models

# Context key of the writes made by a typology rule (relance.typology.rule._relance_apply).
BY_RULE_KEY = "relance_typology_by_rule"
# The revenue and average invoice amount look back this many days, the day itself included.
REVENUE_DAYS = 365


class ResPartner(models.Model):
    """Typology rules: which rule set the customer's typology, and a person's lock.

    The typology is one per customer (not per company), as ``relance_typology_id``;
    so are the rule's trace and the lock. A person who changes a typology a rule set
    locks it: neither the daily run nor the review screen proposes another one until
    the lock is lifted.
    """

    _inherit = "res.partner"

    relance_typology_rule_id = fields.Many2one(
        "relance.typology.rule",
        string="Typology Set By Rule",
        copy=False,
        readonly=True,
        ondelete="set null",
        help="The typology rule that chose the current typology; empty when a person did.",
    )
    relance_typology_rule_date = fields.Date(
        string="Typology Set By Rule On", copy=False, readonly=True
    )
    relance_typology_locked = fields.Boolean(
        string="Typology Locked",
        copy=False,
        tracking=True,
        help="Typology rules leave this customer's typology alone. Set when a person "
        "changes a typology a rule chose; clear it to hand the customer back to the rules.",
    )

    def write(self, vals):
        if "relance_typology_id" not in vals or self.env.context.get(BY_RULE_KEY):
            return super().write(vals)
        new_id = vals["relance_typology_id"] or False
        changed = self.filtered(lambda p: p.relance_typology_id.id != new_id)
        ruled = changed.filtered("relance_typology_rule_id")
        result = super().write(vals)
        if ruled:
            # A person overrides a rule's choice: the rule no longer speaks for it, and
            # the rules leave the person's choice alone (the engine's writes lock nothing).
            trace = {"relance_typology_rule_id": False, "relance_typology_rule_date": False}
            if not self.env.su:
                trace["relance_typology_locked"] = True
            super(ResPartner, ruled.sudo()).write(trace)
        return result

    @api.model
    def _commercial_fields(self):
        return super()._commercial_fields() + [
            "relance_typology_rule_id",
            "relance_typology_rule_date",
            "relance_typology_locked",
        ]

    def _relance_typology_figures(self, company, date):
        """{customer id: criteria values} of these commercial partners in ``company`` on
        ``date``, all amounts in the company's currency:

        - ``revenue``: untaxed amount of the invoices dated in the last 365 days (``date``
          included), credit notes deducted, penalty invoices left out;
        - ``invoice_count`` and ``average``: those invoices (credit notes apart) and
          their average untaxed amount (None without any);
        - ``outstanding``: the amount still due on the customer's open invoices, net of
          unbooked payments and open credits (``_relance_open_invoice_figures``);
        - ``payer_score``: its payer score in the company (False when it has none);
        - ``public``: whether it is a public buyer (``_relance_debtor_kind``).
        """
        start = date - timedelta(days=REVENUE_DAYS - 1)
        sales = (
            self.env["account.move"]
            .sudo()
            ._read_group(
                [
                    ("company_id", "=", company.id),
                    ("commercial_partner_id", "in", self.ids),
                    ("move_type", "in", ("out_invoice", "out_refund")),
                    ("state", "=", "posted"),
                    ("invoice_date", ">=", start),
                    ("invoice_date", "<=", date),
                    ("relance_is_penalty", "=", False),
                    "|",
                    ("reversed_entry_id", "=", False),
                    ("reversed_entry_id.relance_is_penalty", "=", False),
                ],
                ["commercial_partner_id", "move_type"],
                ["amount_untaxed_signed:sum", "__count"],
            )
        )
        invoiced = {}
        for partner, move_type, amount, count in sales:
            revenue, invoices_amount, invoices = invoiced.get(partner.id, (0.0, 0.0, 0))
            revenue += amount
            if move_type == "out_invoice":
                invoices_amount += amount
                invoices += count
            invoiced[partner.id] = (revenue, invoices_amount, invoices)
        in_company = self.with_company(company)
        open_figures = in_company._relance_open_invoice_figures(date)
        currency = company.currency_id
        figures = {}
        for partner in in_company.sudo():
            revenue, invoices_amount, invoices = invoiced.get(partner.id, (0.0, 0.0, 0))
            figures[partner.id] = {
                "revenue": currency.round(revenue),
                "invoice_count": invoices,
                "average": currency.round(invoices_amount / invoices) if invoices else None,
                "outstanding": currency.round(open_figures.get(partner.id, (0.0,))[0]),
                "payer_score": partner.relance_payer_score or False,
                "public": partner._relance_debtor_kind() == "public",
            }
        return figures
