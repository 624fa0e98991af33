# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Who may do what in collections: the one place where the addons' access rules are
written (reports, engine, history, runs), so that every screen asks the same question.

Each function takes the caller's environment: ``env.su`` is the engine (cron, code
that switched to superuser after its own checks). Never pass ``env.user.env``: the
user record of an environment is always in superuser mode.
"""

from odoo.exceptions import AccessError

COLLECTOR = "relance_avancee.group_relance_user"
MANAGER = "relance_avancee.group_relance_manager"
# Those who may read the receivables book (aged balance, KPIs): collectors and
# accounting users. Salespeople and portal customers may not.
RECEIVABLES_READERS = (COLLECTOR, "account.group_account_invoice", "account.group_account_readonly")
# Those who may read every customer's and supplier's invoices (payment terms table).
ACCOUNTING_READERS = ("account.group_account_readonly", "account.group_account_manager")


def is_manager(env):
    """The engine or a collections manager."""
    return env.su or env.user.has_group(MANAGER)


def is_collector(env):
    return env.su or env.user.has_group(COLLECTOR)


def check_receivables_reader(env):
    """Raise unless the caller may read every customer's receivables."""
    if env.su or any(env.user.has_group(group) for group in RECEIVABLES_READERS):
        return
    raise AccessError(
        env._("Only collectors and accounting users may read the customers' receivables.")
    )


def check_collector(env):
    if not is_collector(env):
        raise AccessError(env._("Only collectors may do this."))


def check_manager(env, message=None):
    """Raise ``message`` unless the caller is a collections manager (or the engine)."""
    if not is_manager(env):
        raise AccessError(message or env._("Only a collections manager may do this."))


def check_internal(env):
    """Raise unless the caller is an internal user (not portal, not public)."""
    if not env.su and not env.user.has_group("base.group_user"):
        raise AccessError(env._("Only internal users may do this."))


# Those who may import e-invoicing lifecycle statuses: collections managers and
# billing users (who issue the invoices the statuses are about).
EINVOICE_IMPORTERS = (MANAGER, "account.group_account_invoice")


def _check_any_group(env, groups, message):
    """Raise ``message`` (translated) unless the caller is in one of ``groups``."""
    if env.su or any(env.user.has_group(group) for group in groups):
        return
    raise AccessError(message)


def check_einvoice_importer(env):
    """Raise unless the caller may import lifecycle statuses from a platform's file."""
    _check_any_group(
        env,
        EINVOICE_IMPORTERS,
        env._("Only collections managers and billing users may import e-invoicing statuses."),
    )


def check_accounting_reader(env):
    """Raise unless the caller reads the accounts (accounting read-only or manager)."""
    _check_any_group(
        env,
        ACCOUNTING_READERS,
        env._(
            "Only accounting users may read the payment terms table: it reads every "
            "customer's and supplier's invoices."
        ),
    )


def check_collector_customer(env, customer):
    """Raise unless the caller is a collector who may act on ``customer`` (a
    commercial partner they can read, of one of their companies)."""
    check_collector(env)
    if env.su:
        return
    customer = customer.with_env(env)
    customer.check_access("read")
    if customer.company_id and customer.company_id not in env.companies:
        raise AccessError(env._("This customer belongs to another company."))


def check_customer_contact(env, customer, contact):
    """Raise unless the caller is a collector who may act on ``customer`` and
    ``contact`` is one of its contacts (not the customer itself, nor anyone else's)."""
    check_collector_customer(env, customer)
    if not contact or contact == customer or contact.commercial_partner_id != customer:
        raise AccessError(env._("This contact is not a contact of the customer you are calling."))


# Those who send the company's lifecycle statuses to the e-invoicing platform (what was
# cashed, for the VAT on payments): collections managers and billing administrators.
EINVOICE_EXPORTERS = (MANAGER, "account.group_account_manager")


def check_einvoice_exporter(env):
    """Raise unless the caller may export the company's e-invoicing statuses."""
    _check_any_group(
        env,
        EINVOICE_EXPORTERS,
        env._(
            "Only collections managers and billing administrators may export the "
            "e-invoicing statuses for the platform."
        ),
    )
