"""Who may do what: history traces, blocking, companies (tests as the real users)."""

from datetime import date

from odoo.exceptions import AccessError, UserError

from .common import RelanceCase


class TestHistoryIsATrace(RelanceCase):
    """A collector works the history (validate, cancel, log a call) but never forges it."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.invoice = cls.make_invoice(cls.customer, "2026-01-31", 100.0)
        cls.levels = cls.standard_plan.level_ids.sorted("sequence")

    def _done_entry(self):
        self.levels[0].attach_pdf = True
        with self.mock_mail_gateway():
            entry = self.run_on(date(2026, 2, 1)).history_ids
        self.assertEqual(entry.state, "done")
        self.assertTrue(entry.attachment_id and entry.message_id)
        return entry.with_user(self.collector)

    def test_done_entry_cannot_be_rewritten_by_a_collector(self):
        entry = self._done_entry()
        forged = self.env["ir.attachment"].create({"name": "forged.pdf", "raw": b"forged"})
        message = entry.sudo().message_id
        for values in (
            {"note": "<p>changed</p>"},
            {"amount_due": 1.0},
            {"attachment_id": forged.id},
            {"message_id": False},
            {"state": "cancelled"},
        ):
            with self.subTest(values=values), self.assertRaisesRegex(UserError, "cannot be"):
                entry.write(values)
        entry.invalidate_recordset()
        self.assertNotEqual(entry.attachment_id, forged)
        self.assertEqual(entry.message_id, message)
        self.assertEqual(entry.amount_due, 100.0)
        # The one thing a collector does on a sent letter: mark it printed.
        entry.write({"printed": True})
        self.assertTrue(entry.printed)

    def test_collector_cannot_change_what_a_planned_action_is_about(self):
        other_invoice = self.make_invoice(self.customer, "2026-01-20", 900.0)
        with self.mock_mail_gateway():
            run = self.env["relance.run"]._get_or_create(self.company, date(2026, 2, 1))
            run._plan()
        entry = run.history_ids.with_user(self.collector)
        self.assertEqual(entry.state, "planned")
        for values in (
            {"move_ids": [(6, 0, self.invoice.ids)]},
            {"amount_due": 1.0},
            {"level_id": self.levels[3].id},
            {"channel": "letter"},
            {"partner_id": self.env["res.partner"].create({"name": "Other"}).id},
        ):
            with self.subTest(values=values), self.assertRaisesRegex(AccessError, "manager"):
                entry.write(values)
        entry.invalidate_recordset()
        self.assertEqual(entry.move_ids, self.invoice | other_invoice)
        self.assertEqual(entry.amount_due, 1000.0)
        # What a collector does with it: reassign, annotate, cancel.
        colleague = self._create_relance_user("colleague", ["relance_avancee.group_relance_user"])
        entry.write({"user_id": colleague.id, "note": "<p>Customer called back</p>"})
        self.assertEqual(entry.user_id, colleague)
        manager = self._create_relance_user("relmgr", ["relance_avancee.group_relance_manager"])
        entry.with_user(manager).write({"move_ids": [(6, 0, self.invoice.ids)]})
        self.assertEqual(entry.move_ids, self.invoice)

    def test_collector_cannot_delete_entries(self):
        entry = self._done_entry()
        with self.assertRaises(AccessError):
            entry.unlink()
        planned = (
            self.env["relance.history"]
            .with_user(self.collector)
            .create(
                {
                    "partner_id": self.customer.id,
                    "move_ids": [(6, 0, self.invoice.ids)],
                    "level_id": self.levels[1].id,
                    "channel": "email",
                }
            )
        )
        with self.assertRaises(AccessError):
            planned.unlink()
        self.assertTrue(entry.exists() and planned.exists())

    def test_collector_cannot_create_or_mark_a_sent_trace(self):
        history = self.env["relance.history"].with_user(self.collector)
        base = {
            "partner_id": self.customer.id,
            "move_ids": [(6, 0, self.invoice.ids)],
            "level_id": self.levels[3].id,
            "channel": "formal_notice",
        }
        with self.assertRaisesRegex(AccessError, "dunning engine only"):
            history.create({**base, "state": "done"})
        with self.assertRaisesRegex(AccessError, "dunning engine only"):
            history.create({**base, "executed": True})
        forged = self.env["ir.attachment"].create({"name": "notice.pdf", "raw": b"forged"})
        with self.assertRaisesRegex(AccessError, "attachment_id"):
            history.create({**base, "attachment_id": forged.id})
        planned = history.create(base)
        with self.assertRaisesRegex(AccessError, "dunning engine only"):
            planned.write({"state": "done"})
        with self.assertRaisesRegex(AccessError, "dunning engine only"):
            planned.write({"state": "failed"})
        self.assertEqual(planned.state, "planned")
        self.assertFalse(
            self.env["relance.history"].search(
                [("partner_id", "=", self.customer.id), ("state", "=", "done")]
            )
        )

    def test_only_a_manager_validates_a_planned_litigation(self):
        """Litigation is a manager's decision; validation then runs as the engine and
        blocks the customer."""
        self.invoice.write(
            {"relance_level_id": self.levels[3].id, "relance_last_date": "2026-03-02"}
        )
        entry = self.run_on(date(2026, 4, 1)).history_ids
        self.assertRecordValues(entry, [{"channel": "litigation", "state": "planned"}])
        with self.assertRaisesRegex(AccessError, "manager"):
            entry.with_user(self.collector).action_validate()
        self.assertEqual(entry.state, "planned")
        self.assertFalse(self.customer.relance_litigation)
        manager = self._create_relance_user("litmgr", ["relance_avancee.group_relance_manager"])
        entry.with_user(manager).action_validate()
        self.assertEqual(entry.state, "done")
        self.assertTrue(self.customer.relance_litigation)
        self.assertTrue(self.customer.relance_blocked)


class TestOnlyManagersUnblock(RelanceCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.manager = cls._create_relance_user(
            "relance_manager", ["relance_avancee.group_relance_manager"]
        )
        cls.customer._relance_block("Formal notice sent")
        cls.customer.sudo().relance_litigation = True

    def test_collector_cannot_unblock_nor_end_litigation(self):
        partner = self.customer.with_user(self.collector)
        for values in (
            {"relance_blocked": False},
            {"relance_litigation": False},
            {"relance_blocked_reason": False},
        ):
            with self.subTest(values=values), self.assertRaisesRegex(AccessError, "manager"):
                partner.write(values)
        with self.assertRaises(AccessError):
            self.env["res.partner"].with_user(self.collector).create(
                {"name": "Pre-blocked", "relance_blocked": True}
            )
        with self.assertRaises(AccessError):
            self.env["relance.block.partner"].with_user(self.collector).create(
                {"partner_id": self.customer.id, "block": False, "reason": "Paid"}
            )
        self.assertTrue(self.customer.relance_blocked)
        self.assertTrue(self.customer.relance_litigation)
        # Other customer fields stay the collector's to maintain.
        partner.write({"phone": "+33 4 00 00 00 00"})

    def test_manager_unblocks_with_the_wizard(self):
        self.env["relance.block.partner"].with_user(self.manager).create(
            {"partner_id": self.customer.id, "block": False, "reason": "Payment plan signed"}
        ).action_apply()
        self.assertFalse(self.customer.relance_blocked)
        self.customer.with_user(self.manager).write({"relance_litigation": False})
        self.assertFalse(self.customer.relance_litigation)


class TestCompanyIsolation(RelanceCase):
    """A collector of another company sees nothing of this company's dunning."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.other_company = cls.setup_other_company()["company"]
        cls.other_collector = cls._create_relance_user(
            "collector_2", ["relance_avancee.group_relance_user"], company=cls.other_company
        )

    def test_other_company_sees_no_typology_level_run_history_litigation(self):
        plan = self.env["relance.plan"].create(
            {
                "name": "Company 1 plan",
                "company_id": self.company.id,
                "level_ids": [
                    (
                        0,
                        0,
                        {
                            "name": "Call",
                            "offset_days": 1,
                            "channel": "phone",
                            "activity_type_id": self.env.ref(
                                "relance_avancee.mail_activity_type_relance_call"
                            ).id,
                        },
                    )
                ],
            }
        )
        typology = self.env["relance.typology"].create(
            {"name": "Key accounts", "code": "KEY", "company_id": self.company.id}
        )
        level4 = self.standard_plan.level_ids.sorted("sequence")[3]
        invoice = self.make_invoice(self.customer, "2026-01-31", 100.0)
        invoice.write({"relance_level_id": level4.id, "relance_last_date": "2026-03-02"})
        run = self.run_on(date(2026, 4, 1))
        run.history_ids.action_validate()
        litigation = self.env["relance.litigation"].search([("partner_id", "=", self.customer.id)])
        self.assertEqual(len(litigation), 1)
        records = {
            "relance.typology": typology,
            "relance.level": plan.level_ids,
            "relance.run": run,
            "relance.history": run.history_ids,
            "relance.litigation": litigation,
        }
        for model, record in records.items():
            with self.subTest(model=model):
                self.assertTrue(record)
                self.assertTrue(
                    self.env[model].with_user(self.collector).search([("id", "in", record.ids)])
                )
                self.assertFalse(
                    self.env[model]
                    .with_user(self.other_collector)
                    .search([("id", "in", record.ids)])
                )
                with self.assertRaises(AccessError):
                    record.with_user(self.other_collector).read(["company_id"])
