"""Reads of 辍学预警, each through the data scope (``student_q``): risks, a class's pupils, a pupil's detail, the
follow-ups due; and the county figures without personal data (``risk_summary``, the model record)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, Max, Q, QuerySet

from jiaoyun.core.choices import Role, ScopeLevel, Section
from jiaoyun.core.scope import class_q, scope_for, student_q
from jiaoyun.core.types import User
from jiaoyun.warning.models import Followup, FollowupStatus, ModelVersion, RiskScore

# Who may see the sensitive factors (脱贫/监测户, 孤儿/事实无人抚养, 残疾) of a pupil: those who act on them in their
# duties — the bureau's 基础教育股 (资助, 特殊教育) and county administrator, the township's 中心校 and government
# staff, the principal. A class teacher, a village cadre and county leaders read "家庭情况需关注" (docs/warning.md:
# 个人信息保护法 §28, §31 — minors' and sensitive personal information, the minimum needed).
SENSITIVE_ROLES = (Role.COUNTY_ADMIN, Role.TOWNSHIP_OFFICER, Role.TOWNSHIP_GOV, Role.PRINCIPAL)


def may_view(user: User) -> bool:
    """辍学预警 pages: the county, a township, a school and a class teacher (not village cadres: no class view)."""
    return scope_for(user).level in (ScopeLevel.COUNTY, ScopeLevel.TOWNSHIP, ScopeLevel.SCHOOL, ScopeLevel.CLASS)


def may_see_sensitive(user: User) -> bool:
    role = getattr(user, "role", None)
    return role in SENSITIVE_ROLES or (role == Role.BUREAU_STAFF and getattr(user, "section", "") == Section.BASIC)


def latest_day(on: dt.date | None = None) -> dt.date | None:
    rows = RiskScore.objects.all() if on is None else RiskScore.objects.filter(on__lte=on)
    return rows.aggregate(d=Max("on"))["d"]


def scores(*, user: User, on: dt.date, flagged: bool = True) -> QuerySet[RiskScore]:
    rows = RiskScore.objects.filter(student_q(user, prefix="student__"), on=on)
    if flagged:
        rows = rows.filter(flagged=True)
    return rows.select_related("student", "school", "school_class", "township").order_by("rank")


def class_get(*, user: User, class_id: int) -> Any:
    from jiaoyun.schools.models import SchoolClass

    return SchoolClass.objects.filter(class_q(user), pk=class_id).select_related("school").first()


def class_scores(*, user: User, school_class: Any, on: dt.date) -> QuerySet[RiskScore]:
    """The class's pupils on the watch list of ``on`` (flagged first), within the user's scope."""
    return (
        RiskScore.objects.filter(student_q(user, prefix="student__"), on=on, school_class=school_class)
        .select_related("student")
        .order_by("-flagged", "rank")
    )


def my_classes(*, user: User) -> list[Any]:
    from jiaoyun.schools.models import SchoolClass

    scope = scope_for(user)
    if not scope.class_ids:
        return []
    return list(SchoolClass.objects.filter(pk__in=scope.class_ids).select_related("school").order_by("grade", "number"))


def student_get(*, user: User, student_id: int) -> Any:
    from jiaoyun.people.models import Student

    return (
        Student.objects.filter(student_q(user), pk=student_id).select_related("current_school", "current_class").first()
    )


def student_scores(*, student: Any) -> list[RiskScore]:
    """The pupil's risk on every scoring day (the trend), latest first. The caller has checked the scope."""
    return list(RiskScore.objects.filter(student=student).select_related("model").order_by("-on")[:12])


def student_followups(*, student: Any) -> list[Followup]:
    return list(Followup.objects.filter(student=student).order_by("-opened_on", "-id"))


def followup_get(*, user: User, pk: int) -> Followup | None:
    return Followup.objects.filter(student_q(user, prefix="student__"), pk=pk).select_related("student").first()


def score_get(*, user: User, pk: int) -> RiskScore | None:
    return RiskScore.objects.filter(student_q(user, prefix="student__"), pk=pk).select_related("student").first()


def followups_open(*, user: User) -> QuerySet[Followup]:
    """Open follow-ups in scope, the earliest deadline first (a class teacher: those of their classes)."""
    rows = Followup.objects.filter(student_q(user, prefix="student__"), status=FollowupStatus.OPEN)
    return rows.select_related("student", "school_class").order_by("deadline", "id")


def township_counts(*, user: User, on: dt.date) -> list[dict[str, Any]]:
    """Flagged pupils and open follow-ups by township, in scope (one grouped query each)."""
    flagged = dict(
        RiskScore.objects.filter(student_q(user, prefix="student__"), on=on, flagged=True)
        .values("township__name")
        .annotate(n=Count("id"))
        .values_list("township__name", "n")
    )
    open_ = dict(
        Followup.objects.filter(student_q(user, prefix="student__"), status=FollowupStatus.OPEN)
        .values("township__name")
        .annotate(n=Count("id"))
        .values_list("township__name", "n")
    )
    names = sorted(set(flagged) | set(open_), key=lambda n: -flagged.get(n, 0))
    return [{"township": n or "—", "flagged": flagged.get(n, 0), "open": open_.get(n, 0)} for n in names]


def feedback_counts(*, user: User) -> dict[str, int]:
    rows = Followup.objects.filter(student_q(user, prefix="student__")).values("status").annotate(n=Count("id"))
    return {r["status"]: r["n"] for r in rows}


def versions() -> list[ModelVersion]:
    """Model versions (no personal data: numbers and dates only), newest first."""
    return list(ModelVersion.objects.defer("params").order_by("-trained_at", "-id")[:20])


def version_in_use() -> ModelVersion | None:
    return ModelVersion.objects.filter(in_use=True).first()


def risk_summary(*, on: dt.date) -> dict[int, int]:
    """Township id → pupils flagged on the latest scoring day on or before ``on`` (the contract of the bulletin,
    the 大屏 and the assessment; counts only)."""
    day = latest_day(on)
    if day is None:
        return {}
    rows = (
        RiskScore.objects.filter(on=day, flagged=True, township__isnull=False)
        .values("township_id")
        .annotate(n=Count("id"))
        .values_list("township_id", "n")
    )
    return {int(t): int(n) for t, n in rows}


def followup_figures(*, month_start: dt.date, month_end: dt.date) -> dict[str, int]:
    """County counts of follow-ups opened and answered in a month (for the bulletin; no personal data)."""
    agg = Followup.objects.aggregate(
        opened=Count("id", filter=Q(opened_on__gte=month_start, opened_on__lte=month_end)),
        answered=Count("id", filter=Q(feedback_on__gte=month_start, feedback_on__lte=month_end)),
        false_alarm=Count(
            "id", filter=Q(feedback_on__gte=month_start, feedback_on__lte=month_end, status=FollowupStatus.FALSE_ALARM)
        ),  # fmt: skip
        overdue=Count("id", filter=Q(status=FollowupStatus.OPEN, deadline__lte=month_end)),
    )
    return {k: int(v or 0) for k, v in agg.items()}
