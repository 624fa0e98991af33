/** @odoo-module **/

import { rpcBus } from "@web/core/network/rpc";
import { registry } from "@web/core/registry";

// A manager opens the detailed aged balance, looks at it on screen, then downloads
// the XLSX (data and checks in tests/test_tours.py).
let downloadUrl = null;

function listenForDownload() {
    downloadUrl = null;
    rpcBus.addEventListener("RPC:RESPONSE", ({ detail }) => {
        const result = detail.result;
        if (result && result.type === "ir.actions.act_url") {
            downloadUrl = result.url;
        }
    });
}

const openAgedBalance = [
    {
        content: "Open the Collections menu",
        trigger: ".o_main_navbar [data-menu-xmlid='relance_avancee.menu_relance_root']",
        run: "click",
    },
    {
        content: "Open the detailed aged balance",
        trigger: ".dropdown-item[data-menu-xmlid='relance_avancee_reports.menu_relance_aged_balance']",
        run: "click",
    },
];

registry.category("web_tour.tours").add("relance_aged_balance_xlsx", {
    steps: () => [
        ...openAgedBalance,
        {
            content: "Only the customers with overdue invoices",
            trigger: ".modal div[name=overdue_only] input[type=checkbox]",
            run: "click",
        },
        {
            content: "View it on screen",
            trigger: ".modal .modal-footer button[name=action_open]",
            run: "click",
        },
        {
            content: "The overdue customer is in the pivot",
            trigger: ".o_pivot th:contains(Aged Balance Customer SA)",
        },
        ...openAgedBalance,
        {
            content: "Download the XLSX",
            trigger: ".modal .modal-footer button[name=action_xlsx]",
            run(helpers) {
                listenForDownload();
                return helpers.click();
            },
        },
        {
            content: "The browser downloads an XLSX file",
            trigger: ".modal .modal-footer button[name=action_xlsx]:enabled",
            async run() {
                for (let attempt = 0; attempt < 50 && !downloadUrl; attempt++) {
                    await new Promise((resolve) => setTimeout(resolve, 100));
                }
                if (!downloadUrl) {
                    throw new Error("No download was started");
                }
                const response = await fetch(downloadUrl);
                const type = response.headers.get("Content-Type") || "";
                const disposition = response.headers.get("Content-Disposition") || "";
                if (
                    !response.ok ||
                    !type.includes("spreadsheetml") ||
                    !disposition.includes("attachment")
                ) {
                    throw new Error(`Not an XLSX download: ${response.status} ${type} ${disposition}`);
                }
            },
        },
    ],
});
