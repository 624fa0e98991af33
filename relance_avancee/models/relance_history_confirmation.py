# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from markupsafe import Markup

from odoo import _, fields, models
from odoo.exceptions import UserError


class RelanceHistory(models.Model):
    """The written confirmation of a call, as a letter when the customer has no email."""

    _inherit = "relance.history"

    call_id = fields.Many2one(
        "relance.history",
        string="Confirms Call",
        ondelete="set null",
        index="btree_not_null",
        readonly=True,
        help="The call this letter confirms in writing (the customer has no email address).",
    )
    confirmation_letter_ids = fields.One2many("relance.history", "call_id", readonly=True)

    def _relance_confirm_by_letter(self, subject, body):
        """A letter to print carrying the call's written confirmation (``subject`` and
        ``body``, the editable template rendered in the customer's language): listed
        with the letters to print, rendered at once, and the call's trace.

        :return: the letter's relance.history entry
        """
        self.ensure_one()
        partner = self.partner_id
        if not (partner.street or partner.city or partner.zip):
            raise UserError(
                _(
                    "%s has neither an email address nor a postal address: add one to "
                    "confirm the call in writing, or untick the written confirmation.",
                    partner.display_name,
                )
            )
        # A document of the engine's, whoever logged the call.
        letter = self.sudo().create(
            {
                "partner_id": partner.id,
                "company_id": self.company_id.id,
                "move_ids": [fields.Command.set(self.move_ids.ids)],
                "channel": "letter",
                "date": fields.Date.context_today(self),
                "state": "done",
                "outcome": "sent",
                "executed": True,
                "document_state": "pending",
                "amount_due": self.amount_due,
                "user_id": self.env.user.id,
                "call_id": self.id,
                "fallback_reason": _("No email address: the call is confirmed by letter."),
                "note": Markup("<h4>%s</h4>%s") % (subject, body),
            }
        )
        self.env["relance.executor"].sudo()._log_on_partners(
            letter,
            lambda e: self.env._("Written confirmation of the call prepared as a letter to print."),
        )
        self.env["relance.documents"].sudo()._render_pending(letter)
        # The letter is the call's written trace, as the email would be.
        self.sudo().message_id = letter.message_id
        return letter
