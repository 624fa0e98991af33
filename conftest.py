"""pytest configuration: the suite runs under pytest-odoo (see README).

A test runs only when the addons it belongs to are installed in the test database:
its class's ``test_module`` and ``requires_addons``, and the test's own
``requires_addons`` (tests/common.py). The others are skipped at collection, before
any class fixture runs (so that no setUpClass, nor a class-wide freeze_time, starts).
"""

import pytest


def _installed_addons():
    import odoo
    from odoo.sql_db import db_connect

    with db_connect(odoo.tools.config["db_name"]).cursor() as cr:
        cr.execute("SELECT name FROM ir_module_module WHERE state = 'installed'")
        return {name for (name,) in cr.fetchall()}


def _addons_needed(item):
    cls = getattr(item, "cls", None)
    needed = set()
    if cls is not None and hasattr(cls, "test_module"):
        needed |= {cls.test_module, *getattr(cls, "requires_addons", ())}
    needed |= set(getattr(getattr(item, "obj", None), "requires_addons", ()))
    return needed


def pytest_collection_modifyitems(config, items):
    if not config.getoption("--odoo-database", default=None):
        return
    installed = None
    for item in items:
        needed = _addons_needed(item)
        if not needed:
            continue
        if installed is None:
            installed = _installed_addons()
        missing = sorted(needed - installed)
        if missing:
            item.add_marker(pytest.mark.skip(reason=f"needs {', '.join(missing)} (not installed)"))
