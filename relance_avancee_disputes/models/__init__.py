# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from . import account_move
from . import relance_dispute
from . import relance_dispute_reason
from . import relance_dispute_route
from . import relance_dispute_team
from . import relance_einvoice_status
from . import relance_history
from . import res_partner
from . import res_partner_payer_score

# A database view over the models above: created once their columns exist.
from . import relance_late_payment_analysis
