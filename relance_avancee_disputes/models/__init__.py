from . import (
    account_move,
    relance_dispute,
    relance_dispute_reason,
    relance_dispute_route,
    relance_dispute_team,
    relance_history,
    res_partner,
)
