from unittest.mock import patch

from odoo.exceptions import AccessError, ValidationError
from odoo.tests import Form

from .common import RelanceCase


class TestDefaults(RelanceCase):
    def test_default_typologies_point_to_the_right_plans(self):
        typologies = self.env["relance.typology"].search([])
        by_code = {t.code: t for t in typologies}
        self.assertEqual(set(by_code), {"RISK", "PUBLIC", "KEY", "SME", "SAFE"})
        self.assertEqual(by_code["KEY"].plan_id, self.phone_plan)
        self.assertEqual(by_code["PUBLIC"].plan_id, self.phone_plan)
        self.assertTrue(by_code["PUBLIC"].public_body)
        self.assertEqual(by_code["SME"].plan_id, self.written_plan)
        self.assertEqual(by_code["RISK"].plan_id, self.standard_plan)
        self.assertGreater(by_code["RISK"].priority_weight, by_code["SAFE"].priority_weight)

    def test_standard_plan_is_the_b2b_crescendo(self):
        levels = self.standard_plan.level_ids.sorted("sequence")
        self.assertEqual(levels.mapped("offset_days"), [1, 8, 15, 30, 60])
        self.assertEqual(
            levels.mapped("channel"), ["email", "email", "phone", "formal_notice", "litigation"]
        )
        self.assertTrue(levels[3].apply_penalties)
        self.assertTrue(levels[4].block_partner)

    def test_phone_plan_starts_with_a_preventive_call(self):
        first = self.phone_plan.level_ids.sorted("sequence")[0]
        self.assertEqual(first.channel, "phone")
        self.assertLess(first.offset_days, 0)
        self.assertTrue(first.preventive)
        self.assertTrue(first.activity_type_id)

    def test_written_plan_has_no_call(self):
        channels = set(self.written_plan.level_ids.mapped("channel"))
        self.assertNotIn("phone", channels)
        self.assertIn("letter", channels)

    def test_reference_rates_loaded(self):
        rate = self.env["relance.rate"]._get_rate("ecb", "2026-03-17")
        self.assertEqual(rate, 2.15)
        self.assertEqual(self.env["relance.rate"]._get_rate("legal_pro", "2025-12-31"), 2.76)

    def test_settings_block_reads_and_writes_company(self):
        settings = self.env["res.config.settings"].create({})
        self.assertEqual(settings.relance_default_plan_id, self.company.relance_default_plan_id)
        settings.relance_default_plan_id = self.written_plan
        settings.relance_auto_run = False
        settings.execute()
        self.assertEqual(self.company.relance_default_plan_id, self.written_plan)
        self.assertFalse(self.company.relance_auto_run)

    def test_new_company_gets_the_standard_plan(self):
        company = self.env["res.company"].create({"name": "New Co"})
        self.assertEqual(company.relance_default_plan_id, self.standard_plan)
        self.assertTrue(company.relance_auto_run)


class TestPartnerSettings(RelanceCase):
    def test_typology_sets_plan_and_override_sticks(self):
        key = self.env.ref("relance_avancee.relance_typology_key_account")
        partner = self.env["res.partner"].create({"name": "Acme", "is_company": True})
        partner.relance_typology_id = key
        self.assertEqual(partner.relance_plan_id, self.phone_plan)
        partner.relance_plan_id = self.written_plan
        self.assertEqual(partner.relance_plan_id, self.written_plan)
        self.assertEqual(partner._relance_effective_plan(self.company), self.written_plan)

    def test_contacts_share_the_commercial_partner_settings(self):
        contact = self.env["res.partner"].create(
            {"name": "Jean", "parent_id": self.customer.id, "type": "invoice"}
        )
        self.assertEqual(contact.relance_plan_id, self.standard_plan)
        self.assertEqual(contact.relance_collector_id, self.collector)
        self.customer.relance_collector_id = self.env.user
        self.assertEqual(contact.relance_collector_id, self.env.user)

    def test_company_default_plan_when_no_typology(self):
        partner = self.env["res.partner"].create({"name": "No typology"})
        self.assertEqual(partner._relance_effective_plan(self.company), self.standard_plan)

    def test_partner_form_shows_collections_fields(self):
        with Form(self.env["res.partner"]) as form:
            form.name = "Form Co"
            form.company_type = "company"
            form.relance_typology_id = self.env.ref("relance_avancee.relance_typology_safe")
            self.assertEqual(form.relance_plan_id, self.written_plan)


