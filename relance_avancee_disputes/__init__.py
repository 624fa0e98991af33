# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from . import controllers
from . import models
from . import wizards


def uninstall_hook(env):
    """The analysis of why customers pay late stays, without the disputes."""
    env["relance.late.payment.analysis"]._relance_drop_disputes()
