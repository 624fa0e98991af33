# Copyright 2026 Relance avancée contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "Relance avancée - Disputes",
    "summary": "Customer disputes with root causes, routing, SLA and suspension of dunning",
    "version": "18.0.1.0.0",
    "category": "Accounting/Accounting",
    "website": "https://github.com/relance-avancee/relance-avancee",
    "author": "Relance avancée contributors",
    "license": "LGPL-3",
    "installable": True,
    "depends": ["relance_avancee", "portal"],
    "data": [],
}
