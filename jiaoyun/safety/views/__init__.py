"""Pages of the safety module, one module per part: thin views over selectors and services.

The views of each page are re-exported here for ``safety/urls.py``.
"""

from jiaoyun.safety.views.canteens import canteen
from jiaoyun.safety.views.dashboard import bulletin, compliance, dashboard, rules
from jiaoyun.safety.views.devices import alert_ack, devices
from jiaoyun.safety.views.hazards import hazard, hazard_file, hazards
from jiaoyun.safety.views.inspections import inspection, inspection_new, inspections
from jiaoyun.safety.views.schools import school
from jiaoyun.safety.views.surroundings import risks

__all__ = [
    "alert_ack",
    "bulletin",
    "canteen",
    "compliance",
    "dashboard",
    "devices",
    "hazard",
    "hazard_file",
    "hazards",
    "inspection",
    "inspection_new",
    "inspections",
    "risks",
    "rules",
    "school",
]
