# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, models
from odoo.exceptions import UserError

from ..access import is_manager

# What makes an attachment the document it is: changing it swaps the evidence.
CONTENT_FIELDS = {"raw", "datas", "db_datas", "store_fname", "url", "type", "res_model", "res_id"}


class IrAttachment(models.Model):
    """The document of a done dunning action (reminder letter, formal notice) is
    evidence that the litigation file hands to the lawyer: nobody rewrites it, and
    only a collections manager deletes it."""

    _inherit = "ir.attachment"

    def write(self, vals):
        if not self.env.su and CONTENT_FIELDS.intersection(vals) and self._relance_evidence():
            raise UserError(
                self.env._("The document of a dunning action that is done cannot be changed.")
            )
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_dunning_evidence(self):
        if not self.env.su and not is_manager(self.env) and self._relance_evidence():
            raise UserError(
                self.env._(
                    "The document of a dunning action that is done is evidence: only a "
                    "collections manager may delete it."
                )
            )

    def _relance_evidence(self):
        """The attachments among these that are the document of a done action."""
        if not self.ids:
            return self.browse()
        entries = (
            self.env["relance.history"]
            .sudo()
            .search([("attachment_id", "in", self.ids), ("state", "=", "done")])
        )
        return self & entries.attachment_id.with_env(self.env)
