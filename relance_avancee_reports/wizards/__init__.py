from . import relance_aged_balance_report
from . import relance_aged_balance_line
from . import relance_kpi_dashboard
from . import relance_kpi_effect_line
from . import relance_kpi_bucket_line
from . import relance_kpi_late_line
