"""Reads of the quality module: every person-level read goes through the scope chokepoint (``core.scope``).

持证率 (1+X holding rate), as this module counts it (docs/quality.md, ADR 0039):

    持证率(届 Y, 范围) = 持有 ≥ 1 本有效 1+X 职业技能等级证书的学生数 ÷ 该届在籍学生数 × 100%

* 届 Y: the students of a vocational school's majors who entered in autumn Y − 3 (``VocationalStudent.cohort``);
* the denominator counts each such student still on the roll or graduated — not those transferred out, dropped
  out, deceased or studying outside the county (they are no longer "of the cohort" here);
* the numerator counts each of them once, however many certificates they hold; a certificate counts when it
  is not revoked and was issued on or before the day of the figure (``on``).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Sum
from django.http import Http404
from django.utils import timezone

from jiaoyun.core.schoolyear import SchoolYear
from jiaoyun.core.scope import Scope, class_q, school_q, student_q, teacher_q
from jiaoyun.core.types import User
from jiaoyun.people.choices import StudentStatus
from jiaoyun.people.models import Student
from jiaoyun.quality.choices import AWARDED, EMPLOYED, FURTHER_STUDY, Dimension, EntrantRole, Outcome, PortfolioState
from jiaoyun.quality.models import (
    AcademicResult,
    ActivityRecord,
    Certificate,
    CreditRecognition,
    Entry,
    EvaluationTerm,
    Evidence,
    HoldingTarget,
    Major,
    Objection,
    PilotClass,
    Portfolio,
    Progression,
    Publicity,
    TrackTransfer,
    VocationalStudent,
)
from jiaoyun.schools.choices import SchoolKind

S = PortfolioState
Who = User | Scope  # a user, or a scope (the county-wide bulletin reads as ``Scope("county")``)
LEFT = (StudentStatus.TRANSFERRED_OUT, StudentStatus.DROPPED_OUT, StudentStatus.DECEASED, StudentStatus.OUT_OF_COUNTY)
SENIOR_KINDS = (SchoolKind.SENIOR, SchoolKind.COMPLETE_SECONDARY)


def _pct(part: int, whole: int) -> float | None:
    return round(part * 100.0 / whole, 1) if whole else None


# -- terms and portfolios -----------------------------------------------------------------------------------


def terms() -> QuerySet[EvaluationTerm]:
    return EvaluationTerm.objects.all()


def term_current(today: dt.date | None = None) -> EvaluationTerm | None:
    """The term that contains ``today``, else the latest one that started."""
    today = today or timezone.localdate()
    return (
        EvaluationTerm.objects.filter(starts__lte=today, ends__gte=today).first()
        or EvaluationTerm.objects.filter(starts__lte=today).order_by("-starts").first()
    )


def portfolios(user: Who, *, term: EvaluationTerm | None = None) -> QuerySet[Portfolio]:
    qs = Portfolio.objects.filter(student_q(user, "student__")).select_related(
        "student", "school", "school_class", "term"
    )
    return qs.filter(term=term) if term is not None else qs


def portfolio_get(user: Who, pk: int) -> Portfolio:
    found = portfolios(user).filter(pk=pk).first()
    if found is None:
        raise Http404("没有这条综合素质评价，或不在您的数据范围内")
    return found


def evidence_get(user: Who, pk: int) -> Evidence:
    found = Evidence.objects.filter(student_q(user, "record__portfolio__student__"), pk=pk).first()
    if found is None:
        raise Http404("文件不存在，或不在您的数据范围内")
    return found


def record_get(user: Who, pk: int) -> ActivityRecord:
    found = (
        ActivityRecord.objects.filter(student_q(user, "portfolio__student__"), pk=pk)
        .select_related("portfolio")
        .first()
    )
    if found is None:
        raise Http404("没有这条写实记录")
    return found


def own_student(user: User) -> Student | None:
    from jiaoyun.core.scope import scope_for

    sid = scope_for(user).student_id
    return Student.objects.select_related("current_school", "current_class").filter(pk=sid).first() if sid else None


def results_of(user: Who, student_id: int) -> QuerySet[AcademicResult]:
    return AcademicResult.objects.filter(student_q(user, "student__"), student_id=student_id)


def records_by_dimension(portfolio: Portfolio, *, selected_only: bool = False) -> list[dict[str, Any]]:
    records = portfolio.records.prefetch_related("evidence").order_by("date", "id")
    if selected_only:
        records = records.filter(selected=True)
    grouped: dict[str, list[ActivityRecord]] = defaultdict(list)
    for r in records:
        grouped[r.dimension].append(r)
    return [
        {"key": key, "label": label, "records": grouped.get(key, []),
         "hours": sum((r.hours or Decimal(0) for r in grouped.get(key, [])), Decimal(0))}
        for key, label in Dimension.choices
    ]  # fmt: skip


def publicity_visible(user: Who) -> QuerySet[Publicity]:
    return Publicity.objects.filter(class_q(user, "school_class__")).select_related("school_class__school", "term")


def publicity_get(user: Who, pk: int) -> Publicity:
    found = publicity_visible(user).filter(pk=pk).first()
    if found is None:
        raise Http404("没有这次公示，或不在您的数据范围内")
    return found


def publicity_of(portfolio: Portfolio) -> Publicity | None:
    if portfolio.school_class_id is None:
        return None
    return Publicity.objects.filter(school_class_id=portfolio.school_class_id, term_id=portfolio.term_id).first()


def objections_of(publicity: Publicity, user: Who) -> QuerySet[Objection]:
    return publicity.objections.filter(student_q(user, "portfolio__student__")).select_related("portfolio__student")


def archive_context(portfolio: Portfolio) -> dict[str, Any]:
    """What the archive PDF shows: stored data only, in a fixed order (the same data renders the same bytes)."""
    from django.utils.timezone import localtime

    student = portfolio.student
    results = AcademicResult.objects.filter(student=student, exam_date__lte=portfolio.term.ends).order_by(
        "exam_date", "subject", "id"
    )
    objections = portfolio.objections.order_by("raised_on", "id")
    confirmed = localtime(portfolio.confirmed_at) if portfolio.confirmed_at else None
    return {
        "p": portfolio,
        "student": student,
        "sex": student.get_sex_display(),
        "school": portfolio.school.name,
        "klass": str(portfolio.school_class) if portfolio.school_class else "",
        "dimensions": records_by_dimension(portfolio, selected_only=True),
        "results": results,
        "objections": objections,
        "confirmed_by": str(portfolio.confirmed_by) if portfolio.confirmed_by else "",
        "confirmed_on": confirmed.strftime("%Y年%m月%d日") if confirmed else "",
    }


# -- progress and completeness --------------------------------------------------------------------------------


@dataclass
class Progress:
    key: int
    label: str
    students: int = 0  # senior students in school (the denominator of completeness)
    counts: dict[str, int] = field(default_factory=dict)
    url: str = ""

    @property
    def started(self) -> int:
        return sum(self.counts.values())

    @property
    def confirmed(self) -> int:
        return self.counts.get(S.CONFIRMED, 0)

    @property
    def rate(self) -> float | None:
        return _pct(self.confirmed, self.students)

    def of(self, state: str) -> int:
        return self.counts.get(state, 0)


def seniors(user: Who) -> QuerySet[Student]:
    """The senior (普高) students in school visible to the user."""
    return Student.objects.filter(student_q(user), status=StudentStatus.IN_SCHOOL, current_grade__gte=10,
                                  current_school__kind__in=SENIOR_KINDS)  # fmt: skip


def progress(user: Who, term: EvaluationTerm | None, *, by: str = "school") -> list[Progress]:
    """Portfolios by state per school (``by="school"``) or per class (``by="class"``), with the number of senior
    students in school: 完成率 = 已确认归档 ÷ 在校普高学生."""
    key, label = (
        ("current_school_id", "current_school__name") if by == "school" else ("current_class_id", "current_class__name")
    )
    rows: dict[int, Progress] = {}
    for r in seniors(user).values(key, label).annotate(n=Count("pk")).order_by(label):
        if r[key] is not None:
            rows[r[key]] = Progress(key=r[key], label=r[label] or "", students=r["n"])
    if term is not None:
        pkey = "school_id" if by == "school" else "school_class_id"
        for r in portfolios(user, term=term).values(pkey, "state").annotate(n=Count("pk")):
            row = rows.get(r[pkey])
            if row is None:
                continue
            row.counts[r["state"]] = r["n"]
    return sorted(rows.values(), key=lambda p: p.label)


def completeness_total(rows: list[Progress]) -> Progress:
    total = Progress(key=0, label="合计")
    for row in rows:
        total.students += row.students
        for state, n in row.counts.items():
            total.counts[state] = total.counts.get(state, 0) + n
    return total


# -- 1+X holding rate ---------------------------------------------------------------------------------------------


@dataclass
class Rate:
    key: Any
    label: str
    members: int
    holders: int
    target: Decimal | None = None
    extra: str = ""

    @property
    def rate(self) -> float | None:
        return _pct(self.holders, self.members)

    @property
    def meets(self) -> bool | None:
        if self.target is None or self.rate is None:
            return None
        return Decimal(str(self.rate)) >= self.target


def _holding_base(user: Who, on: dt.date) -> QuerySet[VocationalStudent]:
    holds = Certificate.objects.filter(student_id=OuterRef("student_id"), revoked=False, issued_on__lte=on)
    return (
        VocationalStudent.objects.filter(student_q(user, "student__"))
        .exclude(student__status__in=LEFT)
        .annotate(holds=Exists(holds))
    )


def _rates(qs: QuerySet[Any], key: str, label: str) -> list[tuple[Any, str, int, int]]:
    rows = qs.values(key, label).annotate(n=Count("pk"), h=Count("pk", filter=Q(holds=True))).order_by(label)
    return [(r[key], str(r[label]), r["n"], r["h"]) for r in rows]


def targets() -> dict[int, Decimal]:
    return dict(HoldingTarget.objects.values_list("year", "rate"))


def holding_by_major(user: Who, *, year: int, on: dt.date | None = None) -> list[Rate]:
    """The class graduating in ``year`` (entered ``year`` − 3), by major, against the year's target."""
    on = on or timezone.localdate()
    target = targets().get(year)
    qs = _holding_base(user, on).filter(cohort=year - 3)
    return [Rate(k, lab, n, h, target) for k, lab, n, h in _rates(qs, "major_id", "major__name")]


