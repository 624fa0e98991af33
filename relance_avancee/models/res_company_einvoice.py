# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import hashlib
import hmac
import secrets

from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..einvoice_cdar import siren_of

# Largest lifecycle message the endpoint reads by default (1 MiB).
DEFAULT_MAX_KB = 1024
# No company may raise it above this.
MAX_KB = 10 * 1024


def hash_secret(secret):
    """The stored form of an endpoint secret: its SHA-256, in hexadecimal."""
    return hashlib.sha256((secret or "").encode()).hexdigest()


class ResCompany(models.Model):
    """The company's e-invoicing platform connection: the secret its connector posts
    lifecycle messages with (only its hash is stored) and the largest message read."""

    _inherit = "res.company"

    relance_einvoice_secret_hash = fields.Char(
        string="E-Invoicing Endpoint Secret (hash)",
        groups="base.group_system",
        copy=False,
    )
    relance_einvoice_secret_set = fields.Boolean(
        string="E-Invoicing Endpoint Secret Set",
        compute="_compute_relance_einvoice_secret_set",
    )
    relance_einvoice_max_kb = fields.Integer(
        string="Largest Lifecycle Message (KB)",
        default=DEFAULT_MAX_KB,
        help="The e-invoicing endpoint refuses larger messages.",
    )

    @api.constrains("relance_einvoice_max_kb")
    def _check_relance_einvoice_max_kb(self):
        for company in self:
            if not 1 <= company.relance_einvoice_max_kb <= MAX_KB:
                raise ValidationError(
                    self.env._(
                        "The largest lifecycle message is between 1 and %(max)s KB.", max=MAX_KB
                    )
                )

    @api.depends("relance_einvoice_secret_hash")
    def _compute_relance_einvoice_secret_set(self):
        for company in self:
            company.relance_einvoice_secret_set = bool(company.sudo().relance_einvoice_secret_hash)

    def _relance_einvoice_new_secret(self):
        """Store the hash of a new random secret and return the secret (shown once)."""
        self.ensure_one()
        secret = secrets.token_urlsafe(32)
        self.sudo().relance_einvoice_secret_hash = hash_secret(secret)
        return secret

    def _relance_einvoice_company_of(self, secret):
        """The company whose endpoint secret this is, or an empty recordset.

        Every company's hash is compared in constant time, and all are compared
        whatever matches, so the answer's timing tells nothing about the secret."""
        if not secret:
            return self.browse()
        presented = hash_secret(secret)
        found = self.browse()
        companies = self.sudo().search([("relance_einvoice_secret_hash", "!=", False)])
        for company in companies:
            if hmac.compare_digest(presented, company.relance_einvoice_secret_hash):
                found = company
        return found.sudo(False)

    def _relance_einvoice_max_bytes(self):
        self.ensure_one()
        return min(max(self.relance_einvoice_max_kb, 1), MAX_KB) * 1024

    def _relance_einvoice_sirens(self):
        """The company's SIRENs, from its VAT number, company registry and SIRET."""
        self.ensure_one()
        values = [self.vat, self.company_registry]
        if "siret" in self._fields:
            values.append(self.siret)
        return {siren for siren in map(siren_of, values) if siren}
