/** @odoo-module **/

import { registry } from "@web/core/registry";

// A collector works the "To do today" list and logs a call with a promise to pay.
registry.category("web_tour.tours").add("relance_collector_promise", {
    steps: () => [
        {
            content: "The customer is in today's list",
            trigger: ".o_data_row:contains(Tour Customer SARL)",
        },
        {
            content: "Call the customer",
            trigger: ".o_data_row:contains(Tour Customer SARL) button[name=action_relance_log_call]",
            run: "click",
        },
        {
            content: "Promise to pay is the default outcome; give the promised date",
            trigger: ".modal div[name=promise_date] input",
            run: "edit 12/31/2030",
        },
        {
            content: "Say what was agreed",
            trigger: ".modal div[name=note] textarea",
            run: "edit Will pay by transfer at the end of the year",
        },
        {
            content: "Confirm the call",
            trigger: ".modal button[name=action_confirm]",
            run: "click",
        },
        {
            content: "Back on the list",
            trigger: "body:not(:has(.modal)) .o_list_view",
        },
    ],
});
