"""Pages of the 控辍保学 module: thin — parse, call a selector or service, render."""

from jiaoyun.dropout.views.cases import (
    ACTIONS,
    case_action,
    case_detail,
    case_new,
    children,
    dashboard,
    document_pdf,
    evidence,
    ledger,
    run_job,
)
from jiaoyun.dropout.views.followups import followup_case, followups
from jiaoyun.dropout.views.hukou import hukou
from jiaoyun.dropout.views.people import absences, responsibles
from jiaoyun.dropout.views.reports import bulletin_file, bulletins, reports

__all__ = [
    "ACTIONS",
    "absences",
    "bulletin_file",
    "bulletins",
    "case_action",
    "case_detail",
    "case_new",
    "children",
    "dashboard",
    "document_pdf",
    "evidence",
    "followup_case",
    "followups",
    "hukou",
    "ledger",
    "reports",
    "responsibles",
    "run_job",
]
