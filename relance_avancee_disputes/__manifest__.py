# Copyright 2026 Relance avancée contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "Relance avancée - Disputes",
    "summary": "Customer disputes with root causes, routing to the right team, SLA "
    "and suspension of dunning; customers report problems from the portal",
    "version": "18.0.1.0.0",
    "category": "Accounting/Accounting",
    "website": "https://github.com/relance-avancee/relance-avancee",
    "author": "Relance avancée contributors",
    "license": "LGPL-3",
    "installable": True,
    "depends": ["relance_avancee", "portal"],
    "uninstall_hook": "uninstall_hook",
    "data": [
        "security/relance_dispute_security.xml",
        "security/ir.model.access.csv",
        "data/ir_sequence_data.xml",
        "data/relance_dispute_reason_data.xml",
        "data/relance_dispute_reason_einvoice_data.xml",
        "data/relance_dispute_team_data.xml",
        "data/ir_cron_data.xml",
        "views/relance_dispute_views.xml",
        "views/relance_dispute_config_views.xml",
        "views/account_move_views.xml",
        "views/res_partner_views.xml",
        "views/relance_call_outcome_views.xml",
        "views/portal_templates.xml",
        "views/relance_dispute_menus.xml",
    ],
    "assets": {
        "web.assets_tests": [
            "relance_avancee_disputes/static/tests/tours/*.js",
        ],
    },
}
