# Copyright 2026 Relance avancée contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "Relance avancée - Reports",
    "summary": "Reminder letters, formal notice, detailed aged balance (screen, PDF, XLSX), "
    "collection KPIs and the payment terms table of the management report (D441-6)",
    "version": "18.0.1.0.0",
    "category": "Accounting/Accounting",
    "website": "https://github.com/relance-avancee/relance-avancee",
    "author": "Relance avancée contributors",
    "license": "LGPL-3",
    "installable": True,
    "depends": ["relance_avancee"],
    "external_dependencies": {"python": ["xlsxwriter"]},
    "data": [
        "security/ir.model.access.csv",
        "report/relance_aged_balance_report.xml",
        "report/relance_payment_terms_report.xml",
        "views/relance_aged_balance_views.xml",
        "views/relance_kpi_views.xml",
        "views/relance_payment_terms_views.xml",
        "views/res_config_settings_views.xml",
    ],
    "assets": {
        "web.assets_tests": [
            "relance_avancee_reports/static/tests/tours/*.js",
        ],
    },
}
