# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import random
from collections import defaultdict
from datetime import datetime, time, timedelta

from markupsafe import Markup

from odoo import Command, api, fields, models

from ..einvoice_cdar import CODE_BY_STATUS
from .late_payment import CALL_OUTCOME_REASONS

CUSTOMERS = [
    # (name, typology xml id, city, with email)
    ("Mairie de Villeneuve", "relance_typology_public", "Villeneuve", True),
    ("Centre Hospitalier du Val", "relance_typology_public", "Valence", True),
    ("Conseil Départemental de l'Ain", "relance_typology_public", "Bourg-en-Bresse", True),
    ("Lycée Jean Moulin", "relance_typology_public", "Lyon", False),
    ("Communauté de Communes des Monts", "relance_typology_public", "Aurillac", True),
    ("Groupe Batimax", "relance_typology_key_account", "Paris", True),
    ("Distrilog France", "relance_typology_key_account", "Lille", True),
    ("Hexa Industries", "relance_typology_key_account", "Grenoble", True),
    ("Agrinova Coopérative", "relance_typology_key_account", "Rennes", True),
    ("Transports Marceau", "relance_typology_key_account", "Nantes", True),
    ("Métallerie Duroc", "relance_typology_risk", "Saint-Étienne", True),
    ("Bistrot des Halles", "relance_typology_risk", "Toulouse", False),
    ("Garage Lemoine", "relance_typology_risk", "Amiens", True),
    ("Boutique Éphémère", "relance_typology_risk", "Marseille", True),
    ("Événements & Co", "relance_typology_risk", "Nice", True),
    ("Atelier Coutures", "relance_typology_risk", "Tours", False),
    ("Imprimerie Rapide", "relance_typology_risk", "Dijon", True),
    ("Boulangerie Martin", "relance_typology_small_sme", "Reims", True),
    ("Fleurs de Saison", "relance_typology_small_sme", "Angers", True),
    ("Cabinet Dentaire Roux", "relance_typology_small_sme", "Metz", True),
    ("Pharmacie du Centre", "relance_typology_small_sme", "Caen", True),
    ("Plomberie Girard", "relance_typology_small_sme", "Limoges", False),
    ("Salon Élégance", "relance_typology_small_sme", "Brest", True),
    ("Librairie des Arts", "relance_typology_small_sme", "Poitiers", True),
    ("Auto-école Pilote", "relance_typology_small_sme", "Perpignan", True),
    ("Ferme du Bocage", "relance_typology_small_sme", "Laval", True),
    ("Studio Graphique Nova", "relance_typology_small_sme", "Bordeaux", True),
    ("Cave à Vins Bacchus", "relance_typology_small_sme", "Beaune", True),
    ("Électricité Moreau", "relance_typology_small_sme", "Orléans", True),
    ("Architectes Associés", "relance_typology_safe", "Strasbourg", True),
    ("Cabinet Comptable Leroy", "relance_typology_safe", "Lyon", True),
    ("Laboratoires Biosol", "relance_typology_safe", "Montpellier", True),
    ("Assurances Horizon", "relance_typology_safe", "Paris", True),
    ("Banque Régionale Alpine", "relance_typology_safe", "Annecy", True),
    ("Notaires du Rhône", "relance_typology_safe", "Lyon", True),
    ("Clinique Vétérinaire", "relance_typology_safe", "Clermont-Ferrand", True),
    ("Société Nouvelle Optique", "relance_typology_safe", "Rouen", True),
    ("Informatique Conseil", "relance_typology_safe", "Nancy", True),
    ("Hôtel du Parc", "relance_typology_risk", "Biarritz", True),
    ("Menuiserie Blanc", "relance_typology_small_sme", "Chambéry", True),
]

# Typical invoice amounts per typology (min, max, before VAT).
AMOUNTS = {
    "relance_typology_public": (2000, 25000),
    "relance_typology_key_account": (5000, 60000),
    "relance_typology_risk": (500, 8000),
    "relance_typology_small_sme": (40, 900),
    "relance_typology_safe": (300, 5000),
}

RISK = "relance_avancee.relance_typology_risk"

