"""What the e-invoicing lifecycle statuses do (issue #20): refusals and disputes open a
routed dispute (or exclude the invoice without the disputes addon), a rejected invoice
is never reminded nor charged, the date it was made available proves it was received,
an approval is traced like the customer's confirmation, an announced payment is held
out of the reminders until it is booked or its grace period ends; each payment of an
invoice with VAT on payments queues one Cashed status, exported as a CDAR message."""

from datetime import date

from freezegun import freeze_time
from lxml import etree

from odoo.exceptions import AccessError, UserError

from odoo.addons.account.tests.common import AccountTestInvoicingCommon
from odoo.addons.relance_avancee.einvoice_cdar import NS, parse_cdar
from odoo.addons.relance_avancee.models.relance_einvoice_status_effects import (
    RelanceEinvoiceStatus as BaseEffects,
)

from .common import RelanceCase, requires_addons


class EinvoiceCase(RelanceCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.invoice = cls.make_invoice(cls.customer, "2026-01-31", 1000.0)

    def receive(self, status, when="2026-02-05 09:30:00", invoice=None, **values):
        """A status received from the platform, with its effect applied."""
        record = self.env["relance.einvoice.status"].create(
            {
                "move_id": (invoice or self.invoice).id,
                "status": status,
                "date": when,
                **values,
            }
        )
        record._relance_apply_effects()
        return record

    def notes(self, record):
        return " ".join(record.message_ids.mapped("body"))


class TestEinvoiceEffects(EinvoiceCase):
    def test_refusal_without_disputes_excludes_the_invoice_with_the_reason(self):
        status = self.env["relance.einvoice.status"].create(
            {
                "move_id": self.invoice.id,
                "status": "refused",
                "date": "2026-02-05 09:30:00",
                "reason_code": "TX_TVA_ERR",
                "reason_text": "TVA 10 % attendue",
            }
        )
        # The base rule, whatever addons are installed (the disputes addon overrides it).
        note = BaseEffects._relance_effect_dispute(status)
        self.assertRecordValues(
            self.invoice,
            [
                {
                    "relance_excluded": True,
                    "relance_suspended": True,
                    "relance_exclusion_reason": "E-invoicing: Refused by the customer "
                    "(TX_TVA_ERR - TVA 10 % attendue)",
                }
            ],
        )
        self.assertIn("Dunning of the invoice suspended", note)
        self.assertNotIn(self.invoice, self.env["relance.engine"]._candidate_invoices(self.company))

    def test_effect_is_traced_on_the_invoice_and_the_customer_once(self):
        status = self.receive("made_available", when="2026-02-03 08:00:00")
        self.assertIn(
            "made the invoice available to the customer on 02/03/2026", status.effect_note
        )
        self.assertIn("made the invoice available", self.notes(self.invoice))
        self.assertIn("made the invoice available", self.notes(self.customer))
        count = len(self.invoice.message_ids)
        status._relance_apply_effects()  # applied once only
        self.assertEqual(len(self.invoice.message_ids), count)

    def test_rejected_invoice_is_never_reminded_nor_charged(self):
        invoicing = self._create_relance_user("invoicing", ["account.group_account_invoice"])
        self.company.relance_invoicing_user_id = invoicing
        day = date(2026, 3, 2)
        # Positive control: before the rejection it is dunned and bears penalties.
        self.assertIn(self.invoice, self.env["relance.engine"]._candidate_invoices(self.company))
        self.assertEqual(self.invoice._relance_compute_penalty(day)["indemnity"], 40.0)
        status = self.receive("rejected", reason_code="REJ_SEMAN")
        self.assertEqual(self.invoice.relance_einvoice_status, "rejected")
        self.assertNotIn(
            self.invoice,
            self.env["account.move"].search(
                self.env["account.move"]._relance_open_invoice_domain(self.customer)
            ),
        )
        self.assertNotIn(self.invoice, self.env["relance.engine"]._candidate_invoices(self.company))
        penalty = self.invoice._relance_compute_penalty(day)
        self.assertEqual(
            (penalty["days"], penalty["interest"], penalty["indemnity"]), (0, 0.0, 0.0)
        )
        with self.mock_mail_gateway():
            self.assertFalse(self.run_on(day).history_ids)
        activity = self.invoice.activity_ids
        self.assertEqual(activity.user_id, invoicing)
        self.assertIn("rejected by the e-invoicing platform", activity.summary)
        self.assertIn("never legally issued", status.effect_note)

    def test_rejected_invoice_is_not_in_the_customers_amounts(self):
        """The worklist, the call screen, the typology rules and the blocking read a
        customer's amounts: an invoice never issued is neither due nor overdue there."""
        other = self.make_invoice(self.customer, "2026-02-10", 250.0)
        day = date(2026, 3, 2)
        # Positive control: both invoices count before the rejection.
        self.assertEqual(
            self.customer._relance_open_invoice_figures(day)[self.customer.id],
            (1250.0, 1250.0, date(2026, 1, 31)),
        )
        self.receive("rejected", reason_code="REJ_SEMAN")
        self.assertEqual(
            self.customer._relance_open_invoice_figures(day)[self.customer.id],
            (250.0, 250.0, other.invoice_date_due),
        )
        with freeze_time(day):
            self.customer.invalidate_recordset()
            self.assertRecordValues(
                self.customer,
                [{"relance_due_amount": 250.0, "relance_overdue_amount": 250.0}],
            )

    def test_rejection_counts_as_a_preventable_invoicing_cause(self):
        analysis = self.env["relance.late.payment.analysis"]
        domain = [("partner_id", "=", self.customer.id), ("source", "=", "einvoice_rejected")]
        self.assertFalse(analysis.search(domain))
        self.receive("rejected", when="2026-02-05 09:30:00", reason_code="REJ_COH")
        self.env.flush_all()
        self.assertRecordValues(
            analysis.search(domain),
            [
                {
                    "date": date(2026, 2, 5),
                    "process": "invoicing",
                    "preventable": True,
                    "amount": 1000.0,
                    "occurrences": 1,
                }
            ],
        )

    def test_rejection_task_goes_to_the_invoice_creator_without_a_responsible(self):
        self.receive("rejected", reason_code="REJ_UNI")
        self.assertEqual(self.invoice.activity_ids.user_id, self.invoice.create_uid)

    def test_collector_told_when_the_platform_made_the_invoice_available(self):
        self.receive("made_available", when="2026-02-03 08:00:00")
        wizard = (
            self.env["relance.call.outcome"]
            .with_user(self.collector)
            .new(
                {
                    "partner_id": self.customer.id,
                    "move_ids": [(6, 0, self.invoice.ids)],
                    "outcome": "not_received",
                }
            )
        )
        self.assertEqual(
            wizard.einvoice_proof,
            f"The e-invoicing platform made invoice {self.invoice.name} available to the "
            "customer on 02/03/2026.",
        )
        other = self.make_invoice(self.customer, "2026-01-31", 50.0)
        wizard.move_ids = other
        self.assertFalse(wizard.einvoice_proof, "no status, no proof")

    def test_approval_is_traced_like_the_customers_confirmation(self):
        self.receive("approved", when="2026-02-04 10:00:00")
        entry = self.invoice.relance_history_ids
        self.assertRecordValues(
            entry,
            [
                {
                    "partner_id": self.customer.id,
                    "state": "done",
                    "outcome": False,
                    "promise_date": False,
                    "amount_due": 1000.0,
                }
            ],
        )
        self.assertIn("approved invoice", entry.note)
        self.assertIn("on its e-invoicing platform on 02/04/2026", entry.note)


@freeze_time("2026-02-12")
class TestAnnouncedPayments(EinvoiceCase):
    def announce(self, amount=400.0, paid_on="2026-02-10"):
        return self.receive(
            "payment_sent", when="2026-02-11 07:00:00", amount=amount, payment_date=paid_on
        )

    def test_announced_payment_is_held_out_of_the_reminder_to_the_cent(self):
        self.announce(400.10)
        self.assertEqual(self.invoice.relance_amount_due, 599.9)
        with self.mock_mail_gateway():
            entry = self.run_on(date(2026, 2, 12)).history_ids
        self.assertEqual(entry.amount_due, 599.9)
        # Interest stops on the announced part from its payment date: 1,000 for 10 days
        # (Feb 1-10), then 599.90 for 2 days (Feb 11-12).
        periods = self.invoice._relance_compute_penalty(date(2026, 2, 12))["periods"]
        self.assertEqual(
            [(p["days"], round(p["base"], 2)) for p in periods], [(10, 1000.0), (2, 599.9)]
        )

    def test_booked_payment_settles_the_announcement_once(self):
        self.announce(400.0)
        self.pay(self.invoice, 400.0, "2026-02-12")
        self.invoice.invalidate_recordset()
        self.assertEqual(self.invoice.amount_residual, 600.0)
        self.assertEqual(self.invoice.relance_amount_due, 600.0, "not deducted twice")

    def test_after_the_grace_period_the_amount_is_claimed_and_the_collector_checks(self):
        self.company.relance_einvoice_grace_days = 10
        status = self.announce(400.0, paid_on="2026-02-10")
        with freeze_time("2026-02-20"):  # last day of grace
            self.invoice.invalidate_recordset()
            self.assertEqual(self.invoice.relance_amount_due, 600.0)
            self.assertFalse(self.env["relance.einvoice.status"]._cron_einvoice_payment_grace())
        with freeze_time("2026-02-21"):
            self.invoice.invalidate_recordset()
            self.assertEqual(self.invoice.relance_amount_due, 1000.0)
            checked = self.env["relance.einvoice.status"]._cron_einvoice_payment_grace()
        self.assertEqual(checked, status)
        activity = self.invoice.activity_ids
        self.assertEqual(activity.user_id, self.collector)
        self.assertIn("Announced payment", activity.summary)
        self.assertIn("not booked after the grace period", status.effect_note)
        # Checked once.
        with freeze_time("2026-02-22"):
            self.assertFalse(self.env["relance.einvoice.status"]._cron_einvoice_payment_grace())

    def test_no_task_when_the_announced_payment_was_booked(self):
        status = self.announce(400.0)
        self.pay(self.invoice, 400.0, "2026-02-12")
        with freeze_time("2026-03-01"):
            self.env["relance.einvoice.status"]._cron_einvoice_payment_grace()
        self.assertTrue(status.grace_checked)
        self.assertFalse(self.invoice.activity_ids)


class TestCashedStatuses(RelanceCase):
    """Services invoiced with VAT on payments (French chart): each payment queues an
    Encaissée (212) status for the platform."""

    @classmethod
    @AccountTestInvoicingCommon.setup_country("fr")
    def setUpClass(cls):
        super().setUpClass()
        chart = cls.env["account.chart.template"].with_company(cls.company)
        cls.company.tax_exigibility = True
        cls.company.company_registry = "123456789"
        cls.customer.company_registry = "987654321"
        cls.vat_services = chart.ref("tva_normale_encaissement")  # 20 %, due on payment
        cls.vat_goods = chart.ref("tva_normale")  # 20 %, due on the invoice
        cls.manager = cls._create_relance_user(
            "einvoice_mgr",
            ["relance_avancee.group_relance_manager", "account.group_account_invoice"],
        )

    def invoice_with(self, tax, amount=1000.0):
        invoice = self.init_invoice(
            "out_invoice",
            partner=self.customer,
            invoice_date=date(2026, 1, 31),
            amounts=[amount],
            taxes=tax,
        )
        invoice.action_post()
        return invoice

    def cashed(self, invoice):
        return self.env["relance.einvoice.status"].search(
            [("move_id", "=", invoice.id), ("status", "=", "cashed")]
        )

    def test_partial_then_full_payment_exported_once_each(self):
        invoice = self.invoice_with(self.vat_services)
        self.assertEqual(invoice.amount_total, 1200.0)
        self.pay(invoice, 500.25, "2026-02-15")
        first = self.cashed(invoice)
        self.assertRecordValues(
            first,
            [
                {
                    "direction": "outgoing",
                    "state": "queued",
                    "status_code": "212",
                    "amount": 500.25,
                    "payment_date": date(2026, 2, 15),
                }
            ],
        )
        self.pay(invoice, 699.75, "2026-03-01")
        statuses = self.cashed(invoice)
        self.assertEqual(len(statuses), 2)
        self.assertEqual(sorted(statuses.mapped("amount")), [500.25, 699.75])
        # No double queueing for the same reconciliation.
        partials = statuses.partial_id
        self.assertFalse(self.env["relance.einvoice.status"]._relance_queue_cashed(partials))
        wizard = self.env["relance.einvoice.export"].with_user(self.manager).create({})
        self.assertEqual(wizard.status_count, 2)
        action = wizard.action_export()
        attachment = wizard.attachment_id
        self.assertIn(f"/web/content/{attachment.id}", action["url"])
        content = attachment.with_user(self.manager).raw
        root = etree.fromstring(content)
        self.assertEqual(
            root.xpath("//ram:ProcessConditionCode/text()", namespaces=NS), ["212", "212"]
        )
        self.assertEqual(
            sorted(root.xpath("//ram:ValueAmount/text()", namespaces=NS)), ["500.25", "699.75"]
        )
        dates = root.xpath(
            "//ram:SpecifiedDocumentStatus/ram:ProcessDateTime/udt:DateTimeString/text()",
            namespaces=NS,
        )
        self.assertEqual(sorted(dates), ["20260215", "20260301"])
        # The platform's own reader reads it back.
        parsed = parse_cdar(content)
        self.assertEqual([p["invoice_number"] for p in parsed], [invoice.name] * 2)
        self.assertEqual(sorted(float(p["amount"]) for p in parsed), [500.25, 699.75])
        self.assertEqual(set(statuses.mapped("state")), {"sent"})
        self.assertTrue(all(statuses.mapped("sent_date")))
        with self.assertRaises(UserError):
            self.env["relance.einvoice.export"].with_user(self.manager).create({}).action_export()

    def test_goods_with_vat_on_invoice_queue_nothing(self):
        invoice = self.invoice_with(self.vat_goods)
        self.pay(invoice, 1200.0, "2026-02-15")
        self.assertFalse(self.cashed(invoice))

    def test_unreconciled_payment_leaves_the_queue_or_is_flagged_once_sent(self):
        invoice = self.invoice_with(self.vat_services)
        self.pay(invoice, 600.0, "2026-02-15")
        invoice.line_ids.filtered("account_id.reconcile").remove_move_reconcile()
        self.assertFalse(self.cashed(invoice), "not sent yet: dropped")
        self.pay(invoice, 600.0, "2026-02-16")
        self.env["relance.einvoice.export"].with_user(self.manager).create({}).action_export()
        status = self.cashed(invoice)
        invoice.line_ids.filtered("account_id.reconcile").remove_move_reconcile()
        self.assertRecordValues(status, [{"state": "sent", "payment_unreconciled": True}])
        self.assertIn(
            "was unreconciled after its Cashed status was sent",
            str(invoice.message_ids.mapped("body")),
        )

    def test_only_managers_and_billing_administrators_export(self):
        invoice = self.invoice_with(self.vat_services)
        self.pay(invoice, 600.0, "2026-02-15")
        portal = self._create_portal_user("einvoice_portal", "Portal Customer")
        for user in (self.collector, portal):
            with self.assertRaises(AccessError):
                self.rpc(user, "relance.einvoice.export", "create", {})
            wizard = self.env["relance.einvoice.export"].create({})
            with self.assertRaises(AccessError):
                self.rpc(user, "relance.einvoice.export", "action_export", [wizard.id])
        self.assertEqual(self.cashed(invoice).state, "queued", "nothing was sent")
        billing_admin = self._create_relance_user(
            "billing_admin", ["account.group_account_manager"]
        )
        wizard_id = self.rpc(billing_admin, "relance.einvoice.export", "create", {})
        self.rpc(billing_admin, "relance.einvoice.export", "action_export", [wizard_id])
        self.assertEqual(self.cashed(invoice).state, "sent")

    def test_a_manager_exports_only_the_companies_he_works_in(self):
        invoice = self.invoice_with(self.vat_services)
        self.pay(invoice, 600.0, "2026-02-15")
        other = self.setup_other_company()["company"]
        foreign_id = self.rpc(
            self.manager, "relance.einvoice.export", "create", {"company_id": other.id}
        )
        with self.assertRaises(AccessError):
            self.rpc(self.manager, "relance.einvoice.export", "action_export", [foreign_id])
        self.assertEqual(self.cashed(invoice).state, "queued")
        # Positive control: his own company.
        wizard_id = self.rpc(
            self.manager, "relance.einvoice.export", "create", {"company_id": self.company.id}
        )
        self.rpc(self.manager, "relance.einvoice.export", "action_export", [wizard_id])
        self.assertEqual(self.cashed(invoice).state, "sent")


@requires_addons("relance_avancee_disputes")
class TestEinvoiceDisputes(EinvoiceCase):
    test_module = "relance_avancee_disputes"

    def ref(self, xmlid):
        return self.env.ref(f"relance_avancee_disputes.{xmlid}")

    def test_refusal_opens_a_routed_dispute_with_the_mapped_reason(self):
        status = self.receive("refused", reason_code="TX_TVA_ERR", reason_text="TVA 10 % attendue")
        dispute = status.dispute_id
        self.assertRecordValues(
            dispute,
            [
                {
                    "partner_id": self.customer.id,
                    "reason_id": self.ref("reason_einvoice_invoice_error").id,
                    "source": "einvoice",
                    "root_process": "invoicing",
                    "team_id": self.ref("team_accounting").id,
                    "state": "assigned",
                    "amount": 1000.0,
                }
            ],
        )
        self.assertEqual(dispute.move_ids, self.invoice)
        self.assertTrue(self.invoice.relance_suspended)
        self.assertFalse(self.invoice.relance_excluded, "a dispute, not an exclusion")
        self.assertIn(dispute.name, status.effect_note)
        self.assertNotIn(self.invoice, self.env["relance.engine"]._candidate_invoices(self.company))

    def test_dispute_on_prices_goes_to_sales_administration(self):
        dispute = self.receive("disputed", reason_code="PU_ERR").dispute_id
        self.assertEqual(dispute.reason_id, self.ref("reason_price"))
        self.assertEqual(dispute.team_id, self.ref("team_sales_admin"))

    def test_suspension_is_a_preventable_invoicing_dispute(self):
        dispute = self.receive("suspended", reason_code="CMD_ERR").dispute_id
        self.assertRecordValues(
            dispute,
            [
                {
                    "reason_id": self.ref("reason_einvoice_missing_info").id,
                    "root_process": "invoicing",
                    "preventable": True,
                }
            ],
        )

    def test_unknown_code_is_other_and_a_second_status_joins_the_open_dispute(self):
        first = self.receive("disputed", reason_code="XYZ").dispute_id
        self.assertEqual(first.reason_id, self.ref("reason_other"))
        second = self.receive("refused", when="2026-02-06 10:00:00", reason_code="AUTRE")
        self.assertEqual(second.dispute_id, first)
        self.assertEqual(len(self.invoice.relance_dispute_ids), 1)


class TestEinvoiceLitigationProof(EinvoiceCase):
    def file(self):
        return self.env["relance.litigation"].create(
            {
                "partner_id": self.customer.id,
                "move_ids": [(6, 0, self.invoice.ids)],
                "date_open": date(2026, 4, 1),
            }
        )

    def test_litigation_file_shows_delivery_and_no_refusal(self):
        self.receive("made_available", when="2026-02-01 08:00:00")
        self.receive("approved", when="2026-02-04 10:00:00")
        litigation = self.file()
        self.assertEqual(len(litigation.einvoice_status_ids), 2)
        self.assertEqual(
            litigation.einvoice_proof,
            f"{self.invoice.name}: made available to the debtor on 02/01/2026; approved on "
            "02/04/2026; no refusal nor dispute received",
        )

    @requires_addons("relance_avancee_reports")
    def test_exported_file_holds_the_lifecycle(self):
        self.receive("made_available", when="2026-02-01 08:00:00")
        litigation = self.file()
        summary = litigation._summary_text()
        self.assertIn("E-invoicing lifecycle (approved platform):", summary)
        self.assertIn("made available to the debtor on 02/01/2026", summary)
        lines = litigation._einvoice_csv().splitlines()
        self.assertEqual(len(lines), 2)
        self.assertIn(
            f"{self.invoice.name},2026-02-01 08:00:00,203,made_available,incoming", lines[1]
        )
