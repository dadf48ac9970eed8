"""Every read of the 控辍保学 module, filtered by the requesting user's scope."""

from jiaoyun.dropout.choices import LEDGERS
from jiaoyun.dropout.filters import group_q
from jiaoyun.dropout.selectors.cases import (
    Timeline,
    alert_list,
    case_get,
    case_list,
    case_timeline,
    case_todo,
    document_get,
    evidence_get,
    ledger_children,
    match_runs,
)
from jiaoyun.dropout.selectors.dashboard import dashboard
from jiaoyun.dropout.selectors.figures import current_dropouts_count, dropped_status_count, overdue_cases_count
from jiaoyun.dropout.selectors.reports import (
    REPORTING_KINDS,
    bulletin_get,
    bulletin_list,
    monthly_report_list,
    monthly_report_missing,
    review_list,
)
from jiaoyun.dropout.selectors.roster import (
    absence_list,
    class_students,
    filter_places,
    hukou_batches,
    hukou_list,
    responsible_list,
    responsible_place_get,
    responsible_places,
)

__all__ = [
    "LEDGERS",
    "REPORTING_KINDS",
    "Timeline",
    "absence_list",
    "alert_list",
    "bulletin_get",
    "bulletin_list",
    "case_get",
    "case_list",
    "case_timeline",
    "case_todo",
    "class_students",
    "current_dropouts_count",
    "dashboard",
    "document_get",
    "dropped_status_count",
    "evidence_get",
    "filter_places",
    "group_q",
    "hukou_batches",
    "hukou_list",
    "ledger_children",
    "match_runs",
    "monthly_report_list",
    "monthly_report_missing",
    "overdue_cases_count",
    "responsible_list",
    "responsible_place_get",
    "responsible_places",
    "review_list",
]
