# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from markupsafe import Markup

from odoo import _, models
from odoo.exceptions import UserError


class MailActivity(models.Model):
    _inherit = "mail.activity"

    def _action_done(self, feedback=False, attachment_ids=None):
        """A collection call is closed with its outcome, never marked done bare.

        The outcome wizard closes the history entry first, then the activity: an
        activity whose call is still planned was not logged.
        """
        open_calls = (
            self.env["relance.history"]
            .sudo()
            .search_count([("activity_id", "in", self.ids), ("state", "=", "planned")], limit=1)
        )
        if open_calls:
            raise UserError(
                _(
                    "Log the outcome of this collection call (promise, no answer, dispute...) "
                    'with the "Log a call" button of the customer, or "Log the call" on '
                    "its dunning action: a call is never closed without its outcome."
                )
            )
        return super()._action_done(feedback=feedback, attachment_ids=attachment_ids)

    def unlink(self):
        """A collection call deleted from the chatter is cancelled in the history: it no
        longer holds its invoices back from the next run."""
        calls = (
            self.env["relance.history"]
            .sudo()
            .search([("activity_id", "in", self.ids), ("state", "=", "planned")])
        )
        if calls:
            calls.write(
                {
                    "state": "cancelled",
                    "note": Markup("<p>%s</p>")
                    % _("Call cancelled: its activity was deleted by %s.", self.env.user.name),
                }
            )
        return super().unlink()
