"""控辍保学 待办 for the home pages: today's absences of a class, the cases with their next step and its deadline,
and the schools' monthly reports not yet submitted. Every read goes through the case scope (``case_q``) or the
data scope; each function takes a fixed number of queries whatever the number of cases."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from django.db.models import Count, DateField, Exists, F, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone

from jiaoyun.core.scope import Scope, figures_scope, school_q, scope_for
from jiaoyun.core.todo import TodoItem, names, with_query
from jiaoyun.core.types import User
from jiaoyun.dropout.choices import AbsenceKind, CaseStatus, Stage
from jiaoyun.dropout.models import Absence, CaseStep, DropoutCase, ReturnAttempt, SchoolMonthlyReport
from jiaoyun.dropout.permissions import case_q
from jiaoyun.dropout.selectors.reports import REPORTING_KINDS

MODULE = "控辍保学"
# The cases a home page lists one by one (the rest are counted and linked to the ledger).
CASE_LIMIT = 8
# 学校一月一报告: the report of a month is due by this day of the next month.
REPORT_DUE_DAY = 5
# Cases whose next step is the user's to do (the rest of the ledger needs no action from a home page).
ACTIVE = (CaseStatus.PENDING, CaseStatus.VERIFIED, CaseStatus.RETURNING, CaseStatus.OBSERVING)


def _open_steps() -> QuerySet[CaseStep]:
    return CaseStep.objects.filter(case=OuterRef("pk"), completed_on__isnull=True, skipped=False).order_by(
        "-round", "-stage"
    )


def active_cases(user: User) -> QuerySet[DropoutCase]:
    """The cases in scope that wait for a next step, each with its open 四步法 step, that step's deadline and the
    date of the latest visit; ordered by deadline (the earliest, so the overdue, first)."""
    steps = _open_steps()
    latest_visit = ReturnAttempt.objects.filter(case=OuterRef("pk")).order_by("-date").values("date")[:1]
    return (
        DropoutCase.objects.filter(case_q(user), status__in=ACTIVE)
        .annotate(
            step_stage=Subquery(steps.values("stage")[:1], output_field=IntegerField()),
            step_deadline=Subquery(steps.values("deadline")[:1], output_field=DateField()),
            last_visit=Subquery(latest_visit, output_field=DateField()),
        )
        .annotate(due=Coalesce(F("step_deadline"), F("observe_until")))
        .select_related("student", "village", "school_class")
        .order_by(F("due").asc(nulls_last=True), "detected_on", "id")
    )


def next_step(case: Any, today: dt.date) -> tuple[str, dt.date | None, str]:
    """The next thing to do on a case: (title, deadline, note)."""
    visited = (
        f"最近一次劝返/回访：{case.last_visit.month}月{case.last_visit.day}日" if case.last_visit else "尚无劝返记录"
    )
    if case.status == CaseStatus.PENDING:
        return "核实疑似辍学（入户核实）", None, f"{case.detected_on.month}月{case.detected_on.day}日发现"
    if case.status == CaseStatus.VERIFIED:
        return "启动劝返", None, "已核实辍学，尚未开始劝返"
    if case.status == CaseStatus.OBSERVING:
        if case.observe_until and case.observe_until < today:
            return "巩固观察期满，办理销号", case.observe_until, visited
        return "复学后回访（巩固观察）", case.observe_until, visited
    if case.step_stage:
        label = Stage(case.step_stage).label
        title = (
            f"上门家访劝返（{label}）" if case.step_stage == Stage.EDUCATION else f"劝返第{case.step_stage}步：{label}"
        )
        return title, case.step_deadline, visited
    return "记录劝返进展", None, visited


def case_items(user: User, today: dt.date, *, limit: int = CASE_LIMIT) -> list[TodoItem]:
    """One item per case waiting for its next step (the ``limit`` with the earliest deadlines), and a count of the
    rest linking to the ledger."""
    total = DropoutCase.objects.filter(case_q(user), status__in=ACTIVE).count()
    cases = list(active_cases(user)[:limit]) if total else []
    items = []
    for case in cases:
        title, deadline, note = next_step(case, today)
        where = case.village.name if case.village else (str(case.school_class) if case.school_class else "")
        subject = f"{case.student.name}（{where}）" if where else case.student.name
        items.append(TodoItem(key=f"dropout.case.{case.status}", title=title, subject=subject, deadline=deadline,
                              url=reverse("dropout:case", args=[case.pk]), module=MODULE, note=note,
                              today=today))  # fmt: skip
    if total > limit:
        items.append(TodoItem(key="dropout.more", title="其余待办案件", count=total - limit, module=MODULE,
                              url=reverse("dropout:ledger", args=["all"]), today=today, order=1))  # fmt: skip
    return items


def overdue_count(user: User | Scope, today: dt.date) -> TodoItem | None:
    """The cases in 劝返 with an open step past its deadline (the dashboard's 逾期 card), as one item."""
    overdue = CaseStep.objects.filter(case=OuterRef("pk"), completed_on__isnull=True, skipped=False, deadline__lt=today)
    n = DropoutCase.objects.filter(case_q(user), Exists(overdue), status=CaseStatus.RETURNING).count()
    if not n:
        return None
    return TodoItem(key="dropout.overdue", title="劝返步骤逾期的案件", count=n, module=MODULE,
                    url=with_query(reverse("dropout:ledger", args=["all"]), overdue=1),
                    note="逾期步骤将逐级上报", today=today, order=-1)  # fmt: skip


def absence_items(user: User, today: dt.date) -> list[TodoItem]:
    """A class teacher's classes today: who is absent (one item per class), or — on a school day with nothing
    entered yet for the class — the entry itself ("登记今日缺勤")."""
    from jiaoyun.schools.models import SchoolClass

    scope = scope_for(user)
    if not scope.class_ids:
        return []
    classes = list(SchoolClass.objects.filter(pk__in=scope.class_ids).order_by("grade", "number"))
    absent: dict[int, list[Any]] = defaultdict(list)
    rows = (
        Absence.objects.filter(date=today, student__current_class_id__in=scope.class_ids)
        .values("student__current_class_id", "student__name", "kind")
        .order_by("student__name")
    )
    for row in rows:
        absent[row["student__current_class_id"]].append(row)
    entry = reverse("dropout:absences")
    items = []
    for klass in classes:
        url = with_query(entry, school=klass.school_id, klass=klass.pk, date=today.isoformat())
        listed = absent.get(klass.pk, [])
        if listed:
            unexcused = sum(1 for r in listed if r["kind"] == AbsenceKind.UNEXCUSED)
            note = f"其中无故缺勤{unexcused}人，请当天联系家长" if unexcused else "均已请假"
            items.append(TodoItem(key="dropout.absent_today", title=f"{klass}今日缺勤", count=len(listed),
                                  subject=names(r["student__name"] for r in listed), url=url, module=MODULE,
                                  note=note, today=today, order=-1))  # fmt: skip
        elif today.weekday() < 5:
            items.append(TodoItem(key="dropout.absence_entry", title="登记今日缺勤", subject=str(klass), url=url,
                                  deadline=today, module=MODULE, note="今日尚未登记本班缺勤；全班到校则无需登记",
                                  today=today, order=-1))  # fmt: skip
    return items


def previous_month(today: dt.date) -> dt.date:
    return (today.replace(day=1) - dt.timedelta(days=1)).replace(day=1)


def report_items(user: User, today: dt.date) -> list[TodoItem]:
    """学校一月一报告: the schools in scope without their report of the previous month (due on the
    ``REPORT_DUE_DAY`` of this month)."""
    from jiaoyun.schools.models import School

    month = previous_month(today)
    missing = list(
        School.objects.filter(school_q(user), is_active=True, kind__in=REPORTING_KINDS)
        .exclude(Exists(SchoolMonthlyReport.objects.filter(school=OuterRef("pk"), month=month)))
        .order_by("code")
        .values_list("name", flat=True)
    )
    if not missing:
        return []
    due = today.replace(day=REPORT_DUE_DAY)
    return [TodoItem(key="dropout.monthly_report", title=f"{month.month}月控辍保学月报告未提交", count=len(missing),
                     subject=names(missing, limit=3, unit="所"), deadline=due, module=MODULE,
                     url=with_query(reverse("dropout:reports"), month=f"{month:%Y-%m}"), today=today)]  # fmt: skip


def school_figures(user: User) -> dict[str, int]:
    """A principal's figures of the cases: open (待核实/已核实/劝返中) and back in school (复学/安置/观察)."""
    counts = DropoutCase.objects.filter(case_q(user)).aggregate(
        open=Count("id", filter=Q(status__in=(CaseStatus.PENDING, CaseStatus.VERIFIED, CaseStatus.RETURNING))),
        back=Count("id", filter=Q(status__in=(CaseStatus.RETURNED, CaseStatus.PLACED, CaseStatus.OBSERVING))),
    )
    return {"open": counts["open"], "back": counts["back"]}


# ---------------------------------------------------------------- per role


def class_teacher(*, user: User, today: dt.date | None = None) -> list[TodoItem]:
    today = today or timezone.localdate()
    return absence_items(user, today) + case_items(user, today)


def village(*, user: User, today: dt.date | None = None) -> list[TodoItem]:
    today = today or timezone.localdate()
    return case_items(user, today)


def township(*, user: User, today: dt.date | None = None) -> list[TodoItem]:
    today = today or timezone.localdate()
    overdue = overdue_count(user, today)
    return ([overdue] if overdue else []) + case_items(user, today) + report_items(user, today)


def principal(*, user: User, today: dt.date | None = None) -> list[TodoItem]:
    today = today or timezone.localdate()
    return case_items(user, today, limit=5) + report_items(user, today)


def county(*, user: User, today: dt.date | None = None) -> list[TodoItem]:
    """基础教育股: the county's cases by deadline, the overdue ones counted, the reports missing."""
    today = today or timezone.localdate()
    overdue = overdue_count(user, today)
    return ([overdue] if overdue else []) + case_items(user, today) + report_items(user, today)


def strip(*, user: User, today: dt.date | None = None) -> list[TodoItem]:
    """The county view's compact strip: the overdue cases and the suspected cases waiting to be verified."""
    today = today or timezone.localdate()
    items = []
    # The strip's counts are county figures: a county leader counts the whole county (ADR 0037).
    who: User | Scope = figures_scope(user) if scope_for(user).linked_school_ids is not None else user
    overdue = overdue_count(who, today)
    if overdue:
        items.append(overdue)
    pending = DropoutCase.objects.filter(case_q(who), status=CaseStatus.PENDING).count()
    if pending:
        items.append(TodoItem(key="dropout.pending", title="疑似辍学待核实", count=pending, module=MODULE,
                              url=reverse("dropout:ledger", args=["suspected"]), today=today))  # fmt: skip
    return items
