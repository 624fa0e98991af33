# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from . import account_move_reversal
from . import relance_call_outcome
