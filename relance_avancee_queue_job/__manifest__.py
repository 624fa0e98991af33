# Copyright 2026 Relance avancée contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "Relance avancée - Job Queue",
    "summary": "The daily dunning run on queue_job's job workers: one job per batch of "
    "customers and of documents, on the root.relance channel",
    "version": "18.0.1.0.0",
    "category": "Accounting/Accounting",
    "website": "https://github.com/relance-avancee/relance-avancee",
    "author": "Relance avancée contributors",
    "license": "LGPL-3",
    "installable": True,
    "auto_install": True,
    "depends": ["relance_avancee", "queue_job"],
    "data": [
        "data/queue_job_data.xml",
        "views/queue_job_views.xml",
        "views/relance_run_views.xml",
        "views/res_config_settings_views.xml",
    ],
}
