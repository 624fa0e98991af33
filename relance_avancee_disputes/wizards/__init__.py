from . import relance_call_outcome
