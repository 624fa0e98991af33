# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""18.0.1.3.0: one message per customer and day.

Each action now lists its invoices at their own level (``relance.history.line``):
the actions written before get one line per invoice, at the action's level (they
were grouped by level). The reminder templates nobody customised get the new texts
(invoices overdue with their own stage, invoices falling due soon in their own
section): see ``migrations/template_refresh.py``.

Levels choose whether their emails carry the reminder as PDF (``attach_pdf``): new
email levels do not, but the existing ones keep attaching it, as before.
"""

import importlib.util
from pathlib import Path

_spec = importlib.util.spec_from_file_location(
    "relance_template_refresh", Path(__file__).parents[1] / "template_refresh.py"
)
template_refresh = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(template_refresh)

# Fingerprints of the texts shipped by 18.0.1.2.0 that 18.0.1.3.0 changes (the
# versions before it are in its own migration's SHIPPED; the preventive reminder, only
# invoices falling due soon, keeps its text).
SHIPPED_1_2 = {
    "mail_template_relance_courteous": {
        "f6c7cbf38514cb54761b587f38e27ea4adcb232f05ff3e7f7388baf9cf3e8d43",
    },
    "mail_template_relance_firm": {
        "3055cbe411e008ffe4934e1f17c45c325d1c5840fd75ab456d88cfc74d004690",
    },
    "mail_template_relance_formal_notice": {
        "0f26be33876ffa177ff9065d429569c65676a7a2b02078f2a58907e1d822aee9",
    },
    # The copy of invoices not received now asks the customer to confirm receipt.
    "mail_template_relance_duplicates": {
        "6af60fbcca0e0c581ebc7aeb810c35e860bd0129a9d79acc802151894a5aa3b4",
    },
}
# French texts of the copy shipped up to 18.0.1.2.0 (the reminders' French texts are
# in 18.0.1.2.0's SHIPPED_TRANSLATIONS).
SHIPPED_TRANSLATIONS_1_2 = {
    "mail_template_relance_duplicates": {
        "a7e7d69b11a01ae8b0e379d93c03d6208c9eb17f36c61b6f80b5ec495111e423",
    },
}


def shipped():
    """{template: fingerprints of every text shipped up to 18.0.1.2.0}, and the same
    for the French translations."""
    previous = template_refresh.load("18.0.1.2.0")
    return (
        _union(previous.SHIPPED, SHIPPED_1_2),
        _union(previous.SHIPPED_TRANSLATIONS, SHIPPED_TRANSLATIONS_1_2),
    )


def _union(earlier, later):
    return {name: earlier.get(name, set()) | later.get(name, set()) for name in earlier | later}


def add_history_lines(cr):
    """One line per invoice of each earlier action, at the action's level."""
    cr.execute(
        """
        INSERT INTO relance_history_line
               (history_id, move_id, level_id, company_id,
                create_uid, create_date, write_uid, write_date)
        SELECT rel.history_id, rel.move_id, h.level_id, h.company_id,
               1, now() AT TIME ZONE 'UTC', 1, now() AT TIME ZONE 'UTC'
          FROM relance_history_account_move_rel rel
          JOIN relance_history h ON h.id = rel.history_id
        ON CONFLICT (history_id, move_id) DO NOTHING
        """
    )


def keep_reminder_documents(cr):
    """Every email reminder carried its PDF before: the existing email levels, and the
    phone levels that email small amounts, keep doing so (nothing changes silently)."""
    cr.execute(
        """
        UPDATE relance_level
           SET attach_pdf = TRUE
         WHERE channel IN ('email', 'phone')
           AND attach_pdf IS NOT TRUE
        """
    )


def migrate(cr, version):
    add_history_lines(cr)
    keep_reminder_documents(cr)
    texts, translations = shipped()
    template_refresh.refresh(cr, texts, translations)
