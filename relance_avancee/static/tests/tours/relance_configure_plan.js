/** @odoo-module **/

import { registry } from "@web/core/registry";

// An accountant chooses the default plan in Settings, then adds a level to a plan
// (data and checks in tests/test_tours.py).
registry.category("web_tour.tours").add("relance_configure_plan", {
    steps: () => [
        {
            content: "The Collections block is in the accounting settings",
            trigger: "#relance_default_plan div[name=relance_default_plan_id] input",
            run: "edit Phone first",
        },
        {
            content: "Choose the phone-first plan",
            trigger: ".o-autocomplete--dropdown-item:contains(Phone first)",
            run: "click",
        },
        {
            content: "Save the settings (the page reloads)",
            trigger: ".o_control_panel .o_form_button_save:enabled",
            run(helpers) {
                window.relanceSettingsSaving = true;
                return helpers.click();
            },
        },
        {
            content: "Wait for the reload after saving",
            trigger: "body",
            run() {
                if (!window.relanceSettingsSaving) {
                    return;
                }
                // Never resolves: the reload starts the tour again at the next step.
                return new Promise(() => {});
            },
        },
        {
            content: "The saved default plan is shown",
            trigger: "#relance_default_plan div[name=relance_default_plan_id] input:value(/^Phone first/)",
        },
        {
            content: "Open the Collections menu",
            trigger: ".o_main_navbar [data-menu-xmlid='relance_avancee.menu_relance_root']",
            run: "click",
        },
        {
            content: "Open Configuration > Dunning Plans",
            trigger: ".dropdown-item[data-menu-xmlid='relance_avancee.menu_relance_plans']",
            run: "click",
        },
        {
            content: "Open the standard plan",
            trigger: ".o_list_view .o_data_row td[name=name]:contains(Standard B2B crescendo)",
            run: "click",
        },
        {
            content: "Add a level at the end of the plan",
            trigger: "div[name=level_ids] .o_field_x2many_list_row_add a",
            run: "click",
        },
        {
            content: "Name the level",
            trigger: "div[name=level_ids] .o_selected_row div[name=name] input",
            run: "edit Registered letter",
        },
        {
            content: "It acts 75 days after the due date",
            trigger: "div[name=level_ids] .o_selected_row div[name=offset_days] input",
            run: "edit 75",
        },
        {
            content: "By letter",
            trigger: "div[name=level_ids] .o_selected_row div[name=channel] select",
            run: 'select "letter"',
        },
        {
            content: "Save the plan",
            trigger: ".o_form_button_save:enabled",
            run: "click",
        },
        {
            content: "The plan is saved with its new level",
            trigger:
                ".o_form_saved div[name=level_ids] .o_data_row:contains(Registered letter):contains(75)",
        },
    ],
});