def holding_by_school(user: Who, *, year: int, on: dt.date | None = None) -> list[Rate]:
    on = on or timezone.localdate()
    target = targets().get(year)
    qs = _holding_base(user, on).filter(cohort=year - 3)
    return [Rate(k, lab, n, h, target) for k, lab, n, h in _rates(qs, "major__school_id", "major__school__name")]


def holding_by_year(user: Who, *, on: dt.date | None = None) -> list[Rate]:
    """Every 届 (graduating year) over the years, each against its own target."""
    on = on or timezone.localdate()
    goal = targets()
    rows = _rates(_holding_base(user, on), "cohort", "cohort")
    return [Rate(c + 3, f"{c + 3}届", n, h, goal.get(c + 3)) for c, _, n, h in sorted(rows)]


def holding_by_grade(user: Who, *, on: dt.date | None = None) -> list[Rate]:
    """The three grades of the current school year (高一 = cohort of this autumn)."""
    on = on or timezone.localdate()
    start = SchoolYear.of(on).start_year
    goal = targets()
    found = {
        c: (n, h) for c, _, n, h in _rates(_holding_base(user, on).filter(cohort__gte=start - 2), "cohort", "cohort")
    }
    out = []
    for grade, label in ((10, "高一（一年级）"), (11, "高二（二年级）"), (12, "高三（三年级）")):
        cohort = start - (grade - 10)
        n, h = found.get(cohort, (0, 0))
        out.append(Rate(grade, label, n, h, goal.get(cohort + 3), extra=f"{cohort}级"))
    return out


