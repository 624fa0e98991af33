/** @odoo-module **/

import { registry } from "@web/core/registry";

// An accountant reviews the typologies the rules propose and applies two of the three
// (data and checks in tests/test_typology_rules.py).
registry.category("web_tour.tours").add("relance_typology_review", {
    steps: () => [
        {
            content: "The rules list offers the review",
            trigger: ".o_list_view .o_data_row td[name=name]:contains(Big spenders)",
        },
        {
            content: "Open the review screen",
            trigger: "button[name=action_open_review]",
            run: "click",
        },
        {
            content: "The big customer is proposed Key account by the Big spenders rule",
            trigger:
                ".o_data_row:contains(Tour Big Buyer SA):contains(Key account):contains(Big spenders)",
        },
        {
            content: "The small customer is proposed Small-invoice SME",
            trigger: ".o_data_row:contains(Tour Small Shop SARL):contains(Small invoices)",
        },
        {
            content: "A third customer is proposed too",
            trigger: ".o_data_row:contains(Tour Left Alone SAS)",
        },
        {
            content: "Select the big customer",
            trigger: ".o_data_row:contains(Tour Big Buyer SA) .o_list_record_selector input",
            run: "click",
        },
        {
            content: "Select the small customer",
            trigger: ".o_data_row:contains(Tour Small Shop SARL) .o_list_record_selector input",
            run: "click",
        },
        {
            content: "Apply the two selected proposals",
            trigger: "button[name=action_apply]",
            run: "click",
        },
        {
            content: "Two typologies changed",
            trigger: ".o_notification:contains(2 typologies changed)",
        },
        {
            content: "Only the proposal left aside remains in the list",
            trigger:
                ".o_list_view:not(:has(.o_data_row:contains(Tour Big Buyer SA))) .o_data_row:contains(Tour Left Alone SAS)",
        },
    ],
});