class TestPlanValidation(RelanceCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.template = cls.env.ref("relance_avancee.mail_template_relance_courteous")
        cls.call = cls.env.ref("relance_avancee.mail_activity_type_relance_call")

    def _plan(self, levels):
        return self.env["relance.plan"].create(
            {
                "name": "Test plan",
                "level_ids": [
                    (0, 0, {"name": f"L{i}", "mail_template_id": self.template.id, **values})
                    for i, values in enumerate(levels)
                ],
            }
        )

    def test_increasing_offsets_accepted(self):
        plan = self._plan([{"sequence": 1, "offset_days": -3}, {"sequence": 2, "offset_days": 5}])
        self.assertEqual(plan.level_count, 2)

    def test_decreasing_offsets_refused(self):
        with self.assertRaisesRegex(ValidationError, "strictly increase"):
            self._plan([{"sequence": 1, "offset_days": 10}, {"sequence": 2, "offset_days": 5}])

    def test_equal_offsets_refused(self):
        with self.assertRaisesRegex(ValidationError, "strictly increase"):
            self._plan([{"sequence": 1, "offset_days": 10}, {"sequence": 2, "offset_days": 10}])

    def test_same_sequence_refused(self):
        with self.assertRaisesRegex(ValidationError, "same sequence"):
            self._plan([{"sequence": 1, "offset_days": 1}, {"sequence": 1, "offset_days": 5}])

    def test_adding_a_level_out_of_order_refused(self):
        plan = self._plan([{"sequence": 1, "offset_days": 1}, {"sequence": 2, "offset_days": 10}])
        with self.assertRaisesRegex(ValidationError, "strictly increase"):
            self.env["relance.level"].create(
                {
                    "plan_id": plan.id,
                    "name": "Late",
                    "sequence": 3,
                    "offset_days": 5,
                    "mail_template_id": self.template.id,
                }
            )

    def test_editing_several_levels_in_one_save(self):
        """Moving both levels later passes although the first write alone would not."""
        plan = self._plan([{"sequence": 1, "offset_days": 1}, {"sequence": 2, "offset_days": 8}])
        first, second = plan.level_ids.sorted("sequence")
        plan.write(
            {"level_ids": [(1, first.id, {"offset_days": 20}), (1, second.id, {"offset_days": 25})]}
        )
        self.assertEqual(plan.level_ids.sorted("sequence").mapped("offset_days"), [20, 25])

    def test_email_level_needs_a_template(self):
        with self.assertRaisesRegex(ValidationError, "email template"):
            self.env["relance.plan"].create(
                {
                    "name": "No template",
                    "level_ids": [(0, 0, {"name": "Mail", "offset_days": 1, "channel": "email"})],
                }
            )

    def test_formal_notice_needs_a_template(self):
        with self.assertRaisesRegex(ValidationError, "email template"):
            self.env["relance.plan"].create(
                {
                    "name": "No template",
                    "level_ids": [
                        (0, 0, {"name": "Notice", "offset_days": 30, "channel": "formal_notice"})
                    ],
                }
            )

    def test_phone_level_needs_an_activity_type(self):
        with self.assertRaisesRegex(ValidationError, "activity type"):
            self.env["relance.plan"].create(
                {
                    "name": "No activity",
                    "level_ids": [(0, 0, {"name": "Call", "offset_days": 1, "channel": "phone"})],
                }
            )
        plan = self.env["relance.plan"].create(
            {
                "name": "With activity",
                "level_ids": [
                    (
                        0,
                        0,
                        {
                            "name": "Call",
                            "offset_days": 1,
                            "channel": "phone",
                            "activity_type_id": self.call.id,
                        },
                    )
                ],
            }
        )
        self.assertEqual(plan.level_ids.channel, "phone")

    def test_sms_level_accepted_with_sms_module(self):
        self.assertIn("sms.sms", self.env)
        plan = self.env["relance.plan"].create(
            {
                "name": "SMS",
                "level_ids": [(0, 0, {"name": "Text", "offset_days": 1, "channel": "sms"})],
            }
        )
        self.assertEqual(plan.level_ids.channel, "sms")

    def test_sms_level_refused_without_sms_module(self):
        """sms is auto-installed with sale here: simulate a database without it."""
        Level = type(self.env["relance.level"])
        with patch.object(Level, "_sms_available", lambda self: False):
            with self.assertRaisesRegex(ValidationError, "SMS module is not installed"):
                self.env["relance.plan"].create(
                    {
                        "name": "SMS",
                        "level_ids": [(0, 0, {"name": "Text", "offset_days": 1, "channel": "sms"})],
                    }
                )

    def test_absurd_offset_refused(self):
        with self.assertRaisesRegex(ValidationError, "between 365 days before"):
            self._plan([{"sequence": 1, "offset_days": 5000}])

    def test_negative_minimum_amount_refused(self):
        with self.assertRaisesRegex(ValidationError, "cannot be negative"):
            self.env["relance.plan"].create({"name": "Negative", "min_amount": -1})


class TestConfigurationAccess(RelanceCase):
    def test_collector_reads_but_cannot_edit_plans(self):
        plan = self.standard_plan.with_user(self.collector)
        self.assertEqual(plan.name, "Standard B2B crescendo")
        with self.assertRaises(AccessError):
            plan.write({"name": "Hacked"})
        with self.assertRaises(AccessError):
            self.env["relance.plan"].with_user(self.collector).create({"name": "Mine"})

    def test_manager_edits_plans(self):
        manager = self._create_relance_user("relmanager", ["relance_avancee.group_relance_manager"])
        self.standard_plan.with_user(manager).write({"grace_days": 7})
        self.assertEqual(self.standard_plan.grace_days, 7)

    def test_plans_of_another_company_are_invisible(self):
        other = self.setup_other_company()["company"]
        foreign = self.env["relance.plan"].create({"name": "Foreign plan", "company_id": other.id})
        visible = self.env["relance.plan"].with_user(self.collector).search([])
        self.assertNotIn(foreign, visible)
        self.assertIn(self.standard_plan, visible)
