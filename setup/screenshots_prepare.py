"""Run inside `odoo shell` by setup/screenshots.sh: make sure the demo database has
what the screenshots show (a few disputes), then print the pages to capture as JSON.

Idempotent: the disputes are only added once.
"""
# ruff: noqa: F821  (``env`` is given by odoo shell)

import json

Partner = env["res.partner"]
Move = env["account.move"]
demo_names = ["Métallerie Duroc", "Groupe Batimax", "Boulangerie Martin", "Mairie de Villeneuve"]
customers = Partner.search([("name", "in", demo_names), ("is_company", "=", True)])
if len(customers) < 2:
    raise SystemExit("The demo data is missing: run setup/run.sh --no-start first.")
company = Move.search([("partner_id", "in", customers.ids)], limit=1).company_id
env = env(context=dict(env.context, allowed_company_ids=company.ids))
admin = env.ref("base.user_admin")
if admin.company_id != company:
    admin.company_id = company
# Amounts and searches in the demo company from here on.
Partner = env["res.partner"]
Move = env["account.move"]

Dispute = env["relance.dispute"]
if not Dispute.search_count([]):
    reasons = [
        "relance_avancee_disputes.reason_price",
        "relance_avancee_disputes.reason_not_received",
        "relance_avancee_disputes.reason_defective",
        "relance_avancee_disputes.reason_missing_po",
    ]
    texts = [
        "La remise de 10 % négociée en mars n'apparaît pas.",
        "Facture jamais reçue par le service comptable.",
        "Deux palettes livrées endommagées.",
        "Le numéro de bon de commande manque, la facture est bloquée.",
    ]
    partners = Partner.search([("is_company", "=", True), ("relance_typology_id", "!=", False)])
    partners = partners.filtered(lambda p: p.relance_overdue_amount > 0)
    disputes = Dispute.browse()
    for index, partner in enumerate(partners[:4]):
        invoice = Move.search(
            [
                ("partner_id", "=", partner.id),
                ("move_type", "=", "out_invoice"),
                ("state", "=", "posted"),
                ("amount_residual", ">", 0),
            ],
            limit=1,
        )
        disputes |= Dispute.create(
            {
                "partner_id": partner.id,
                "move_ids": [(6, 0, invoice.ids)],
                "reason_id": env.ref(reasons[index]).id,
                "description": texts[index],
            }
        )
    disputes[:2].action_start()

worklist = Partner.search(
    [("relance_next_date", "!=", False), ("is_company", "=", True), ("phone", "!=", False)]
).sorted("relance_overdue_amount", reverse=True)[:1]
quotation = env["sale.order"].search(
    [("partner_id.commercial_partner_id.relance_blocked", "=", True), ("state", "=", "draft")],
    limit=1,
)
open_invoice = Move.search(
    [
        ("partner_id", "=", worklist.id),
        ("move_type", "=", "out_invoice"),
        ("state", "=", "posted"),
        ("amount_residual", ">", 0),
    ],
    limit=1,
)
open_invoice._portal_ensure_token()
base = worklist.get_base_url()
env.cr.commit()
print(
    "SCREENSHOTS="
    + json.dumps(
        {
            "company_id": company.id,
            "call_partner_id": worklist.id,
            "quotation_id": quotation.id,
            "statement_path": worklist._relance_statement_url().removeprefix(base),
            "dispute_path": f"/relance/dispute/{open_invoice.id}"
            f"?access_token={open_invoice.access_token}",
        }
    )
)
