/** @odoo-module **/

import { registry } from "@web/core/registry";

// A customer follows the link of a reminder email and reports a problem on an
// invoice (data and checks in tests/test_tours.py).
registry.category("web_tour.tours").add("relance_portal_dispute", {
    steps: () => [
        {
            content: "The statement lists the open invoice",
            trigger: '.o_relance_statement tr:contains("1,234.00") .o_relance_report_problem',
            run: "click",
        },
        {
            content: "Choose the reason",
            trigger: "form select[name=reason_id]",
            run: "selectByLabel Price disagreement",
        },
        {
            content: "Describe the problem",
            trigger: "form textarea[name=message]",
            run: "edit The 10% discount agreed in March is missing",
        },
        {
            content: "Send",
            trigger: "form button[type=submit]",
            run: "click",
        },
        {
            content: "The request is registered",
            trigger: "h2:contains(Thank you)",
        },
    ],
});
