# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models


class RelanceHistory(models.Model):
    """Who an emailed action went to: its recipients and those in copy."""

    _inherit = "relance.history"

    recipient_ids = fields.Many2many(
        "res.partner",
        "relance_history_recipient_rel",
        "history_id",
        "partner_id",
        string="Recipients",
        readonly=True,
        help="Who the email is addressed to (res.partner._relance_reminder_recipients); "
        "the first one is the main recipient.",
    )
    recipient_cc_ids = fields.Many2many(
        "res.partner",
        "relance_history_recipient_cc_rel",
        "history_id",
        "partner_id",
        string="In Copy",
        readonly=True,
        help="Contacts who receive the email in copy (Cc), visible to every recipient.",
    )

    letter_address_id = fields.Many2one(
        "res.partner",
        string="Letter Addressed To",
        compute="_compute_letter_address_id",
        help="Whose postal address the letter carries: the customer's accounts payable "
        "contact when it has an address, else the customer.",
    )

    @api.depends("partner_id.child_ids.relance_contact_role")
    def _compute_letter_address_id(self):
        for entry in self:
            customer = entry.partner_id.commercial_partner_id
            entry.letter_address_id = customer and customer._relance_letter_address()

    def _relance_set_recipients(self):
        """Write who this action's email goes to; False when nobody may receive it."""
        self.ensure_one()
        to, cc = self.partner_id._relance_reminder_recipients(self.move_ids)
        self.write(
            {
                "recipient_id": to[:1].id,
                "recipient_ids": [fields.Command.set(to.ids)],
                "recipient_cc_ids": [fields.Command.set(cc.ids)],
            }
        )
        return bool(to)

    def _relance_email_recipients(self):
        """(to, cc) of this action's email, as written by ``_relance_set_recipients``
        (an action written before copies existed has its one recipient)."""
        self.ensure_one()
        return self.recipient_ids or self.recipient_id, self.recipient_cc_ids - self.recipient_ids
