from . import queue_job
from . import relance_run
from . import res_company
from . import res_config_settings
