"""Reads of 辍学预警, each through the data scope (``student_q``): risks, a class's pupils, a pupil's detail, the
follow-ups due; and the county figures without personal data (``risk_summary``, the model record)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.db.models import Case, Count, IntegerField, Max, Q, QuerySet, Value, When
from django.utils import timezone

from jiaoyun.core.choices import Role, ScopeLevel, Section
from jiaoyun.core.scope import Scope, class_q, scope_for, student_q
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


# ---------------------------------------------------------------- the 控辍保学 ledger of preventive follow-ups
# (ADR 0047: the follow-ups stay in this app, written only by ``warning.services``; the dropout module lists,
# exports and counts them through the selectors below.)


def followup_q(user: User | Scope, prefix: str = "") -> Q:
    """Follow-ups ``user`` sees in the 控辍保学 ledger, as the cases (``dropout.permissions.case_q``): the children
    within the data scope (a village cadre: those of the village, a class teacher: of their classes), the
    follow-ups of a class teacher's classes and of a leader's linked schools (the child may have left them), and
    those naming the user as the one responsible."""
    scope = user if isinstance(user, Scope) else scope_for(user)
    if scope.sees_all_people:
        return Q()
    q = student_q(scope, prefix=f"{prefix}student__")
    if scope.linked_school_ids:
        q |= Q(**{f"{prefix}school_id__in": list(scope.linked_school_ids)})
    if scope.class_ids:
        q |= Q(**{f"{prefix}school_class_id__in": list(scope.class_ids)})
    user_id = getattr(user, "pk", None)
    if user_id is not None and getattr(user, "is_authenticated", False):
        q |= Q(**{f"{prefix}responsible_user_id": user_id}) | Q(**{f"{prefix}responsible__user_id": user_id})
    return q


LEDGER_DUE = {"overdue": "已逾期", "soon": "7天内到期"}


def followup_ledger(*, user: User, filters: Mapping[str, Any] | None = None,
                    today: dt.date | None = None) -> QuerySet[Followup]:  # fmt: skip
    """The 预防性跟进台账 of 控辍保学: every follow-up in the user's scope (open first, then by deadline), narrowed
    by ``q`` (name), ``township``, ``school``, ``status``, ``due`` (overdue / soon: of the open ones),
    ``opened_from``/``opened_to`` (YYYY-MM-DD)."""
    today = today or timezone.localdate()
    qs = Followup.objects.filter(followup_q(user)).select_related(
        "student", "township", "school", "school_class", "case"
    )
    f = filters or {}
    name = str(f.get("q") or "").strip()
    if name:
        qs = qs.filter(student__name__contains=name[:50])
    for key in ("township", "school"):
        value = str(f.get(key) or "")
        if value.isdigit():
            qs = qs.filter(**{f"{key}_id": int(value)})
    status = str(f.get("status") or "")
    if status in FollowupStatus.values:
        qs = qs.filter(status=status)
    due = str(f.get("due") or "")
    if due == "overdue":
        qs = qs.filter(status=FollowupStatus.OPEN, deadline__lt=today)
    elif due == "soon":
        qs = qs.filter(status=FollowupStatus.OPEN, deadline__gte=today, deadline__lte=today + dt.timedelta(days=7))
    for key, lookup in (("opened_from", "opened_on__gte"), ("opened_to", "opened_on__lte")):
        try:
            day = dt.date.fromisoformat(str(f.get(key) or ""))
        except ValueError:
            continue
        qs = qs.filter(**{lookup: day})
    open_first = Case(When(status=FollowupStatus.OPEN, then=Value(0)), default=Value(1), output_field=IntegerField())
    return qs.annotate(open_first=open_first).order_by("open_first", "deadline", "id")


def followup_get_for_case(*, user: User, pk: int) -> Followup | None:
    """A follow-up of the ledger (in the ledger's scope), for opening a case from it."""
    return Followup.objects.filter(followup_q(user), pk=pk).select_related("student").first()


def followups_of_case(*, case_id: int) -> list[Followup]:
    """The follow-ups a case was opened from (the case page's link back; the caller has checked the case)."""
    return list(Followup.objects.filter(case_id=case_id).order_by("opened_on", "id"))


def followup_bulletin_figures(*, month_start: dt.date, month_end: dt.date) -> dict[str, Any]:
    """The month's preventive follow-ups, county totals and by township (one grouped query; counts only):

    * ``opened``: opened in the month;
    * ``visited`` / ``resolved`` / ``false_alarm`` / ``left``: whose latest feedback, dated in the month, was
      已家访 / 已解决 / 误报 / 已离校 (转入案件);
    * ``overdue``: opened by the month's end, past their deadline on the last day, and not answered by then."""
    in_month = Q(feedback_on__gte=month_start, feedback_on__lte=month_end)
    not_answered = Q(feedback_on__isnull=True) | Q(feedback_on__gt=month_end)
    rows = (
        Followup.objects.values("township_id", "township__name", "township__sort")
        .annotate(
            opened=Count("id", filter=Q(opened_on__gte=month_start, opened_on__lte=month_end)),
            visited=Count("id", filter=in_month & Q(status=FollowupStatus.VISITED)),
            resolved=Count("id", filter=in_month & Q(status=FollowupStatus.RESOLVED)),
            false_alarm=Count("id", filter=in_month & Q(status=FollowupStatus.FALSE_ALARM)),
            left=Count("id", filter=in_month & Q(status=FollowupStatus.LEFT)),
            overdue=Count("id", filter=Q(opened_on__lte=month_end, deadline__lt=month_end) & not_answered),
        )
        .order_by("township__sort", "township__name")
    )
    keys = ("opened", "visited", "resolved", "false_alarm", "left", "overdue")
    townships = [
        {"township_id": r["township_id"], "name": r["township__name"] or "（未定乡镇）", **{k: int(r[k]) for k in keys}}
        for r in rows
        if any(r[k] for k in keys)
    ]
    return {"totals": {k: sum(t[k] for t in townships) for k in keys}, "townships": townships}
