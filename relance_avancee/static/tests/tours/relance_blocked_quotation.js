/** @odoo-module **/

import { registry } from "@web/core/registry";

// A salesperson opens the quotation of a blocked customer (data from the Python test).
registry.category("web_tour.tours").add("relance_blocked_quotation", {
    steps: () => [
        {
            content: "The banner says why the customer is blocked",
            trigger: ".o_relance_block_banner:contains(blocked for unpaid invoices):contains(2,500.00)",
        },
        {
            content: "Try to confirm the quotation",
            trigger: ".o_form_statusbar button[name=action_confirm]:not(.d-none)",
            run: "click",
        },
        {
            content: "Confirmation is refused with a clear message",
            trigger: ".modal .modal-body:contains(cannot be confirmed)",
        },
        {
            content: "Close the message",
            trigger: ".modal .modal-footer .btn-primary",
            run: "click",
        },
        {
            content: "The order is still a quotation",
            trigger: ".o_statusbar_status .o_arrow_button_current:contains(Quotation)",
        },
    ],
});
