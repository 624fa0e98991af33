from markupsafe import Markup

from odoo import fields, models


class MailActivity(models.Model):
    _inherit = "mail.activity"

    def _action_done(self, feedback=False, attachment_ids=None):
        """A collection call marked done closes its planned history entry."""
        entries = (
            self.env["relance.history"]
            .sudo()
            .search([("activity_id", "in", self.ids), ("state", "=", "planned")])
        )
        if entries:
            entries.write(
                {
                    "state": "done",
                    "note": Markup("<p>%s</p>") % (feedback or ""),
                    "date": fields.Date.context_today(self),
                }
            )
        return super()._action_done(feedback=feedback, attachment_ids=attachment_ids)
