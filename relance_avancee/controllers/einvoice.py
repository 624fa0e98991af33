# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The endpoint an e-invoicing platform connector posts lifecycle messages to.

``POST /relance/einvoice/status`` with the CDAR XML as the body and the company's
secret as ``Authorization: Bearer <secret>``. The secret names the company (only
its hash is stored, compared in constant time); the message must be about that
company's invoices. Every refusal is logged (``relance.einvoice.refusal``) and
answered with a JSON ``{"error": reason, "message": text}``; nothing of a refused
message is written.
"""

import json

from odoo import SUPERUSER_ID, http
from odoo.http import request

from ..models.relance_einvoice_status import EinvoiceRefused

HTTP_STATUS = {
    "secret": 401,
    "size": 413,
    "malformed": 400,
    "setup": 422,
    "unknown_invoice": 422,
    "amount": 422,
    "duplicate": 409,
}


class RelanceEinvoiceController(http.Controller):
    @http.route(
        "/relance/einvoice/status",
        type="http",
        auth="public",
        methods=["POST"],
        csrf=False,
        save_session=False,
    )
    def relance_einvoice_status(self, **kwargs):
        env = request.env(user=SUPERUSER_ID, su=True)
        statuses = env["relance.einvoice.status"]
        remote = request.httprequest.remote_addr or ""
        company = env["res.company"]._relance_einvoice_company_of(self._secret())
        if not company:
            return self._refuse(statuses, company, "secret", "Unknown or missing secret.", remote)
        company = company.sudo()
        limit = company._relance_einvoice_max_bytes()
        length = request.httprequest.content_length
        if length is None:
            # Without a length the body would be read blind: a connector always sends it.
            return self._refuse(statuses, company, "size", "No Content-Length.", remote)
        if length > limit:
            return self._refuse(
                statuses, company, "size", f"Message of {length} bytes, over {limit}.", remote
            )
        body = request.httprequest.get_data(cache=False)
        env = env(context=dict(env.context, lang=company.partner_id.lang or "en_US"))
        statuses = env["relance.einvoice.status"]
        try:
            created = statuses._relance_import_cdar(company, body, "endpoint")
        except EinvoiceRefused as refusal:
            return self._refuse(statuses, company, refusal.reason, refusal.args[0], remote)
        payload = {
            "received": len(created),
            "statuses": [
                {"invoice": status.move_id.name, "code": status.status_code} for status in created
            ],
        }
        return self._json(payload, 200)

    def _secret(self):
        header = request.httprequest.headers.get("Authorization", "")
        scheme, _sep, value = header.partition(" ")
        if scheme.lower() != "bearer":
            return ""
        return value.strip()

    def _refuse(self, statuses, company, reason, detail, remote):
        statuses._relance_refuse(company, reason, detail, "endpoint", remote=remote)
        if reason == "secret":
            detail = "Unknown or missing secret."
        return self._json({"error": reason, "message": detail}, HTTP_STATUS[reason])

    def _json(self, payload, status):
        return request.make_response(
            json.dumps(payload),
            headers=[("Content-Type", "application/json")],
            status=status,
        )
