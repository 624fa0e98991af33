# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from odoo.addons.relance_avancee.access import check_collector

from .relance_dispute import CUSTOMER_SOURCES, OPEN_STATES

# Beyond this many invoices asked about, the invoices of the open disputes are read
# and filtered rather than the invoices sent to the database as a list.
MANY_INVOICES = 1000


class AccountMove(models.Model):
    _inherit = "account.move"

    relance_dispute_ids = fields.Many2many(
        "relance.dispute",
        "relance_dispute_account_move_rel",
        "move_id",
        "dispute_id",
        string="Disputes",
        copy=False,
        readonly=True,
    )
    relance_in_dispute = fields.Boolean(
        string="In Dispute", compute="_compute_relance_suspended", store=True
    )

    @api.depends("relance_excluded", "relance_dispute_ids.state")
    def _compute_relance_suspended(self):
        for move in self:
            move.relance_in_dispute = any(d.state in OPEN_STATES for d in move.relance_dispute_ids)
        return super()._compute_relance_suspended()

    def _relance_is_suspended(self):
        return super()._relance_is_suspended() or self.relance_in_dispute

    def _relance_disputed_on(self, date):
        """These invoices in a dispute open on ``date``: opened on or before it and not
        closed by then (a dispute's dates, not its state today, so past dates hold)."""
        disputed = super()._relance_disputed_on(date)
        ids = self.ids  # once: tens of thousands of invoices for an aged balance
        if not ids:
            return disputed
        self.env["relance.dispute"].flush_model(["date_open", "date_closed", "move_ids"])
        if len(ids) > MANY_INVOICES:
            # An aged balance asks about every open invoice: the invoices of the
            # disputes open on that date (a few) are read, those asked about kept.
            asked = set(ids)
            found = self._relance_invoices_in_dispute_on(date)
            return disputed | {move_id for move_id in found if move_id in asked}
        return disputed | set(self._relance_invoices_in_dispute_on(date, ids))

    @api.model
    def _relance_invoices_in_dispute_on(self, date, move_ids=None):
        """Ids of the invoices (among ``move_ids`` if given) of a dispute open on ``date``."""
        among = SQL("AND rel.move_id = ANY(%s)", move_ids) if move_ids is not None else SQL()
        self.env.cr.execute(
            SQL(
                """
                SELECT rel.move_id
                  FROM relance_dispute_account_move_rel rel
                  JOIN relance_dispute d ON d.id = rel.dispute_id
                 WHERE d.date_open <= %(date)s
                   AND (d.date_closed IS NULL OR d.date_closed > %(date)s)
                   %(among)s
                """,
                date=date,
                among=among,
            )
        )
        return [row[0] for row in self.env.cr.fetchall()]

    def _relance_open_preventable_disputes(self):
        """Open disputes of the customer for a cause the invoice checks look at."""
        return (
            self.env["relance.dispute"]
            .sudo()
            .search(
                [
                    ("partner_id", "=", self.commercial_partner_id.id),
                    ("state", "in", OPEN_STATES),
                    ("reason_id.preventable", "=", True),
                ]
            )
        )

    def _relance_same_cause_texts(self, disputes):
        partner = self.commercial_partner_id
        return [
            self.env._(
                "%(partner)s has an open dispute for the same cause: %(reason)s.",
                partner=partner.name,
                reason=reason.name,
            )
            for reason in disputes.reason_id
        ]

    def _relance_check_problems(self):
        """Disputes opened by collectors block (in block mode); see the notices below."""
        problems = super()._relance_check_problems()
        disputes = self._relance_open_preventable_disputes()
        return problems + self._relance_same_cause_texts(
            disputes.filtered(lambda d: d.source not in CUSTOMER_SOURCES)
        )

    def _relance_check_notices(self):
        """What a customer reported alone (portal, e-invoicing platform) warns, and
        never blocks."""
        notices = super()._relance_check_notices()
        disputes = self._relance_open_preventable_disputes()
        blocking = disputes.filtered(lambda d: d.source not in CUSTOMER_SOURCES).reason_id
        reported = disputes.filtered(
            lambda d: d.source in CUSTOMER_SOURCES and d.reason_id not in blocking
        )
        return notices + self._relance_same_cause_texts(reported)

    def action_relance_report_dispute(self):
        check_collector(self.env)
        partner = self.commercial_partner_id[:1]
        return {
            "type": "ir.actions.act_window",
            "name": _("Report a Dispute"),
            "res_model": "relance.dispute",
            "view_mode": "form",
            "target": "current",
            "context": {
                "default_partner_id": partner.id,
                "default_move_ids": self.ids,
            },
        }

    def _relance_confirmation_url(self):
        """Portal page of the preventive reminder: received and paid on D, or a problem."""
        self.ensure_one()
        move = self.sudo()
        token = move._portal_ensure_token()
        return f"{move.get_base_url()}/relance/confirm/{move.id}?access_token={token}"

    def _relance_dispute_from_portal(self, reason, message):
        """A customer reported a problem on this invoice from the portal.

        One open dispute per invoice: while one is handled, another report is refused
        (no new dispute, notification or activity). The customer's text stays text.
        """
        self.ensure_one()
        move = self.sudo()
        current = move.relance_dispute_ids.filtered(lambda d: d.state in OPEN_STATES)
        if current:
            raise UserError(
                _(
                    "A problem on invoice %(invoice)s is already being handled (%(dispute)s): "
                    "we will come back to you.",
                    invoice=move.name,
                    dispute=current[0].name,
                )
            )
        move.message_post(
            body=_(
                "The customer reported a problem on the portal: %(reason)s - %(message)s",
                reason=reason.name,
                message=message,
            ),
            author_id=move.commercial_partner_id.id,
            subtype_xmlid="mail.mt_note",
        )
        dispute = (
            self.env["relance.dispute"]
            .sudo()
            .create(
                {
                    "partner_id": move.commercial_partner_id.id,
                    "company_id": move.company_id.id,
                    "move_ids": [fields.Command.set(move.ids)],
                    "reason_id": reason.id,
                    "description": message,
                    "source": "portal",
                }
            )
        )
        dispute.message_post(body=_("Reported by the customer from the portal: %s", message))
        return dispute
