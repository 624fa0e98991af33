# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Helpers for the passes over a whole ledger (the daily run's decisions, the aged
balance)."""

import gc
from contextlib import contextmanager

from odoo.tools import SQL


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


# Up to this many records, ``column_values`` asks the ORM (whose cache usually holds
# them already: no statement); beyond, one statement costs less than reading each record.
ORM_READ_MAX = 100


def column_values(records, fnames):
    """{record id: (value, ...)} of these stored fields of ``records``, as plain values:
    a many2one as an id, nothing as None (a boolean: True or False).

    For passes over thousands of records that read a few fields of each: through the
    ORM, every read of a record's field costs more than the work done with it, so they
    are read in one statement (pending writes flushed first). Up to ``ORM_READ_MAX``
    records (a customer's invoices, action by action), the ORM's values, read from its
    cache. The caller already holds ``records`` (found with its rights): nothing else is
    read.
    """
    if not records:
        return {}
    fields = [records._fields[fname] for fname in fnames]
    if len(records) <= ORM_READ_MAX:
        # These fields of these records only: a record of a large recordset would read
        # every column of a thousand others along.
        records.fetch(list(fnames))
        return {
            record.id: tuple(_plain(field, record[field.name]) for field in fields)
            for record in records
        }
    records.flush_recordset(list(fnames))
    records.env.cr.execute(
        SQL(
            "SELECT id, %s FROM %s WHERE id = ANY(%s)",
            SQL(", ").join(_column(field) for field in fields),
            SQL.identifier(records._table),
            list(records._ids),
        )
    )
    return {row[0]: row[1:] for row in records.env.cr.fetchall()}


def _column(field):
    """The column of ``field`` as ``column_values`` gives it (a boolean never null)."""
    if field.type == "boolean":
        return SQL("COALESCE(%s, FALSE)", SQL.identifier(field.name))
    return SQL.identifier(field.name)


def _plain(field, value):
    """The ORM's ``value`` of ``field`` as ``column_values`` gives it."""
    if field.type == "many2one":
        return value.id or None
    if field.type == "boolean":
        return value
    return None if value is False else value


class RecordsById(dict):
    """{id: record} of one model, each record browsed once, when first asked (the
    currencies and companies of thousands of amounts read by ``column_values``)."""

    def __init__(self, model):
        super().__init__()
        self._model = model

    def __missing__(self, record_id):
        record = self[record_id] = self._model.browse(record_id)
        return record
