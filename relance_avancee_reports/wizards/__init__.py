# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from . import relance_aged_balance_report
from . import relance_aged_balance_line
from . import relance_kpi_dashboard
from . import relance_kpi_effect_line
from . import relance_kpi_bucket_line
from . import relance_kpi_late_line
from . import relance_kpi_collect_line
from . import relance_payment_terms_report
from . import relance_payment_terms_line