# Share of the invoices paid around their due date, before any reminder.
ON_TIME = {
    "relance_typology_public": 0.25,
    "relance_typology_key_account": 0.4,
    "relance_typology_risk": 0.1,
    "relance_typology_small_sme": 0.35,
    "relance_typology_safe": 0.8,
}

# How customers answer a written reminder: (chance of a payment, its delay in days from
# the reminder, min and max). A letter gets a payment far less often than a call
# (10-20 % against 70-80 %, see CALL_ANSWERS), an email in between.
ANSWERS = {
    "email": (0.4, 2, 14),
    "letter": (0.15, 5, 21),
    "formal_notice": (0.45, 3, 12),
}
# What a collection call ends with, and how often.
CALL_ANSWERS = [
    ("promise", 0.72),
    ("no_answer", 0.14),
    ("not_received", 0.03),
    ("wrong_contact", 0.04),
    ("dispute", 0.07),
]
CALL_NOTES = {
    "promise": "Paiement promis par le comptable.",
    "no_answer": "Messagerie.",
    "not_received": "Facture non reçue : duplicata envoyé.",
    "wrong_contact": "Mauvais interlocuteur : contact à mettre à jour.",
    "dispute": "Le client conteste la livraison.",
}
# Why a customer who promised pays late, when it says so (None: it gave no reason).
PROMISE_REASONS = [
    ("cash", 0.3),
    ("approval", 0.25),
    ("forgot", 0.2),
    ("missing_po", 0.1),
    (None, 0.15),
]
# Most promises are kept, on time; the others are broken.
PROMISE_KEPT = 0.8
# Whose invoices the demo's e-invoicing platform sent lifecycle statuses about.
EINVOICE_KEY_ACCOUNT = "Groupe Batimax"
EINVOICE_TOWN_HALL = "Mairie de Villeneuve"