def certificates(user: Who) -> QuerySet[Certificate]:
    return Certificate.objects.filter(student_q(user, "student__")).select_related("student__current_school")


def majors(user: Who) -> QuerySet[Major]:
    return (
        Major.objects.filter(school_q(user, "school__"))
        .select_related("school")
        .prefetch_related("programmes")
        .annotate(enrolled=Count("students", filter=Q(students__student__status=StudentStatus.IN_SCHOOL)))
    )


# -- competitions ---------------------------------------------------------------------------------------------


def entries(user: Who) -> QuerySet[Entry]:
    visible = Q(student__isnull=False) & student_q(user, "student__") | Q(teacher__isnull=False) & teacher_q(
        user, "teacher__"
    )
    return Entry.objects.filter(visible).select_related("competition", "school", "student", "teacher")


def award_counts(qs: QuerySet[Entry], key: str, label: str) -> list[dict[str, Any]]:
    awarded = Q(award__in=AWARDED)
    student = Q(role=EntrantRole.STUDENT)
    rows = (
        qs.values(key, label)
        .annotate(
            entries=Count("pk"),
            student_awards=Count("pk", filter=awarded & student),
            teacher_awards=Count("pk", filter=awarded & ~student),
            high_awards=Count("pk", filter=awarded & Q(competition__level__in=("national", "provincial"))),
        )
        .order_by(label)
    )
    return [{"key": r[key], "label": r[label], **{k: r[k] for k in ("entries", "student_awards", "teacher_awards",
                                                                    "high_awards")}} for r in rows]  # fmt: skip


