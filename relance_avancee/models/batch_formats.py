# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Date and amount formatting for templates rendered for many records at once."""

import ast

from odoo.tools.misc import get_lang

from odoo.addons.base.models.res_lang import intersperse

NBSP = "\N{NO-BREAK SPACE}"
# Odoo keeps a minus sign glued to its number in emails.
GLUED_MINUS = "-\N{ZERO WIDTH NO-BREAK SPACE}"


class BatchFormats:
    """``format_date`` and ``format_amount`` of mail templates, for one batch.

    They give the same strings as Odoo's helpers (a test compares them), but read
    the language settings once per batch instead of once per value: a reminder
    lists a dozen dates and amounts, and Odoo's lookup costs about 0.1 ms each.
    """

    def __init__(self, env, format_date):
        self.env = env
        self._format_date = format_date
        self._dates = {}
        self._langs = {}

    def format_date(self, date, date_format=False, lang_code=False):
        key = (date, date_format, lang_code)
        if key not in self._dates:
            self._dates[key] = self._format_date(date, date_format, lang_code)
        return self._dates[key]

    def format_amount(self, amount, currency, lang_code=False):
        thousands_sep, decimal_point, grouping = self._number_settings(lang_code)
        parts = f"{currency.round(amount):.{currency.decimal_places}f}".split(".")
        parts[0] = intersperse(parts[0], grouping, thousands_sep)[0]
        number = decimal_point.join(parts).replace(" ", NBSP).replace("-", GLUED_MINUS)
        symbol = currency.symbol or ""
        if currency.position == "before":
            return f"{symbol}{NBSP}{number}"
        return f"{number}{NBSP}{symbol}"

    def _number_settings(self, lang_code):
        if lang_code not in self._langs:
            lang = get_lang(self.env, lang_code)
            self._langs[lang_code] = (
                lang.thousands_sep or "",
                lang.decimal_point,
                ast.literal_eval(lang.grouping),
            )
        return self._langs[lang_code]
