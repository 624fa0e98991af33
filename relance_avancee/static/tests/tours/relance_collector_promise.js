/** @odoo-module **/

import { formatDate } from "@web/core/l10n/dates";
import { registry } from "@web/core/registry";

const { DateTime } = luxon;

// tests/test_tours.py expects the promise 30 days from today.
const PROMISE_DAYS = 30;

// A collector works the "To do today" list and logs a call with a promise to pay.
registry.category("web_tour.tours").add("relance_collector_promise", {
    steps: () => [
        {
            content: "The customer is in today's list",
            trigger: ".o_data_row:contains(Tour Customer SARL)",
        },
        {
            content: "Call the customer: the call screen opens",
            trigger: ".o_data_row:contains(Tour Customer SARL) button[name=action_relance_call_screen]",
            run: "click",
        },
        {
            content: "The call screen shows the open invoice and the script",
            trigger: ".o_relance_call_screen .o_field_widget[name=relance_open_invoice_ids] .o_data_row",
        },
        {
            content: "The customer promises to pay",
            trigger: ".o_relance_call_screen .o_form_statusbar button:contains(Promise to pay)",
            run: "click",
        },
        {
            content: "Promise to pay is the default outcome; give the promised date",
            trigger: ".modal div[name=promise_date] input",
            run: `edit ${formatDate(DateTime.now().plus({ days: PROMISE_DAYS }))}`,
        },
        {
            content: "Say what was agreed",
            trigger: ".modal div[name=note] textarea",
            run: "edit Will pay by transfer next month",
        },
        {
            content: "Confirm the call",
            trigger: ".modal button[name=action_confirm]",
            run: "click",
        },
        {
            content: "Back on the call screen",
            trigger: "body:not(:has(.modal)) .o_relance_call_screen",
        },
    ],
});
