"""The counts other pages show of the 控辍保学 module, one function per figure (docs/figures.md, ADR 0031).

The home page, the dashboard, the ledgers and the bulletin call these (or the ``Q`` they are built on) instead
of counting on their own, so two pages showing the same figure show the same number.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from jiaoyun.core.scope import figures_scope, student_q
from jiaoyun.core.types import User
from jiaoyun.dropout.filters import overdue_q, still_out_q
from jiaoyun.dropout.selectors.cases import cases_in_scope
from jiaoyun.people.choices import StudentStatus
from jiaoyun.people.models import Student

# The labels the pages print with each figure (what it counts, for which day or period).
CURRENT_DROPOUTS_LABEL = "截至{on}仍未返校的辍学（失学）儿童"
CURRENT_DROPOUTS_DEFINITION = "控辍保学台账中已核实确认辍学或失学、截至该日尚未复学或安置的义务教育阶段儿童（按案件计）"
DROPPED_STATUS_LABEL = "学籍状态为“辍学”的学生"
DROPPED_STATUS_DEFINITION = (
    "今日学籍状态为辍学的学生，全部学段、不限年龄，含历年辍学至今未复学者（学籍口径，非控辍保学台账）"
)


def current_dropouts_count(*, user: User, on: dt.date | None = None) -> int:
    """Current dropouts (仍未返校) in the user's scope on ``on`` (default today): ``dropout.filters.still_out_q``.

    The home page's 辍学 figure for a role that follows 控辍保学 should call this one."""
    return cases_in_scope(figures_scope(user)).filter(still_out_q(on or timezone.localdate())).count()


def overdue_cases_count(*, user: User, on: dt.date | None = None) -> int:
    """Cases in 劝返 with at least one step past its deadline on ``on`` (the dashboard card, ledger ``overdue=1``)."""
    return (
        cases_in_scope(figures_scope(user))
        .filter(overdue_q(on or timezone.localdate()))
        .values("id")
        .distinct()
        .count()
    )


def dropped_status_count(*, user: User) -> int:
    """Students in scope whose 学籍 status is 辍学 today, at any level and age (a registry figure, see
    ``DROPPED_STATUS_DEFINITION``); ``people:students?status=dropped_out`` lists them."""
    return Student.objects.filter(student_q(figures_scope(user)), status=StudentStatus.DROPPED_OUT).count()
