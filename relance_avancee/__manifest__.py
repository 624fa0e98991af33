# Copyright 2026 Relance avancée contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "Relance avancée",
    "summary": "Advanced customer dunning: typologies, escalation plans, daily run, "
    "calls, promises to pay, penalties and blocked customers",
    "version": "18.0.1.0.0",
    "category": "Accounting/Accounting",
    "website": "https://github.com/relance-avancee/relance-avancee",
    "author": "Relance avancée contributors",
    "maintainers": ["relance-avancee"],
    "license": "LGPL-3",
    "application": True,
    "installable": True,
    "depends": ["account", "mail", "sale"],
    "data": [
        "security/relance_security.xml",
        "security/ir.model.access.csv",
        "data/mail_activity_type_data.xml",
        "data/mail_template_data.xml",
        "data/relance_plan_data.xml",
        "data/relance_typology_data.xml",
        "data/relance_rate_data.xml",
        "data/product_data.xml",
        "data/ir_cron_data.xml",
        "report/relance_reminder_report.xml",
        "views/relance_level_views.xml",
        "views/relance_plan_views.xml",
        "views/relance_typology_views.xml",
        "views/relance_rate_views.xml",
        "views/relance_history_views.xml",
        "views/relance_run_views.xml",
        "views/res_partner_views.xml",
        "views/account_move_views.xml",
        "views/relance_wizard_views.xml",
        "views/sale_order_views.xml",
        "views/res_config_settings_views.xml",
        "views/relance_menus.xml",
    ],
    "assets": {
        "web.assets_tests": [
            "relance_avancee/static/tests/tours/*.js",
        ],
    },
    "demo": [
        "demo/relance_demo.xml",
    ],
}
