"""Every public method of the three addons, called remotely by a portal customer.

Odoo's remote gate refuses only names starting with ``_`` (and ``@api.private``):
whatever else a model of ours defines is callable over JSON-RPC by any logged-in
user. This walk calls each one through the gate as a portal user, with harmless
arguments, on a real record when one exists, and accepts only a refusal
(AccessError), an error on the arguments (MissingError, ValueError, TypeError) or an
empty answer: a new public method cannot leak again unnoticed.
"""

import inspect
from datetime import timedelta

from odoo import Command, api, fields
from odoo.exceptions import AccessError, MissingError
from odoo.service.model import get_public_method

from .common import RelanceCase

ADDONS = {"relance_avancee", "relance_avancee_reports", "relance_avancee_disputes"}
# Every addon whose public methods are walked: the queue_job glue too, when installed.
WALKED = ADDONS | {"relance_avancee_queue_job"}
REFUSED = (AccessError, MissingError, ValueError, TypeError)


def public_methods(model_class):
    """{name: function} of the public methods our addons define on ``model_class``."""
    methods = {}
    for cls in model_class.mro():
        if getattr(cls, "_module", None) not in WALKED:
            continue
        for name, member in vars(cls).items():
            function = getattr(member, "__func__", member)
            if name.startswith("_") or not inspect.isfunction(function):
                continue
            if getattr(function, "_api_private", False):
                continue
            methods.setdefault(name, function)
    return methods


class TestEveryPublicMethodRefusesThePortal(RelanceCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.today = fields.Date.context_today(cls.env["res.partner"])
        cls.portal_user = cls._create_portal_user("portal_walker", "Portal Walker")
        # Records for the methods to act on: invoices at every stage, a run with its
        # actions, a formal notice with its penalty, a litigation file, a dispute.
        for days in (5, 40, 70, 100):
            cls.make_invoice(cls.customer, cls.today - timedelta(days=days), 1000.0 + days)
        cls.customer.relance_plan_id = cls.phone_plan
        run = cls.env["relance.run"]._get_or_create(cls.company, cls.today)
        run.with_context(mail_notrack=True).action_run()
        invoices = cls.env["account.move"].search([("partner_id", "=", cls.customer.id)])
        cls.env["relance.litigation"].create(
            {"partner_id": cls.customer.id, "move_ids": [Command.set(invoices[:1].ids)]}
        )
        cls.env["sale.order"].create(
            {
                "partner_id": cls.customer.id,
                "order_line": [Command.create({"product_id": cls.product_a.id})],
            }
        )
        if "relance.dispute" in cls.env:
            reason = cls.env["relance.dispute.reason"].search([], limit=1)
            cls.env["relance.dispute"].create(
                {
                    "partner_id": cls.customer.id,
                    "move_ids": [Command.set(invoices[-1:].ids)],
                    "reason_id": reason.id,
                }
            )

    def _argument(self, name):
        """A harmless value for a parameter named ``name``."""
        if name in ("vals_list",):
            return [{}]
        if name in ("vals", "values", "default"):
            return {}
        if "date" in name or name == "day":
            return str(self.today)
        if name.endswith("_ids") or name in ("ids", "fields_list", "fields", "domain"):
            return []
        if name.endswith("_id") or name in ("company", "partner"):
            return self.customer.id if "partner" in name else self.company.id
        return None

    def _arguments(self, function):
        parameters = list(inspect.signature(function).parameters.values())[1:]
        return [
            self._argument(p.name)
            for p in parameters
            if p.default is inspect.Parameter.empty
            and p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)
        ]

    def _call(self, model_name, name, function):
        env = api.Environment(self.env.cr, self.portal_user.id, {"lang": "en_US"})
        model = env[model_name]
        args = self._arguments(function)
        if not getattr(function, "_api", None):
            record = self.env[model_name].sudo().search([], limit=1, order="id desc")
            args = [record.ids, *args]
        with self.env.cr.savepoint():
            get_public_method(model, name)
            result = api.call_kw(model, name, args, {})
            env.flush_all()
        return result

    def test_walk(self):
        leaks = []
        calls = 0
        for model_name in sorted(self.env.registry.models):
            model_class = self.env.registry[model_name]
            if model_class._abstract and not model_name.startswith("relance."):
                continue
            for name, function in sorted(public_methods(model_class).items()):
                calls += 1
                try:
                    result = self._call(model_name, name, function)
                except REFUSED:
                    continue
                except Exception as error:  # noqa: BLE001 - each is a finding
                    leaks.append(f"{model_name}.{name}: {type(error).__name__}: {error}")
                    continue
                if result:
                    leaks.append(f"{model_name}.{name} answered {str(result)[:120]!r}")
        # About 50 public methods in the base addon alone, over 60 with the other two.
        installed = ADDONS & set(self.env["ir.module.module"]._installed())
        self.assertGreater(
            calls, 60 if installed == ADDONS else 45, "the walk found the addons' public methods"
        )
        self.assertFalse(leaks, "public methods a portal customer may call:\n" + "\n".join(leaks))