class RelanceDemo(models.AbstractModel):
    """Demo data whose dates follow the install day, so the demo never goes stale."""

    _name = "relance.demo"
    _description = "Dunning Demo Data"

    @api.model
    def _generate(self):
        rng = random.Random(42)
        company = self._demo_company()
        env = (
            self.with_company(company)
            .with_context(
                allowed_company_ids=company.ids, tracking_disable=True, mail_create_nolog=True
            )
            .env
        )
        self._demo_admin_language()
        users = self._demo_users(company)
        partners = self._demo_partners(env, users, rng)
        invoices = self._demo_invoices(env, partners, rng)
        env["res.partner"].browse(partners.ids)._relance_refresh_state()
        self._demo_bank(env, company)
        self._demo_dunning_history(env, company, invoices, rng)
        self._demo_credit_notes(env, invoices, rng)
        self._demo_einvoice_statuses(env, invoices)
        self._demo_blocked_quotation(env, partners, users[1])
        return company

    def _demo_company(self):
        """A French company with the French chart when l10n_fr is installed, else the
        current company (given Odoo's generic chart when it has none)."""
        fr_installed = self.env["ir.module.module"].search_count(
            [("name", "=", "l10n_fr"), ("state", "=", "installed")]
        )
        if not fr_installed:
            company = self.env.company
            if not company.chart_template:
                self.env["account.chart.template"].try_loading(
                    "generic_coa", company, install_demo=False
                )
            return company
        company = self.env["res.company"].create(
            {
                "name": "Relance Démo SAS",
                "country_id": self.env.ref("base.fr").id,
                "currency_id": self.env.ref("base.EUR").id,
                "street": "12 rue de la Paix",
                "zip": "75002",
                "city": "Paris",
                "email": "compta@relance-demo.example.com",
                "phone": "+33 1 23 45 67 89",
                "vat": "FR23334175221",
                "company_registry": "33417522100018",
            }
        )
        self.env["account.chart.template"].try_loading("fr", company, install_demo=False)
        # admin may open the demo company; his own company stays his default one.
        self.env.ref("base.user_admin").write({"company_ids": [Command.link(company.id)]})
        return company

    def _demo_admin_language(self):
        """admin / admin sees the demo in French when French is loaded."""
        if self._french() == "fr_FR":
            self.env.ref("base.user_admin").lang = "fr_FR"

    def _french(self):
        """fr_FR when the language is loaded (setup/run.sh loads it), else English."""
        return "fr_FR" if self.env["res.lang"]._lang_get("fr_FR") else "en_US"

    def _demo_users(self, company):
        Users = self.env["res.users"].with_context(no_reset_password=True)
        specs = [
            (
                "collector",
                "Claire Dubois (collector)",
                ["relance_avancee.group_relance_user", "account.group_account_invoice"],
            ),
            ("sales", "Sébastien Petit (sales)", ["sales_team.group_sale_salesman"]),
        ]
        users = []
        for login, name, groups in specs:
            user = Users.search([("login", "=", login)], limit=1) or Users.create(
                {
                    "login": login,
                    "password": login,
                    "name": name,
                    "email": f"{login}@relance-demo.example.com",
                    "lang": self._french(),
                    "company_id": company.id,
                    "company_ids": [Command.set(company.ids)],
                    "groups_id": [Command.link(self.env.ref(g).id) for g in groups],
                }
            )
            users.append(user)
        return users

    def _demo_partners(self, env, users, rng):
        collector, salesperson = users
        admin = self.env.ref("base.user_admin")
        values = []
        for index, (name, typology, city, with_email) in enumerate(CUSTOMERS):
            slug = "".join(c for c in name.lower() if c.isalnum())[:20]
            values.append(
                {
                    "name": name,
                    "is_company": True,
                    "street": f"{index + 1} avenue de la République",
                    "zip": f"{rng.randint(10, 95)}000",
                    "city": city,
                    "country_id": self.env.ref("base.fr").id,
                    "email": f"compta@{slug}.example.com" if with_email else False,
                    "phone": f"+33 4 {rng.randint(10, 99)} {rng.randint(10, 99)} "
                    f"{rng.randint(10, 99)} {rng.randint(10, 99)}",
                    "relance_typology_id": self.env.ref(f"relance_avancee.{typology}").id,
                    "lang": self._french(),
                    "relance_collector_id": (collector if index % 3 else admin).id,
                    "user_id": salesperson.id,
                }
            )
        partners = env["res.partner"].create(values)
        contacts = [
            {
                "name": f"Service comptabilité {partner.name}",
                "type": "invoice",
                "parent_id": partner.id,
                "email": f"factures@{partner.id}.example.com",
            }
            for partner in partners[::4]
            if partner.email
        ]
        env["res.partner"].create(contacts)
        return partners

    def _demo_invoices(self, env, partners, rng):
        today = fields.Date.context_today(self)
        product = self._demo_product(env)
        values = []
        for partner in partners:
            typology = partner.relance_typology_id.get_external_id()[partner.relance_typology_id.id]
            low, high = AMOUNTS[typology.split(".")[1]]
            for _index in range(rng.randint(4, 11)):
                due = today + timedelta(days=rng.randint(-150, 30))
                values.append(
                    {
                        "move_type": "out_invoice",
                        "partner_id": partner.id,
                        "invoice_date": due - timedelta(days=30),
                        "invoice_date_due": due,
                        "ref": f"PO-{rng.randint(10000, 99999)}" if rng.random() < 0.7 else False,
                        "invoice_line_ids": [
                            Command.create(
                                {
                                    "product_id": product.id,
                                    "quantity": 1,
                                    "price_unit": round(rng.uniform(low, high), 2),
                                }
                            )
                        ],
                    }
                )
        invoices = env["account.move"].create(values)
        invoices.action_post()
        return invoices

    def _demo_bank(self, env, company):
        """Customer payments are booked when registered (the bank is reconciled every
        day): the ledger's figures (receivable, DSO, CEI) move with them. Odoo 18
        books them only when the bank's payment method has an outstanding account."""
        journal = env["account.journal"].search(
            [("company_id", "=", company.id), ("type", "=", "bank")], order="id", limit=1
        )
        journal.inbound_payment_method_line_ids.filtered(
            lambda line: not line.payment_account_id
        ).payment_account_id = journal.default_account_id

    def _demo_product(self, env):
        name = "Prestation de services"
        return env["product.product"].search([("name", "=", name)], limit=1) or env[
            "product.product"
        ].create({"name": name, "type": "service", "list_price": 100.0})

    def _demo_credit_notes(self, env, invoices, rng):
        open_invoices = invoices.filtered(lambda inv: inv.amount_residual > 0)
        for invoice in open_invoices[::40]:
            reversal = (
                env["account.move.reversal"]
                .with_context(active_model="account.move", active_ids=invoice.ids)
                .create({"reason": "Geste commercial", "journal_id": invoice.journal_id.id})
            )
            reversal.refund_moves()
            credit_note = invoice.reversal_move_ids[:1]
            if credit_note:
                credit_note.invoice_line_ids[:1].price_unit = round(
                    invoice.invoice_line_ids[:1].price_unit * 0.1, 2
                )
                credit_note.action_post()

    def _demo_blocked_quotation(self, env, partners, salesperson):
        """A risk customer blocked after its formal notice, with a quotation waiting:
        the salesperson sees the banner."""
        # Not the customer in insolvency proceedings: the law forbids chasing it.
        risky = partners.filtered(
            lambda p: (
                p.relance_typology_id == self.env.ref(RISK)
                and p.relance_overdue_amount > 0
                and not p.relance_insolvency_date
            )
        )[:1]
        if not risky:
            return
        risky._relance_block("Mise en demeure restée sans effet")
        env["sale.order"].create(
            {
                "partner_id": risky.id,
                "user_id": salesperson.id,
                "order_line": [
                    Command.create({"product_id": self._demo_product(env).id, "product_uom_qty": 3})
                ],
            }
        )

    # --- a living history: the engine replayed over the past ---------------------

    def _demo_dunning_history(self, env, company, invoices, rng):
        """Replay the daily run every 7 days from 119 days ago, then today, and the
        customers' answers in between: invoices climb the levels, emails are queued,
        calls become the collectors' activities and end in promises, kept or broken,
        payments follow the reminders as they do in the trade (see ANSWERS).

        Each run goes through the run's public method and ends done, its documents
        pending: wkhtmltopdf needs Odoo's HTTP server, which does not run while
        setup/run.sh installs the addons; the next daily run renders them. The demo
        never sends mail: the emails it queues are cancelled.
        """
        # Nothing leaves while generating: no forced sending, no assignment emails.
        env = env(
            context=dict(env.context, mail_notify_force_send=False, mail_activity_quick_update=True)
        )
        today = fields.Date.context_today(self)
        mails = env["mail.mail"].sudo()
        last_mail = mails.search([], order="id desc", limit=1).id or 0
        runs = env["relance.run"].with_company(company)
        # {date: [(invoices, share of what they still owe)]}: the payments to come.
        payments = self._demo_spontaneous_payments(invoices, rng)
        days = [today - timedelta(days=offset) for offset in range(119, 0, -7)] + [today]
        for day in days:
            self._demo_answer_calls(env, company, day, payments, rng)
            self._demo_register_payments(env, payments, day)
            self._demo_customer_in_difficulty(env, company, day)
            self._demo_validate_waiting(env, company, day)
            run = runs._get_or_create(company, day)
            run.action_run_documents_later()
            self._demo_backdate(run.history_ids.message_id, day)
            self._demo_answer_reminders(run, payments, rng)
        mails.search([("id", ">", last_mail), ("state", "=", "outgoing")]).write(
            {"state": "cancel"}
        )

    def _demo_spontaneous_payments(self, invoices, rng):
        """Some customers pay around the due date, before any reminder: most of the
        safe ones, few of the risky ones."""
        today = fields.Date.context_today(self)
        payments = defaultdict(list)
        for invoice in invoices:
            typology = invoice.partner_id.relance_typology_id.get_external_id()
            code = typology[invoice.partner_id.relance_typology_id.id].split(".")[1]
            if rng.random() < ON_TIME[code]:
                day = max(
                    invoice.invoice_date_due + timedelta(days=rng.randint(-10, 4)),
                    invoice.invoice_date,
                )
                if day <= today:
                    payments[day].append((invoice, 1.0))
        return payments

    def _demo_register_payments(self, env, payments, day):
        """Register, through Odoo's payment wizard, the payments dated up to ``day``."""
        for when in sorted(date for date in payments if date <= day):
            for invoices, share in payments.pop(when):
                open_invoices = invoices.filtered(
                    lambda inv: (
                        inv.state == "posted"
                        and inv.amount_residual > 0
                        # Under the legal stay, the customer may not pay its older debts.
                        and not inv.partner_id.relance_insolvency_date
                    )
                )
                if not open_invoices:
                    continue
                # The only invoices the demo excludes are disputed: settled, then paid.
                open_invoices.filtered("relance_excluded").write(
                    {"relance_excluded": False, "relance_exclusion_reason": False}
                )
                amount = round(sum(open_invoices.mapped("amount_residual")) * share, 2)
                env["account.payment.register"].with_context(
                    active_model="account.move", active_ids=open_invoices.ids
                ).create(
                    {"payment_date": when, "group_payment": True, "amount": amount}
                ).action_create_payments()

    def _demo_answer_reminders(self, run, payments, rng):
        """A share of the customers reminded in writing pay some days later (ANSWERS)."""
        for entry in run.history_ids.filtered(lambda h: h.state == "done" and h.channel in ANSWERS):
            chance, low, high = ANSWERS[entry.channel]
            if rng.random() < chance:
                share = rng.uniform(0.3, 0.7) if rng.random() < 0.2 else 1.0
                payments[entry.date + timedelta(days=rng.randint(low, high))].append(
                    (entry.move_ids, share)
                )

    def _demo_answer_calls(self, env, company, day, payments, rng):
        """The calls planned before ``day`` were made: they end as CALL_ANSWERS draws;
        most promises are kept on time, disputes are settled a few weeks later."""
        calls = (
            env["relance.history"]
            .sudo()
            .search(
                [
                    ("company_id", "=", company.id),
                    ("channel", "=", "phone"),
                    ("state", "=", "planned"),
                    ("activity_id", "!=", False),
                    ("date", "<", day),
                ]
            )
        )
        outcomes, weights = zip(*CALL_ANSWERS, strict=True)
        for call in calls:
            outcome = rng.choices(outcomes, weights)[0]
            values = {"state": "done", "outcome": outcome}
            if outcome == "promise":
                promise_date = call.date + timedelta(days=rng.randint(3, 14))
                values.update(promise_date=promise_date, promise_amount=call.amount_due)
                # As the call outcome wizard does: the named invoices wait for it.
                call.partner_id.write(
                    {
                        "relance_promise_date": promise_date,
                        "relance_promise_amount": call.amount_due,
                    }
                )
                call.move_ids.write({"relance_promise_date": promise_date})
                if rng.random() < PROMISE_KEPT:
                    payments[promise_date - timedelta(days=rng.randint(0, 2))].append(
                        (call.move_ids, 1.0)
                    )
            elif outcome == "dispute":
                # As the call outcome wizard does without the disputes addon.
                call.move_ids.write(
                    {
                        "relance_excluded": True,
                        "relance_exclusion_reason": "Litige : livraison incomplète",
                    }
                )
                # Settled a few weeks later: dunned again and paid (see _demo_register_payments).
                payments[call.date + timedelta(days=rng.randint(14, 28))].append(
                    (call.move_ids, 1.0)
                )
            values["late_reason"] = self._demo_late_reason(outcome, rng)
            call.move_ids._relance_note_late_reason(values["late_reason"], call.date)
            values["note"] = Markup("<p>%s</p>") % CALL_NOTES[outcome]
            activity = call.activity_id
            call.write(values)
            activity.action_feedback(feedback=values["note"])

    def _demo_late_reason(self, outcome, rng):
        """The reason the customer gave, as the call outcome wizard records it."""
        if outcome == "promise":
            reasons, weights = zip(*PROMISE_REASONS, strict=True)
            return rng.choices(reasons, weights)[0] or False
        return CALL_OUTCOME_REASONS.get(outcome, False)

    def _demo_einvoice_statuses(self, env, invoices):
        """What the approved e-invoicing platform sent (lifecycle statuses): a key
        account's and a town hall's invoices deposited and made available to the buyer
        (the date each reached it), the key account's latest open invoice refused (no
        purchase order number), a public body's oldest open invoice paid by its
        treasury (payment sent, not yet received)."""
        now = fields.Datetime.now()
        key_account, town_hall = (
            invoices.filtered(lambda m, name=name: m.partner_id.name == name).sorted("invoice_date")
            for name in (EINVOICE_KEY_ACCOUNT, EINVOICE_TOWN_HALL)
        )
        values = []

        def add(invoice, status, day, **more):
            if not invoice:
                return
            moment = datetime.combine(day, time(9, 0)) + more.pop("delay", timedelta())
            if moment <= now:
                code = CODE_BY_STATUS[status]
                values.append(
                    {
                        "move_id": invoice.id,
                        "status": status,
                        "date": moment,
                        "platform_message_id": f"DEMO-{invoice.id}-{code}",
                        "source": "demo",
                        **more,
                    }
                )

        for invoice in key_account | town_hall:
            add(invoice, "deposited", invoice.invoice_date)
            add(invoice, "made_available", invoice.invoice_date, delay=timedelta(days=1))
        refused = key_account.filtered(
            lambda m: m.amount_residual > 0 and m.invoice_date <= now.date() - timedelta(days=3)
        )[-1:]
        add(
            refused,
            "refused",
            refused.invoice_date,
            delay=timedelta(days=3),
            reason_code="CMD_ERR",
            reason_text="Numéro de commande absent : la facture doit porter notre bon de commande.",
        )
        public = self.env.ref("relance_avancee.relance_typology_public")
        paid = (
            invoices.filtered(
                lambda m: m.partner_id.relance_typology_id == public and m.amount_residual > 0
            ).sorted(lambda m: (m.invoice_date_due >= now.date(), m.invoice_date_due, m.id))
        )[:1]
        add(
            paid,
            "payment_sent",
            now.date() - timedelta(days=2),
            amount=paid.amount_residual,
            payment_date=now.date() - timedelta(days=2),
        )
        statuses = env["relance.einvoice.status"].sudo().create(values)
        statuses._relance_apply_effects()
        return statuses

    def _demo_customer_in_difficulty(self, env, company, day):
        """Three weeks ago, a risky customer went into reorganisation: the legal stay
        stops its reminders; its claim is to be declared."""
        today = fields.Date.context_today(self)
        judgment = today - timedelta(days=21)
        if not judgment <= day < judgment + timedelta(days=7):
            return
        risky = (
            env["res.partner"]
            .search(
                [
                    ("name", "in", [name for name, *_rest in CUSTOMERS]),
                    ("relance_typology_id", "=", self.env.ref(RISK).id),
                    ("relance_blocked", "=", False),
                ],
                order="id",
            )
            .filtered(lambda p: p.relance_overdue_amount > 0)[:1]
        )
        risky.write(
            {
                "relance_insolvency_kind": "reorganisation",
                "relance_insolvency_date": judgment,
                "relance_insolvency_publication_date": judgment + timedelta(days=9),
                "relance_insolvency_court": "Tribunal de commerce de Saint-Étienne",
            }
        )

    def _demo_validate_waiting(self, env, company, day):
        """Actions waiting for validation for a week were validated by the collector;
        litigation stays waiting for the manager's decision."""
        waiting = (
            env["relance.history"]
            .sudo()
            .search(
                [
                    ("company_id", "=", company.id),
                    ("state", "=", "planned"),
                    ("to_validate", "=", True),
                    ("channel", "not in", ("phone", "litigation")),
                    ("date", "<=", day - timedelta(days=7)),
                ]
            )
        )
        if waiting:
            # Their documents wait for the next daily run, as the runs' do.
            waiting.with_context(relance_defer_documents=True).action_validate()
            self._demo_backdate(waiting.message_id, day)

    def _demo_backdate(self, messages, day):
        """The chatter shows each action on the day it was carried out."""
        if messages:
            messages.sudo().write({"date": fields.Datetime.to_datetime(day) + timedelta(hours=9)})
