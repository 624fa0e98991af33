# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Helpers for the passes over a whole ledger (the daily run's decisions)."""

import gc
from contextlib import contextmanager


@contextmanager
def collector_paused():
    """Pause Python's cyclic garbage collector during a pass over tens of thousands of
    records.

    Such a pass allocates many short-lived objects (records, tuples, dicts), which
    reference counting frees; but each allocation burst also triggers the cyclic
    collector, whose full passes walk every object alive, the whole ORM cache
    included: measured, a quarter of the decisions' time at 20,000 invoices. The
    collector runs again at the end, as it was, if nobody else paused it meanwhile.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
