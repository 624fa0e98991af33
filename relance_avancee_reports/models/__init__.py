# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from . import res_company
from . import res_config_settings
from . import relance_aged_balance
from . import relance_kpi
from . import relance_litigation
from . import account_move
from . import relance_payment_terms_table
