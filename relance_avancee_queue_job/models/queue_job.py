# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class QueueJob(models.Model):
    _inherit = "queue.job"

    relance_run_id = fields.Many2one(
        "relance.run",
        string="Dunning Run",
        readonly=True,
        index="btree_not_null",
        ondelete="set null",
        help="The dunning run this job executes a part of.",
    )
