"""Every read of the 控辍保学 module, filtered by the requesting user's scope."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from jiaoyun.core.choices import ScopeLevel
from jiaoyun.core.scope import class_q, scope_for, student_q
from jiaoyun.dropout.choices import (
    CONFIRMED_STATUSES,
    LEVEL_LABELS,
    CaseStatus,
    Line,
    SpecialGroup,
)
from jiaoyun.dropout.models import (
    Absence,
    Bulletin,
    CaseAlert,
    DropoutCase,
    HukouRecord,
    MatchRun,
    QuarterlyReview,
    ResponsiblePerson,
    SchoolMonthlyReport,
)
from jiaoyun.dropout.permissions import case_q
from jiaoyun.people.choices import StudentStatus
from jiaoyun.people.models import Student

LEDGERS = {
    "suspected": ("疑似辍学/失学台账", (CaseStatus.PENDING,)),
    "dropouts": ("辍学学生台账", (*CONFIRMED_STATUSES, CaseStatus.NO_RETURN)),
    "all": ("全部案件", tuple(CaseStatus.values)),
}


def group_q(group: str, prefix: str = "") -> Q:
    """Special-group (重点人群) filter on a student (``prefix`` leads to Student)."""
    p = prefix
    if group == SpecialGroup.POVERTY:
        return ~Q(**{f"{p}poverty": ""})
    if group == SpecialGroup.ORPHAN:
        return ~Q(**{f"{p}orphan": ""})
    if group == SpecialGroup.DISABILITY:
        return ~Q(**{f"{p}disability": ""})
    if group == SpecialGroup.LEFT_BEHIND:
        return Q(**{f"{p}left_behind": True})
    if group == SpecialGroup.MIGRANT:
        return Q(**{f"{p}migrant": True})
    return Q()


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def case_list(
    *, user: Any, filters: Mapping[str, Any] | None = None, as_of: dt.date | None = None
) -> QuerySet[DropoutCase]:
    f = filters or {}
    qs = _cases(user).select_related("student", "township", "village", "school", "placement_school")
    ledger = str(f.get("ledger") or "all")
    if ledger in LEDGERS:
        qs = qs.filter(status__in=LEDGERS[ledger][1])
    if f.get("q"):
        qs = qs.filter(student__name__contains=str(f["q"]).strip())
    if t := _int(f.get("township")):
        qs = qs.filter(township_id=t)
    if v := _int(f.get("village")):
        qs = qs.filter(Q(village_id=v) | Q(student__residence_village_id=v))
    if s := _int(f.get("school")):
        qs = qs.filter(school_id=s)
    if f.get("reason") not in (None, "", "all"):
        qs = qs.filter(reason=f["reason"])
    if f.get("status"):
        qs = qs.filter(status=f["status"])
    if f.get("kind"):
        qs = qs.filter(kind=f["kind"])
    if f.get("group"):
        qs = qs.filter(group_q(str(f["group"]), "student__"))
    if f.get("stage"):
        qs = qs.filter(stage=_int(f["stage"]))
    if f.get("overdue") in ("1", "true", True):
        today = as_of or timezone.localdate()
        qs = qs.filter(
            status=CaseStatus.RETURNING,
            steps__completed_on__isnull=True,
            steps__skipped=False,
            steps__deadline__lt=today,
        ).distinct()
    return qs.order_by("-detected_on", "-id")


def case_todo(*, user: Any, limit: int = 10) -> list[DropoutCase]:
    """Open cases in scope needing action (待核实, 已核实, 劝返中), those with the oldest detection first."""
    qs = case_list(user=user).filter(status__in=(CaseStatus.PENDING, CaseStatus.VERIFIED, CaseStatus.RETURNING))
    return list(qs.order_by("detected_on", "id")[:limit])


def case_get(*, user: Any, case_id: int) -> DropoutCase:
    return case_list(user=user).get(pk=case_id)


@dataclass
class Timeline:
    case: DropoutCase
    events: list[Any]
    steps: list[Any]
    attempts: list[Any]
    documents: list[Any]
    responsibles: dict[str, list[tuple[str, Any]]]
    hits: list[Any]
    alerts: list[Any]
    overdue: list[Any] = field(default_factory=list)


def case_timeline(*, user: Any, case_id: int) -> Timeline:
    case = case_get(user=user, case_id=case_id)
    today = timezone.localdate()
    steps = list(case.steps.order_by("round", "stage"))
    named = {(r.line, r.level): r for r in case.responsibles.select_related("person")}
    responsibles: dict[str, list[tuple[str, Any]]] = {}
    for line in (Line.ADMIN, Line.EDUCATION):
        responsibles[str(Line(line).label)] = [
            (LEVEL_LABELS[(line, level)], named.get((line, level))) for level in (1, 2, 3, 4)
        ]
    return Timeline(
        case=case,
        events=list(case.events.order_by("at", "id")),
        steps=steps,
        attempts=list(case.attempts.select_related("recorded_by").order_by("-date", "-id")),
        documents=list(case.documents.defer("pdf").order_by("issued_on", "id")),
        responsibles=responsibles,
        hits=list(case.hits.select_related("hukou_record").order_by("rule")),
        alerts=list(case.alerts.order_by("-created_on", "level")),
        overdue=[s for s in steps if s.is_overdue(today)],
    )


def document_get(*, user: Any, document_id: int) -> Any:
    from jiaoyun.dropout.models import CaseDocument

    return CaseDocument.objects.filter(case__in=DropoutCase.objects.filter(case_q(user))).get(pk=document_id)


def evidence_get(*, user: Any, owner: str, pk: int) -> Any:
    """The record (a timeline event or a 劝返 attempt) holding an evidence file, if its case is in scope.

    Raises ``DoesNotExist`` for an unknown owner kind, a record outside the user's scope or one without a file.
    """
    from jiaoyun.dropout.models import CaseEvent, ReturnAttempt

    models: dict[str, Any] = {"event": CaseEvent, "attempt": ReturnAttempt}
    model = models.get(owner)
    if model is None:
        raise CaseEvent.DoesNotExist
    return (
        model.objects.filter(case__in=DropoutCase.objects.filter(case_q(user)))
        .exclude(evidence="")
        .select_related("case", "case__student")
        .get(pk=pk)
    )


def ledger_children(
    *, user: Any, filters: Mapping[str, Any] | None = None, as_of: dt.date | None = None
) -> QuerySet[Student]:
    """适龄儿童台账: every child of compulsory age known from 学籍 or the 户籍 roster, within scope."""
    f = filters or {}
    as_of = as_of or timezone.localdate()
    qs = (
        _children(user, as_of)
        .select_related("current_school", "hukou_village", "hukou_village__parent", "residence_village")
        .annotate(on_roster=Exists(HukouRecord.objects.filter(student=OuterRef("pk"))))
    )
    if f.get("q"):
        qs = qs.filter(name__contains=str(f["q"]).strip())
    if t := _int(f.get("township")):
        qs = qs.filter(
            Q(hukou_village__parent_id=t) | Q(residence_village__parent_id=t) | Q(current_school__township_id=t)
        )
    if v := _int(f.get("village")):
        qs = qs.filter(Q(hukou_village_id=v) | Q(residence_village_id=v))
    if s := _int(f.get("school")):
        qs = qs.filter(current_school_id=s)
    if f.get("status"):
        qs = qs.filter(status=f["status"])
    if f.get("group"):
        qs = qs.filter(group_q(str(f["group"])))
    return qs.order_by("hukou_village_id", "birth_date", "id")


def alert_list(*, user: Any, mine: bool = False) -> QuerySet[CaseAlert]:
    """Overdue alerts of open steps in scope (``mine``: addressed to the user as 包保责任人)."""
    qs = CaseAlert.objects.filter(
        case__in=DropoutCase.objects.filter(case_q(user)),
        step__completed_on__isnull=True,
        case__status=CaseStatus.RETURNING,
    ).select_related("case", "case__student", "step")
    if mine:
        qs = qs.filter(person__user_id=int(getattr(user, "pk", 0) or 0))
    return qs.order_by("-created_on", "level")


def _cases(user: Any) -> QuerySet[DropoutCase]:
    """The cases ``user`` sees: the one scope of the case lists, ledgers and statistics (``case_q``)."""
    return DropoutCase.objects.filter(case_q(user))


def _children(user: Any, as_of: dt.date) -> QuerySet[Student]:
    """The 适龄儿童 ``user`` sees: the one scope of the children ledger and its statistics (``student_q``)."""
    from jiaoyun.dropout.services.matching import compulsory_q

    return Student.objects.filter(student_q(user), compulsory_q(as_of)).exclude(status=StudentStatus.DECEASED)


def dashboard(*, user: Any, as_of: dt.date | None = None) -> dict[str, Any]:
    """Ledger counts and chart data, counted live from the same scoped querysets as the lists (``_cases``,
    ``_children``): a figure on the dashboard is the length of the list its card links to, for every user."""
    from django.db.models import Count
    from django.db.models.functions import TruncMonth

    as_of = as_of or timezone.localdate()
    cases = _cases(user).order_by()
    totals: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    by_township: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for r in _children(user, as_of).order_by().values("status").annotate(n=Count("id")):
        totals["ledger"][r["status"]] += r["n"]
    for r in cases.values("status", "township__name").annotate(n=Count("id")):
        totals["case"][r["status"]] += r["n"]
        by_township[r["township__name"] or "未定"][r["status"]] += r["n"]
    for r in cases.filter(status__in=CONFIRMED_STATUSES).values("reason").annotate(n=Count("id")):
        totals["reason"][r["reason"] or ""] += r["n"]
    for measure, qs, on in (
        ("new", cases.exclude(status=CaseStatus.DISMISSED), "detected_on"),
        ("returned", cases.filter(returned_on__isnull=False), "returned_on"),
    ):
        for r in qs.annotate(m=TruncMonth(on)).values("m").annotate(n=Count("id")):
            totals[measure][r["m"].strftime("%Y-%m")] += r["n"]
    # Cases with an overdue open step: the list behind the card (``case_list(overdue=1)``).
    overdue = (
        cases.filter(
            status=CaseStatus.RETURNING,
            steps__completed_on__isnull=True,
            steps__skipped=False,
            steps__deadline__lt=as_of,
        )  # fmt: skip
        .values("township__name")
        .annotate(n=Count("id", distinct=True))
    )
    for r in overdue:
        totals["overdue"][""] += r["n"]
        by_township[r["township__name"] or "未定"]["overdue"] += r["n"]
    case = totals["case"]
    cards = {
        "children": sum(totals["ledger"].values()),
        "not_enrolled": totals["ledger"].get(StudentStatus.NOT_ENROLLED, 0),
        "suspected": case.get(CaseStatus.PENDING, 0),
        "still_out": case.get(CaseStatus.VERIFIED, 0) + case.get(CaseStatus.RETURNING, 0),
        "returned": sum(case.get(s, 0) for s in (CaseStatus.RETURNED, CaseStatus.PLACED, CaseStatus.OBSERVING)),
        "closed": case.get(CaseStatus.CLOSED, 0),
        "no_return": case.get(CaseStatus.NO_RETURN, 0),
        "overdue": sum(totals["overdue"].values()),
    }
    from jiaoyun.dropout.choices import Reason

    names = sorted(by_township)
    out_statuses = (CaseStatus.PENDING, CaseStatus.VERIFIED, CaseStatus.RETURNING)
    township_chart = {
        "tooltip": {"trigger": "axis"},
        "legend": {"data": ["待核实", "未返校", "已复学/安置", "逾期步骤"]},
        "grid": {"left": 40, "right": 10, "bottom": 60},
        "xAxis": {"type": "category", "data": names, "axisLabel": {"rotate": 40}},
        "yAxis": {"type": "value", "minInterval": 1},
        "series": [
            {
                "name": "待核实",
                "type": "bar",
                "stack": "c",
                "data": [by_township[n].get(out_statuses[0], 0) for n in names],
            },
            {
                "name": "未返校",
                "type": "bar",
                "stack": "c",
                "data": [
                    by_township[n].get(out_statuses[1], 0) + by_township[n].get(out_statuses[2], 0) for n in names
                ],
            },
            {
                "name": "已复学/安置",
                "type": "bar",
                "stack": "c",
                "data": [
                    sum(
                        by_township[n].get(s, 0)
                        for s in (CaseStatus.RETURNED, CaseStatus.PLACED, CaseStatus.OBSERVING, CaseStatus.CLOSED)
                    )
                    for n in names
                ],
            },
            {"name": "逾期步骤", "type": "line", "data": [by_township[n].get("overdue", 0) for n in names]},
        ],
    }
    reason_labels = dict(Reason.choices)
    reason_chart = {
        "tooltip": {"trigger": "item"},
        "series": [
            {
                "type": "pie",
                "radius": ["35%", "65%"],
                "data": [
                    {"name": str(reason_labels.get(k, k) or "待查明"), "value": v}
                    for k, v in sorted(totals["reason"].items(), key=lambda kv: -kv[1])
                ],
            }
        ],
    }
    months = sorted(set(totals["new"]) | set(totals["returned"]))[-12:]
    trend_chart = {
        "tooltip": {"trigger": "axis"},
        "legend": {"data": ["新发现", "复学/安置"]},
        "xAxis": {"type": "category", "data": months},
        "yAxis": {"type": "value", "minInterval": 1},
        "series": [
            {"name": "新发现", "type": "line", "data": [totals["new"].get(m, 0) for m in months]},
            {"name": "复学/安置", "type": "line", "data": [totals["returned"].get(m, 0) for m in months]},
        ],
    }
    return {"cards": cards, "as_of": as_of, "township_chart": township_chart, "reason_chart": reason_chart,
            "trend_chart": trend_chart}  # fmt: skip


def bulletin_list(*, user: Any) -> QuerySet[Bulletin]:
    if scope_for(user).level == ScopeLevel.NONE:
        return Bulletin.objects.none()
    return Bulletin.objects.defer("pdf", "xlsx", "figures").order_by("-month")


def bulletin_get(*, user: Any, bulletin_id: int) -> Bulletin:
    if scope_for(user).level == ScopeLevel.NONE:
        raise Bulletin.DoesNotExist
    return Bulletin.objects.get(pk=bulletin_id)


def _month_start(value: Any) -> dt.date | None:
    try:
        return dt.datetime.strptime(str(value).strip(), "%Y-%m").date()
    except ValueError:
        return None


def monthly_report_list(*, user: Any, filters: Mapping[str, Any] | None = None) -> QuerySet[SchoolMonthlyReport]:
    """学校月报告 within scope; filters: ``month`` (YYYY-MM), ``township``, ``school``, ``still_out`` (有未返校)."""
    from jiaoyun.core.scope import school_q

    f = filters or {}
    qs = SchoolMonthlyReport.objects.filter(school_q(user, prefix="school__")).select_related(
        "school", "school__township", "submitted_by"
    )
    if month := _month_start(f.get("month", "")):
        qs = qs.filter(month=month)
    if t := _int(f.get("township")):
        qs = qs.filter(school__township_id=t)
    if s := _int(f.get("school")):
        qs = qs.filter(school_id=s)
    if f.get("still_out"):
        qs = qs.filter(figures__still_out__gt=0)
    return qs.order_by("-month", "school__township__sort", "school__code")


# Schools with compulsory-stage pupils: the ones 一月一报告 applies to.
# A 教学点 is reported by its parent school.
REPORTING_KINDS = ("primary", "junior", "nine_year", "complete_secondary", "special")


def monthly_report_missing(*, user: Any, filters: Mapping[str, Any]) -> QuerySet[Any] | None:
    """Schools within scope (and the township/school filters) with no report for the filtered month; None when
    no month is chosen. 一月一报告: every active primary or junior school reports each month."""
    from jiaoyun.core.scope import school_q
    from jiaoyun.schools.models import School

    month = _month_start(filters.get("month", ""))
    if month is None:
        return None
    qs = School.objects.filter(school_q(user), is_active=True).exclude(
        Exists(SchoolMonthlyReport.objects.filter(school=OuterRef("pk"), month=month))
    )
    qs = qs.filter(kind__in=REPORTING_KINDS)
    if t := _int(filters.get("township")):
        qs = qs.filter(township_id=t)
    if s := _int(filters.get("school")):
        qs = qs.filter(pk=s)
    return qs.select_related("township").order_by("township__sort", "code")


def review_list(*, user: Any) -> QuerySet[QuarterlyReview]:
    from jiaoyun.core.scope import school_q

    return QuarterlyReview.objects.filter(school_q(user, prefix="school__")).select_related("school", "reviewed_by")


def responsible_list(*, user: Any, filters: Mapping[str, Any] | None = None) -> QuerySet[ResponsiblePerson]:
    f = filters or {}
    s = scope_for(user)
    if s.level == ScopeLevel.NONE:
        return ResponsiblePerson.objects.none()
    qs = ResponsiblePerson.objects.select_related("area", "school", "school_class", "user")
    if not s.is_county:
        qs = qs.filter(Q(level=1) | Q(area__in=_areas(user)) | Q(school__in=_schools(user)))
    if f.get("line"):
        qs = qs.filter(line=f["line"])
    if lv := _int(f.get("level")):
        qs = qs.filter(level=lv)
    if t := _int(f.get("township")):
        qs = qs.filter(Q(area_id=t) | Q(area__parent_id=t) | Q(school__township_id=t))
    return qs.order_by("line", "level", "area__code", "school__code", "id")


def _areas(user: Any) -> QuerySet[Any]:
    from jiaoyun.areas.models import Area
    from jiaoyun.core.scope import area_q

    return Area.objects.filter(area_q(user))


def _schools(user: Any) -> QuerySet[Any]:
    from jiaoyun.core.scope import school_q
    from jiaoyun.schools.models import School

    return School.objects.filter(school_q(user))


def absence_list(*, user: Any, filters: Mapping[str, Any] | None = None) -> QuerySet[Absence]:
    f = filters or {}
    qs = Absence.objects.filter(student_q(user, prefix="student__")).select_related(
        "student", "student__current_class", "recorded_by"
    )
    if f.get("date"):
        qs = qs.filter(date=f["date"])
    return qs.order_by("-date", "student__name")


def class_students(*, user: Any) -> QuerySet[Student]:
    """In-school students the user may mark absent (a class teacher: their classes)."""
    from jiaoyun.schools.models import SchoolClass

    classes = SchoolClass.objects.filter(class_q(user))
    return (
        Student.objects.filter(student_q(user), status=StudentStatus.IN_SCHOOL, current_class__in=classes)
        .select_related("current_class")
        .order_by("current_class_id", "name")
    )


def match_runs(*, user: Any) -> QuerySet[MatchRun]:
    if not scope_for(user).is_county:
        return MatchRun.objects.none()
    return MatchRun.objects.order_by("-started_at")[:10]  # type: ignore[return-value]


def hukou_batches(*, user: Any, limit: int = 50) -> list[str]:
    """The import batches of the 户籍名册 rows the user may see (for the batch filter)."""
    from jiaoyun.core.scope import area_q

    qs = HukouRecord.objects.filter(area_q(user, prefix="hukou_village__")).exclude(batch="")
    return list(qs.order_by().values_list("batch", flat=True).distinct()[:limit])


def hukou_list(*, user: Any, filters: Mapping[str, Any] | None = None) -> QuerySet[HukouRecord]:
    """户籍名册 (the police roster) within the user's area scope. Filters: ``q`` (姓名), ``township``,
    ``village``, ``matched`` (``yes``: linked to a 学籍 person, ``no``: not linked), ``poverty``, ``batch``,
    ``born`` (出生年份)."""
    from jiaoyun.core.scope import area_q

    f = filters or {}
    qs = HukouRecord.objects.filter(area_q(user, prefix="hukou_village__")).select_related(
        "hukou_village", "hukou_village__parent", "student", "student__current_school"
    )
    if f.get("q"):
        qs = qs.filter(name__contains=str(f["q"]).strip())
    if t := _int(f.get("township")):
        qs = qs.filter(hukou_village__parent_id=t)
    if v := _int(f.get("village")):
        qs = qs.filter(hukou_village_id=v)
    if f.get("matched") == "yes":
        qs = qs.filter(student__isnull=False)
    elif f.get("matched") == "no":
        qs = qs.filter(student__isnull=True)
    if f.get("poverty"):
        qs = qs.filter(poverty=f["poverty"])
    if f.get("batch"):
        qs = qs.filter(batch=str(f["batch"]).strip())
    if y := _int(f.get("born")):
        qs = qs.filter(birth_date__year=y)
    return qs.order_by("hukou_village__code", "birth_date", "id")