def competition_figures(user: Who, *, year: int) -> dict[str, list[dict[str, Any]]]:
    """Entries and awards in ``year`` by school and by township (counts only; the schools in the user's scope)."""
    qs = Entry.objects.filter(school_q(user, "school__"), competition__date__year=year)
    return {
        "schools": award_counts(qs, "school_id", "school__name"),
        "townships": award_counts(qs, "school__township_id", "school__township__name"),
    }


# -- pathways ---------------------------------------------------------------------------------------------------


def pilot_classes(user: Who) -> QuerySet[PilotClass]:
    return (
        PilotClass.objects.filter(class_q(user, "school_class__"))
        .select_related("school_class__school")
        .annotate(
            students=Count("school_class__students", filter=Q(school_class__students__status=StudentStatus.IN_SCHOOL))
        )
    )


def transfers(user: Who) -> QuerySet[TrackTransfer]:
    return TrackTransfer.objects.filter(student_q(user, "student__")).select_related(
        "student", "from_school", "to_school"
    )


def credits(user: Who) -> QuerySet[CreditRecognition]:
    return CreditRecognition.objects.filter(student_q(user, "student__")).select_related("student")


def progressions(user: Who) -> QuerySet[Progression]:
    return Progression.objects.filter(student_q(user, "student__")).select_related("student", "school")


def progression_figures(user: Who) -> list[dict[str, Any]]:
    """Per graduating year: graduates recorded, further study (高职/本科), employed, rates (counts only)."""
    rows = (
        Progression.objects.filter(school_q(user, "school__"))
        .values("graduation_year")
        .annotate(
            total=Count("pk"),
            study=Count("pk", filter=Q(outcome__in=FURTHER_STUDY)),
            higher_vocational=Count("pk", filter=Q(outcome=Outcome.HIGHER_VOCATIONAL)),
            employed=Count("pk", filter=Q(outcome__in=EMPLOYED)),
            bridge=Count("pk", filter=Q(bridge=True)),
        )
        .order_by("graduation_year")
    )
    return [{**r, "study_rate": _pct(r["study"], r["total"]), "employed_rate": _pct(r["employed"], r["total"])}
            for r in rows]  # fmt: skip


def credit_total(user: Who) -> Decimal:
    return credits(user).aggregate(s=Sum("credits"))["s"] or Decimal(0)


# -- people to pick in the forms (scoped) ---------------------------------------------------------------------


def students_to_pick(user: User, limit: int = 500, **filters: Any) -> list[Student]:
    return list(
        Student.objects.filter(student_q(user), **filters).select_related("current_school").order_by("name")[:limit]
    )


def student_in_scope(user: User, pk: int) -> Student | None:
    return Student.objects.filter(student_q(user), pk=pk).select_related("current_school").first()


def teachers_to_pick(user: User, limit: int = 300) -> list[Any]:
    from jiaoyun.people.models import Teacher

    return list(Teacher.objects.filter(teacher_q(user)).order_by("name")[:limit])


def teacher_in_scope(user: User, pk: int) -> Any:
    from jiaoyun.people.models import Teacher

    return Teacher.objects.filter(teacher_q(user), pk=pk).first()
