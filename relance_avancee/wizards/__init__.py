# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from . import relance_block_override
from . import relance_block_partner
from . import relance_call_outcome
from . import relance_call_outcome_einvoice
from . import relance_exclusion
from . import relance_penalty_waive
from . import relance_send_manual
from . import relance_typology_proposal
from . import relance_commercial_lead
from . import relance_einvoice_import
from . import relance_einvoice_export
from . import base_partner_merge
