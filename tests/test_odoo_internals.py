# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Every private Odoo API the addons rely on, checked against the installed Odoo.

One list per kind (methods we call, methods we override, module-level functions,
class attributes, context keys), the same rows as docs/odoo-internals.md. When an
Odoo update renames a method or changes its parameters, the row's subtest fails
with a sentence naming the API and our file that uses it, before any reminder
goes out wrong. What these APIs *do* is covered by the behaviour tests, and the
batched mail path by the differential tests against Odoo's own rendering and
posting (tests/test_batch_mail.py).
"""

import importlib
import inspect
from datetime import date

from lxml import html
from markupsafe import Markup

from odoo.tests import TransactionCase

from .common import RelanceCase, RelanceTagged

OUR_PACKAGE = "odoo.addons.relance_avancee"
DOC = "docs/odoo-internals.md"

MAILER = "relance_avancee/models/relance_mailer.py"
TEMPLATE = "relance_avancee/models/mail_template.py"
EXECUTOR = "relance_avancee/models/relance_executor.py"
DOCUMENTS = "relance_avancee/models/relance_documents.py"
DUPLICATES = "relance_avancee/models/account_move_duplicates.py"
REPORT = "relance_avancee/models/ir_actions_report.py"
PERFORMANCE = "relance_avancee/performance.py"

# (Odoo model, method, the parameters we pass, our calling file).
# Names before "*" are passed by position, in this order: they must be Odoo's first
# parameters. Names after "*" are passed by keyword: they must exist. Any other
# parameter of Odoo's method must keep a default, since we do not pass it.
CALLS = [
    # Batched mail path: template rendering
    (
        "mail.template",
        "_render_field",
        ("field", "res_ids", "*", "compute_lang", "add_context"),
        TEMPLATE,
    ),
    ("mail.template", "_has_unsafe_expression_template_qweb", ("template_src", "model"), TEMPLATE),
    ("mail.template", "_render_eval_context", (), TEMPLATE),
    ("mail.template", "_generate_template", ("res_ids", "render_fields"), EXECUTOR),
    ("ir.qweb", "_prepare_environment", ("values",), TEMPLATE),
    ("ir.qweb", "_compile", ("template",), TEMPLATE),
    # Lighter HTML for the batches of documents: the report stylesheet's bundle
    ("ir.asset", "_parse_bundle_name", ("bundle_name", "debug_assets"), REPORT),
    ("ir.qweb", "_get_asset_bundle", ("bundle_name", "*", "css", "js", "rtl"), REPORT),
    # Batched mail path: message_post rebuilt in batches
    ("res.partner", "_message_compute_author", ("*", "raise_on_email"), MAILER),
    ("res.partner", "_mail_get_alias_domains", ("*", "default_company"), MAILER),
    ("res.partner", "_mail_get_companies", ("*", "default"), MAILER),
    ("res.partner", "_notify_get_reply_to", ("*", "default"), MAILER),
    ("res.partner", "_message_log_batch", ("bodies", "*", "author_id", "email_from"), MAILER),
    (
        "res.partner",
        "_notify_by_email_get_base_mail_values",
        ("message", "*", "additional_values"),
        MAILER,
    ),
    (
        "res.partner",
        "_notify_get_classified_recipients_iterator",
        ("message", "recipients_data", "*", "msg_vals"),
        MAILER,
    ),
    (
        "res.partner",
        "_notify_by_email_render_layout",
        ("message", "recipients_group", "*", "msg_vals", "render_values"),
        MAILER,
    ),
    (
        "res.partner",
        "_notify_by_email_get_final_mail_values",
        ("recipient_ids", "mail_values", "*", "additional_values"),
        MAILER,
    ),
    (
        "mail.followers",
        "_get_recipient_data",
        ("records", "message_type", "subtype_id", "*", "pids"),
        MAILER,
    ),
    ("mail.followers", "_insert_followers", ("res_model", "res_ids", "partner_ids"), MAILER),
    (
        "mail.message",
        "_read_group",
        ("domain", "groupby", "aggregates"),
        MAILER + " and the other callers of the doc",
    ),
    # Documents
    (
        "ir.actions.report",
        "_render_qweb_pdf",
        ("report_ref", "res_ids"),
        DUPLICATES + ", relance_avancee_reports/models/relance_litigation.py",
    ),
    ("ir.actions.report", "_render_qweb_html", ("report_ref", "docids"), DOCUMENTS),
    (
        "ir.actions.report",
        "_render_qweb_pdf_prepare_streams",
        ("report_ref", "data", "*", "res_ids"),
        DOCUMENTS,
    ),
    ("account.move", "_get_invoice_report_filename", (), DUPLICATES),
    ("account.move.send", "_prepare_invoice_pdf_report", ("invoices_data",), DOCUMENTS),
    ("account.move.send", "_get_default_pdf_report_id", ("move",), DOCUMENTS),
    # Accounting
    (
        "account.move",
        "_get_reconciled_invoices_partials",
        (),
        "relance_avancee/models/account_move_penalty.py",
    ),
    (
        "res.currency",
        "_convert",
        ("from_amount", "to_currency", "company", "date"),
        "relance_avancee/models/account_move.py and the other callers of the doc",
    ),
    # Channels, actions, run
    ("res.partner", "_message_sms", ("body", "*", "partner_ids"), EXECUTOR),
    ("ir.model", "_get_id", ("name",), EXECUTOR),
    (
        "ir.actions.act_window",
        "_for_xml_id",
        ("full_xml_id",),
        "relance_avancee/models/res_partner.py and the other callers of the doc",
    ),
    (
        "ir.cron",
        "_notify_progress",
        ("*", "done", "remaining"),
        "relance_avancee/models/relance_run.py",
    ),
    (
        "bus.bus",
        "_sendone",
        ("target", "notification_type", "message"),
        "relance_avancee/models/relance_run.py",
    ),
    (
        "res.lang",
        "_lang_get",
        ("code",),
        "relance_avancee/models/relance_demo.py",
    ),
    # Reports and disputes
    (
        "res.partner",
        "_display_address",
        ("*", "without_company"),
        "relance_avancee_reports/models/relance_litigation.py",
    ),
    (
        "res.partner",
        "_field_to_sql",
        ("alias", "fname", "query"),
        "relance_avancee_disputes/models/relance_dispute.py",
    ),
    ("account.move", "_portal_ensure_token", (), "relance_avancee_disputes/models/account_move.py"),
]

# (Odoo model, method we override, our file). Odoo's method must still exist on the
# model below ours, with the parameters our override declares and passes to super().
OVERRIDES = [
    ("ir.actions.report", "_run_wkhtmltopdf", REPORT),
    ("mail.template", "_render_template_qweb", TEMPLATE),
    ("mail.activity", "_action_done", "relance_avancee/models/mail_activity.py"),
    ("account.move", "_post", "relance_avancee/models/account_move_prevention.py"),
    ("account.move.send", "_get_alerts", "relance_avancee/models/account_move_send.py"),
    (
        "account.payment.register",
        "_reconcile_payments",
        "relance_avancee/models/account_payment_register.py",
    ),
    ("sale.order", "_action_confirm", "relance_avancee/models/sale_order.py"),
    ("res.partner", "_commercial_fields", "relance_avancee/models/res_partner.py"),
    ("relance.history", "_compute_display_name", "relance_avancee/models/relance_history.py"),
    ("mail.thread", "_routing_handle_bounce", "relance_avancee/models/mail_thread.py"),
    ("relance.dispute", "_read_group_select", "relance_avancee_disputes/models/relance_dispute.py"),
    ("res.partner", "_auto_init", "relance_avancee/models/res_partner.py"),
    (
        "base.partner.merge.automatic.wizard",
        "_update_values",
        "relance_avancee/wizards/base_partner_merge.py",
    ),
]

# (module, function or Class.method, the parameters we pass, our file): same rules as CALLS.
FUNCTIONS = [
    ("odoo.addons.base.models.assetsbundle", "AssetsBundle.get_version", ("asset_type",), REPORT),
    ("odoo.addons.base.models.assetsbundle", "AssetsBundle.css", (), REPORT),
    (
        "odoo.addons.base.models.res_lang",
        "intersperse",
        ("string", "counts", "separator"),
        "relance_avancee/models/batch_formats.py",
    ),
    ("odoo.tools.safe_eval", "check_values", ("d",), TEMPLATE),
    ("odoo.sql_db", "db_connect", ("to",), "relance_avancee/models/relance_run.py"),
    (
        "odoo.tools.sql",
        "create_index",
        ("cr", "indexname", "tablename", "expressions"),
        "relance_avancee/models/res_partner.py",
    ),
    (
        "odoo.tools.convert",
        "convert_xml_import",
        ("env", "module", "xmlfile", "idref", "*", "mode", "noupdate"),
        "relance_avancee/migrations/18.0.1.2.0/post-migrate.py",
    ),
]

# (Odoo model, class attribute, our file, what we read it for).
ATTRIBUTES = [
    (
        "mail.template",
        "_unrestricted_rendering",
        TEMPLATE,
        "decide who may render templates with code",
    ),
    # The decisions' plain-value reads (column_values), on these models' tables
    ("account.move", "_table", PERFORMANCE, "read the invoices' columns in one statement"),
    ("account.payment", "_table", PERFORMANCE, "read the payments' columns in one statement"),
]

# (Odoo model, method reading the key, context key, our file).
CONTEXT_KEYS = [
    ("mail.activity", "create", "mail_activity_quick_update", EXECUTOR),
    (
        "res.partner",
        "_notify_thread_by_email",
        "mail_notify_force_send",
        DUPLICATES + ", relance_avancee/wizards/relance_call_outcome.py",
    ),
    (
        "account.move",
        "_post",
        "move_reverse_cancel",
        "relance_avancee/models/relance_litigation.py",
    ),
    ("res.users", "create", "no_reset_password", "relance_avancee/models/relance_demo.py"),
    ("res.partner", "write", "mail_notrack", "relance_avancee/models/relance_typology_rule.py"),
]


def odoo_definition(model_class, name):
    """(class, attribute) of ``name`` as Odoo defines it below our addons, or (None, None)."""
    for klass in model_class.__mro__:
        if name in vars(klass) and not klass.__module__.startswith(OUR_PACKAGE):
            return klass, vars(klass)[name]
    return None, None


def signature_problem(function, used):
    """None when ``function`` accepts ``used`` (see CALLS), else what is wrong."""
    parameters = list(inspect.signature(function).parameters.values())
    if parameters and parameters[0].name == "self":
        parameters = parameters[1:]
    positional = list(used[: used.index("*")] if "*" in used else used)
    keywords = list(used[used.index("*") + 1 :] if "*" in used else [])
    leading = [
        p.name
        for p in parameters[: len(positional)]
        if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)
    ]
    if leading != positional:
        return f"we pass ({', '.join(positional)}) by position"
    by_name = {p.name: p for p in parameters}
    for keyword in keywords:
        if keyword not in by_name and not any(p.kind == p.VAR_KEYWORD for p in parameters):
            return f"we pass {keyword}= by keyword"
        if keyword in by_name and by_name[keyword].kind == by_name[keyword].POSITIONAL_ONLY:
            return f"we pass {keyword}= by keyword and it became positional-only"
    for parameter in parameters:
        required = parameter.default is parameter.empty and parameter.kind not in (
            parameter.VAR_POSITIONAL,
            parameter.VAR_KEYWORD,
        )
        if required and parameter.name not in positional + keywords:
            return f"it now requires {parameter.name}, which we do not pass"
    return None


class TestOdooInternals(RelanceTagged, TransactionCase):
    """The private Odoo APIs of docs/odoo-internals.md still have the shape we use."""

    def _model_class(self, model, caller=""):
        if model not in self.env and not caller.startswith("relance_avancee/"):
            # A model of the reports or disputes addon: CI also installs the base alone.
            self.skipTest(f"{model} belongs to an addon that is not installed")
        self.assertIn(model, self.env, f"Odoo model {model} is missing ({DOC}).")
        return type(self.env[model])

    def test_methods_we_call_keep_their_signature(self):
        for model, name, used, caller in CALLS:
            with self.subTest(api=f"{model}.{name}"):
                if name == "_message_sms" and "sms.sms" not in self.env:
                    self.skipTest("sms is not installed: the SMS channel is unavailable")
                klass, method = odoo_definition(self._model_class(model, caller), name)
                self.assertIsNotNone(
                    method,
                    f"Odoo no longer defines {model}.{name}, which {caller} calls: "
                    f"find its replacement and update {DOC}.",
                )
                problem = signature_problem(method, used)
                if problem:
                    self.fail(
                        f"Odoo changed {model}.{name} ({klass.__module__}): {problem}, "
                        f"in {caller}, but its signature is now {inspect.signature(method)}. "
                        f"Update the call and {DOC}."
                    )

    def test_methods_we_override_still_exist_with_our_parameters(self):
        for model, name, caller in OVERRIDES:
            with self.subTest(api=f"{model}.{name}"):
                model_class = self._model_class(model, caller)
                ours = [
                    vars(k)[name]
                    for k in model_class.__mro__
                    if name in vars(k) and k.__module__.startswith(OUR_PACKAGE)
                ]
                self.assertTrue(ours, f"{caller} no longer overrides {model}.{name}: update {DOC}.")
                klass, method = odoo_definition(model_class, name)
                self.assertIsNotNone(
                    method,
                    f"Odoo no longer defines {model}.{name}, which {caller} overrides: "
                    f"our override is dead code. Find where Odoo moved it and update {DOC}.",
                )
                expected = list(inspect.signature(ours[-1]).parameters)
                actual = list(inspect.signature(method).parameters)
                self.assertEqual(
                    actual,
                    expected,
                    f"Odoo changed the parameters of {model}.{name} ({klass.__module__}), "
                    f"which {caller} overrides with ({', '.join(expected)}) and calls through "
                    f"super(): update the override and {DOC}.",
                )

    def test_functions_we_import_keep_their_signature(self):
        for module_name, qualname, used, caller in FUNCTIONS:
            with self.subTest(api=f"{module_name}.{qualname}"):
                module = importlib.import_module(module_name)
                function = module
                for part in qualname.split("."):
                    function = getattr(function, part, None)
                self.assertIsNotNone(
                    function,
                    f"Odoo no longer has {module_name}.{qualname}, which {caller} uses: "
                    f"update the caller and {DOC}.",
                )
                problem = signature_problem(function, used)
                if problem:
                    self.fail(
                        f"Odoo changed {module_name}.{qualname}: {problem}, in {caller}, but "
                        f"its signature is now {inspect.signature(function)}. Update the call "
                        f"and {DOC}."
                    )

    def test_attributes_we_read_still_exist(self):
        for model, name, caller, purpose in ATTRIBUTES:
            with self.subTest(api=f"{model}.{name}"):
                klass, _value = odoo_definition(self._model_class(model, caller), name)
                self.assertIsNotNone(
                    klass,
                    f"Odoo no longer defines {model}.{name}, which {caller} reads "
                    f"to {purpose}: update it and {DOC}.",
                )

    def test_context_keys_we_set_are_still_read(self):
        for model, reader, key, caller in CONTEXT_KEYS:
            with self.subTest(api=f"{model}.{reader} reads {key}"):
                classes = [
                    k
                    for k in self._model_class(model, caller).__mro__
                    if reader in vars(k) and not k.__module__.startswith(OUR_PACKAGE)
                ]
                sources = "".join(inspect.getsource(vars(k)[reader]) for k in classes)
                if key not in sources:
                    self.fail(
                        f"Odoo's {model}.{reader} no longer reads the context key {key!r}, "
                        f"which {caller} sets: the key now does nothing. Update the caller "
                        f"and {DOC}."
                    )

    def test_what_the_batched_rendering_takes_from_odoo(self):
        """The return values the batched mail path unpacks (mail_template.py, relance_mailer.py)."""
        variables = self.env["mail.template"]._render_eval_context()
        for key in ("format_date", "format_amount"):
            self.assertIn(
                key,
                variables,
                f"mail.render.mixin._render_eval_context() no longer gives {key}, which "
                f"{TEMPLATE} replaces with its batch formatter (batch_formats.py).",
            )
        root = html.fragment_fromstring("<t t-out='object'/>", create_parent="div")
        qweb = self.env["ir.qweb"]
        values = {"object": "ok"}
        functions, def_name = qweb._prepare_environment(dict(values))._compile(root)
        rendered = "".join(functions[def_name](qweb._prepare_environment(values), values))
        self.assertEqual(
            rendered,
            "<div>ok</div>",
            f"ir.qweb._compile no longer returns (functions, name) rendering to a string "
            f"generator as {TEMPLATE} expects.",
        )
        partner = self.env["res.partner"].create({"name": "Recipient", "email": "r@example.com"})
        subtype = self.env.ref("mail.mt_comment").id
        data = self.env["mail.followers"]._get_recipient_data(
            None, "comment", subtype, pids=partner.ids
        )
        self.assertIn(
            partner.id,
            data.get(0, {}),
            f"mail.followers._get_recipient_data(None, ...) no longer keys its result by 0, "
            f"as {MAILER} reads it.",
        )
        mail_message = self.env["mail.message"]._fields
        for field in (
            "email_add_signature",
            "email_layout_xmlid",
            "record_alias_domain_id",
            "record_company_id",
            "reply_to",
        ):
            self.assertIn(field, mail_message, f"{MAILER} writes mail.message.{field}.")
        notification = self.env["mail.notification"]._fields
        for field in ("mail_mail_id", "notification_status", "notification_type", "is_read"):
            self.assertIn(field, notification, f"{MAILER} writes mail.notification.{field}.")


class TestBatchedPostingLikeMessagePost(RelanceCase):
    """relance.mailer rebuilds message_post for batches from the private steps above:
    the customer's message and email must be what ``message_post`` gives for the same
    reminder. By design, only the recipient is emailed (not the customer's followers)."""

    MESSAGE_FIELDS = (
        "model",
        "res_id",
        "record_name",
        "message_type",
        "subtype_id",
        "author_id",
        "email_from",
        "subject",
        "body",
        "partner_ids",
        "email_layout_xmlid",
        "email_add_signature",
        "record_alias_domain_id",
        "record_company_id",
    )
    MAIL_FIELDS = (
        "email_from",
        "subject",
        "body_html",
        "recipient_ids",
        "email_to",
        "model",
        "res_id",
        "auto_delete",
        "is_notification",
        "headers",
        "mail_server_id",
    )

    def _post_both_ways(self):
        """(our message, Odoo's message) for the same reminder of self.customer."""
        self.company.email = "relances@company.example.com"
        self.make_invoice(self.customer, "2026-01-15", 80.5)
        run = self.env["relance.run"]._get_or_create(self.company, date(2026, 2, 1))
        run._plan()
        entry = run.history_ids
        entry.recipient_id = self.customer
        content = {
            "subject": "Reminder",
            "body_html": Markup("<p>Please pay %s</p>") % "80.50",
            "email_from": self.company.email_formatted,
        }
        with self.mock_mail_gateway():
            ours = self.env["relance.mailer"]._post_emails(entry, {entry.id: content})[entry.id]
            odoo = self.customer.with_context(mail_notify_force_send=False).message_post(
                # The author is the user who sends, as Odoo's composer passes it.
                author_id=self.env.user.partner_id.id,
                subject=content["subject"],
                body=content["body_html"],
                email_from=content["email_from"],
                partner_ids=entry.recipient_id.ids,
                message_type="comment",
                subtype_xmlid="mail.mt_comment",
                email_layout_xmlid="mail.mail_notification_light",
                email_add_signature=True,
            )
        return ours, odoo

    def _customer_mail(self, message):
        return message.mail_ids.filtered(lambda mail: mail.recipient_ids == self.customer)

    def test_batched_reminder_is_the_message_and_email_message_post_makes(self):
        ours, odoo = self._post_both_ways()
        for field in self.MESSAGE_FIELDS:
            with self.subTest(message_field=field):
                self.assertEqual(ours[field], odoo[field], f"mail.message.{field}")
        ours_mail, odoo_mail = self._customer_mail(ours), self._customer_mail(odoo)
        self.assertEqual((len(ours_mail), len(odoo_mail)), (1, 1))
        for field in self.MAIL_FIELDS:
            with self.subTest(mail_field=field):
                self.assertEqual(ours_mail[field], odoo_mail[field], f"mail.mail.{field}")
        ours_notification = ours.notification_ids.filtered(
            lambda n: n.res_partner_id == self.customer
        )
        odoo_notification = odoo.notification_ids.filtered(
            lambda n: n.res_partner_id == self.customer
        )
        for field in ("notification_type", "notification_status", "is_read"):
            with self.subTest(notification_field=field):
                self.assertEqual(ours_notification[field], odoo_notification[field])
        # By design: the collector follows the customer and reads the reminder in the
        # chatter; message_post would email the followers too.
        self.assertEqual(ours.notification_ids.res_partner_id, self.customer)

    def test_batched_reminder_has_message_post_reply_to(self):
        """message_post defaults Reply-To to the message's sender (the template's
        From: the company), not to the user who runs (or OdooBot for the scheduled
        run): a customer's reply reaches the company."""
        ours, odoo = self._post_both_ways()
        self.assertEqual(ours.reply_to, odoo.reply_to)
        self.assertEqual(self._customer_mail(ours).reply_to, self._customer_mail(odoo).reply_to)
