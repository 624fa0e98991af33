# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import models

from ..models.res_partner_payer_score import MERGING_KEY


class BasePartnerMergeAutomaticWizard(models.TransientModel):
    """Merging customers copies every stored field onto the one kept, the payer score
    included, which only its computation writes: the one kept keeps its own score and
    the next daily run computes it again from the merged invoices."""

    _inherit = "base.partner.merge.automatic.wizard"

    def _update_values(self, src_partners, dst_partner):
        merging = dst_partner.with_context(**{MERGING_KEY: True})
        return super()._update_values(src_partners, merging)
