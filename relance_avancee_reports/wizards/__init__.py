from . import relance_aged_balance_report
from . import relance_kpi_dashboard
