from . import account_move_reversal
from . import relance_call_outcome
