from . import relance_block_override, relance_call_outcome, relance_exclusion, relance_send_manual
