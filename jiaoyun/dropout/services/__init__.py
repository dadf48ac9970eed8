"""Every write of the 控辍保学 module."""

from jiaoyun.dropout.services.cases import (
    case_attempt_log,
    case_open,
    case_start_return,
    case_step_advance,
    case_verify,
)
from jiaoyun.dropout.services.deadlines import deadlines_check
from jiaoyun.dropout.services.documents import (
    case_document_issue,
    complaint_issue,
    court_application_issue,
    guardian_answer_record,
    penalty_decision_issue,
    penalty_notice_issue,
    reminder_issue,
)
from jiaoyun.dropout.services.matching import crossmatch_run
from jiaoyun.dropout.services.placement import case_close, case_no_return, case_observe_start, case_reopen, case_return
from jiaoyun.dropout.services.reporting import (
    bulletin_generate,
    monthly_report_submit,
    quarterly_review_mark,
    stats_refresh,
)
from jiaoyun.dropout.services.responsibility import responsible_assign, responsible_create, responsible_update
from jiaoyun.dropout.services.roster import Mark, absence_record, class_register_save, register_refusal

__all__ = [
    "Mark",
    "absence_record",
    "class_register_save",
    "register_refusal",
    "bulletin_generate",
    "case_attempt_log",
    "case_close",
    "case_document_issue",
    "case_no_return",
    "case_observe_start",
    "case_open",
    "case_reopen",
    "case_return",
    "case_start_return",
    "case_step_advance",
    "case_verify",
    "complaint_issue",
    "court_application_issue",
    "crossmatch_run",
    "deadlines_check",
    "guardian_answer_record",
    "monthly_report_submit",
    "penalty_decision_issue",
    "penalty_notice_issue",
    "quarterly_review_mark",
    "reminder_issue",
    "responsible_assign",
    "responsible_create",
    "responsible_update",
    "stats_refresh",
]
