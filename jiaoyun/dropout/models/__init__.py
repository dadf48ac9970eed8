"""控辍保学 models: rosters and responsibility (roster), cases (cases), reports and bulletins (reporting)."""

from jiaoyun.dropout.models.cases import (
    CaseAlert,
    CaseDocument,
    CaseEvent,
    CaseResponsible,
    CaseStep,
    DocumentSequence,
    DropoutCase,
    MatchHit,
    MatchRun,
    ReturnAttempt,
)
from jiaoyun.dropout.models.reporting import Bulletin, DropoutStat, QuarterlyReview, SchoolMonthlyReport
from jiaoyun.dropout.models.roster import Absence, ClassRegister, HukouRecord, ResponsiblePerson

__all__ = [
    "Absence",
    "Bulletin",
    "CaseAlert",
    "CaseDocument",
    "CaseEvent",
    "CaseResponsible",
    "CaseStep",
    "ClassRegister",
    "DocumentSequence",
    "DropoutCase",
    "DropoutStat",
    "HukouRecord",
    "MatchHit",
    "MatchRun",
    "QuarterlyReview",
    "ResponsiblePerson",
    "ReturnAttempt",
    "SchoolMonthlyReport",
]
