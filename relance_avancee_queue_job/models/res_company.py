# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    relance_queue_job = fields.Boolean(
        string="Run On Job Workers",
        help="The daily run plans its actions, then leaves them to queue_job's job "
        "workers (channel root.relance): one job per batch of customers and of documents. "
        "A run started by hand still runs at once.",
    )
