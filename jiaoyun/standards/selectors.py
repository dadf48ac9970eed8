"""Reads of the standards module. County-wide figures are aggregates; each school's rows follow the scope."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Case, Count, F, FloatField, IntegerField, Q, QuerySet, Sum, Value, When
from django.db.models.functions import Cast
from django.shortcuts import get_object_or_404

from jiaoyun.core.types import User
from jiaoyun.schools.choices import SchoolKind
from jiaoyun.standards import balance as B
from jiaoyun.standards import conf
from jiaoyun.standards.choices import CheckStatus, Comparison, Part
from jiaoyun.standards.models import (
    CheckItem,
    CheckResult,
    ConditionStandard,
    DemoApplication,
    DemoTarget,
    Evidence,
    SchoolResources,
)
from jiaoyun.standards.permissions import can_read, schools_q

# The amount of each indicator as a database expression over SchoolResources.
AMOUNT_EXPR: dict[str, Any] = {
    "qualified": F("qualified_teachers"),
    "backbone": F("backbone_teachers"),
    "pe_art": F("pe_art_teachers"),
    "teaching_area": F("teaching_area"),
    "sports_area": F("ground_area") + F("indoor_sports_area"),
    "equipment": F("equipment_value"),
    "multimedia": F("multimedia_rooms"),
}
AMOUNT_FIELDS = ("qualified_teachers", "backbone_teachers", "pe_art_teachers", "teaching_area", "ground_area",
                 "indoor_sports_area", "equipment_value", "multimedia_rooms")  # fmt: skip


def assessed(year: int) -> QuerySet[SchoolResources]:
    """The rows the resource indicators cover (REFERENCE §2): schools with pupils, not 特殊教育/职业 schools,
    not 教学点 with fewer than 50 pupils."""
    small = int(conf.get("STANDARDS_TEACHING_POINT_MIN_PUPILS"))
    return (
        SchoolResources.objects.filter(year=year, pupils__gt=0)
        .exclude(
            school__kind__in=(SchoolKind.SPECIAL, SchoolKind.VOCATIONAL, SchoolKind.KINDERGARTEN, SchoolKind.SENIOR)
        )  # fmt: skip
        .exclude(school__kind=SchoolKind.TEACHING_POINT, pupils__lt=small)
    )


def _row(d: dict[str, Any]) -> B.Row:
    amounts = {
        "qualified": float(d["qualified_teachers"]),
        "backbone": float(d["backbone_teachers"]),
        "pe_art": float(d["pe_art_teachers"]),
        "teaching_area": float(d["teaching_area"]),
        "sports_area": float(d["ground_area"]) + float(d["indoor_sports_area"]),
        "equipment": float(d["equipment_value"]),
        "multimedia": float(d["multimedia_rooms"]),
    }
    return B.Row(d["school_id"], d["school__name"], d["school__township_id"], d["school__township__name"], d["part"],
                 int(d["pupils"]), amounts)  # fmt: skip


def county_rows(*, year: int) -> list[B.Row]:
    """Every assessed school's 学部 of the year, in one query (the coefficients need the whole county)."""
    qs = assessed(year).order_by("school__township__sort", "school__code", "part")
    fields = ("school_id", "school__name", "school__township_id", "school__township__name", "part", "pupils")
    return [_row(d) for d in qs.values(*fields, *AMOUNT_FIELDS)]


def years() -> list[int]:
    return sorted(set(SchoolResources.objects.values_list("year", flat=True).distinct()), reverse=True)


def latest_year() -> int | None:
    ys = years()
    return ys[0] if ys else None


@dataclass
class Balance:
    year: int
    parts: dict[str, B.PartResult]
    visible: set[int] | None  # school ids the reader may see one by one (None: all)

    def schools(self, part: str) -> list[B.SchoolResult]:
        return [s for s in self.parts[part].schools if self.visible is None or s.row.school_id in self.visible]

    def townships(self, part: str) -> list[dict[str, Any]]:
        """Per township: schools assessed and meeting the rule (aggregates, for every reader)."""
        acc: dict[str, list[int]] = defaultdict(lambda: [0, 0])
        for s in self.parts[part].schools:
            acc[s.row.township][0] += 1
            acc[s.row.township][1] += int(s.passes)
        return [{"township": t, "schools": n, "meeting": m, "rate": round(100 * m / n, 1)} for t, (n, m) in acc.items()]


def visible_school_ids(user: User) -> set[int] | None:
    from jiaoyun.core.scope import scope_for
    from jiaoyun.schools.models import School

    if scope_for(user).is_county and can_read(user):
        return None
    return set(School.objects.filter(schools_q(user)).values_list("id", flat=True))


def balance(*, year: int, user: User | None = None, rows: list[B.Row] | None = None) -> Balance:
    rows = county_rows(year=year) if rows is None else rows
    parts = {p: B.assess(rows, p) for p in Part.values}
    return Balance(year, parts, visible_school_ids(user) if user is not None else None)


def balance_summary(*, year: int) -> dict[str, Any]:
    """The contract for the bulletin, the 大屏 and the assessment: per 学部 the number of schools assessed and
    meeting the 6-of-7 rule, each indicator's 差异系数 and whether the 学部 passes. Set-based: one grouped
    query (the sums of ``balance.cv_from_sums``) and one for the per-school rule."""
    qs = assessed(year)
    aggregates: dict[str, Any] = {"n": Count("id"), "p": Sum("pupils")}
    for code, expr in AMOUNT_EXPR.items():
        amount = Cast(expr, FloatField())
        aggregates[f"{code}_r"] = Sum(amount)
        aggregates[f"{code}_q"] = Sum(amount * amount / Cast(F("pupils"), FloatField()))
    sums = {d["part"]: d for d in qs.values("part").annotate(**aggregates)}
    meeting = _meeting_counts(qs)
    out: dict[str, Any] = {}
    for part in Part.values:
        d = sums.get(part)
        coefficients = {}
        if d:
            for code in B.CODES:
                coefficients[code] = round(B.cv_from_sums(float(d["p"]), d[f"{code}_r"] or 0.0, d[f"{code}_q"] or 0.0),
                                           4)  # fmt: skip
        n = int(d["n"]) if d else 0
        m = meeting.get(part, 0)
        limit = B.cv_limit(part)
        out[part] = {
            "schools": n,
            "schools_meeting": m,
            "coefficients": coefficients,
            "passes": bool(n) and m == n and all(v <= limit + 1e-12 for v in coefficients.values()),
        }
    return out


def _meeting_counts(qs: QuerySet[SchoolResources]) -> dict[str, int]:
    """Per 学部, the schools meeting at least 6 of the 7 thresholds with the rest ≥ 85 % (in the database)."""
    share = B.remainder_share()
    met: Any = Value(0)
    near: Any = Value(0)
    pupils = Cast(F("pupils"), FloatField())
    for code in B.CODES:
        ind = B.BY_CODE[code]
        qs = qs.annotate(**{f"{code}_x": Cast(AMOUNT_EXPR[code], FloatField()) * ind.scale / pupils})

        def reaches(fraction: float, code: str = code) -> Case:
            whens = [
                When(Q(part=p) & Q(**{f"{code}_x__gte": B.threshold(code, p) * fraction * (1 - 1e-12)}), then=1)
                for p in Part.values
            ]
            return Case(*whens, default=0, output_field=IntegerField())

        met = met + reaches(1.0)
        near = near + reaches(share)
    rows = (
        qs.annotate(met=met, near=near)
        .filter(met__gte=B.min_met(), near=len(B.CODES))
        .values("part")
        .annotate(n=Count("id"))
    )
    return {r["part"]: int(r["n"]) for r in rows}


def trend(*, count: int = 6) -> list[dict[str, Any]]:
    """Each recorded year's summary, oldest first (for the trend chart)."""
    return [{"year": y, **balance_summary(year=y)} for y in sorted(years())[-count:]]


def school_history(*, user: User, school_id: int) -> list[B.SchoolResult]:
    """One school's assessment per year and 学部 (404 outside the reader's scope)."""
    from jiaoyun.schools.models import School

    get_object_or_404(School.objects.filter(schools_q(user)), pk=school_id)
    fields = ("school_id", "school__name", "school__township_id", "school__township__name", "part", "pupils", "year")
    out = []
    for d in (
        SchoolResources.objects.filter(school_id=school_id, pupils__gt=0)
        .order_by("year", "part")
        .values(*fields, *AMOUNT_FIELDS)
    ):
        result = B.assess_school(_row(d))
        result.year = d["year"]  # type: ignore[attr-defined]
        out.append(result)
    return out


def resources_for(*, user: User, year: int) -> QuerySet[SchoolResources]:
    return (
        SchoolResources.objects.filter(schools_q(user, prefix="school__"), year=year)
        .select_related("school", "school__township")
        .order_by("school__township__sort", "school__code", "part")
    )


# -- 达标 --------------------------------------------------------------------------------------------------


def standards() -> list[ConditionStandard]:
    return list(ConditionStandard.objects.filter(is_active=True).order_by("part", "code"))


def standard_value(r: SchoolResources, code: str) -> float | None:
    """A row's figure for a standard's code (None when the row lacks what the figure needs)."""
    p = r.pupils
    if code == "class_size":
        return float(r.max_class_size) if r.max_class_size else None
    if not p:
        return None
    per_pupil = {
        "building_area": r.building_area,
        "teaching_area": r.teaching_area,
        "sports_area": r.ground_area + r.indoor_sports_area,
        "equipment": r.equipment_value,
        "books": Decimal(r.books),
    }.get(code)
    return None if per_pupil is None else float(per_pupil) / p


@dataclass
class Gap:
    resources: SchoolResources
    standard: ConditionStandard
    value: float
    short: float  # how much is missing in the standard's unit (per pupil or pupils per class)
    total: float  # the total missing (㎡, 元, 册) or the pupils above the class-size limit

    @property
    def text(self) -> str:
        s = self.standard
        if s.code == "class_size":
            return f"最大班额{self.value:.0f}人，超过标准{s.value:.0f}人"
        return f"{s.label}{self.value:.2f}{s.unit}，低于标准{float(s.value):g}{s.unit}，缺口约{self.total:,.0f}{s.unit.split('/')[0]}"


def compliance(*, user: User, year: int, township: int | None = None) -> list[dict[str, Any]]:
    """Each school's 学部 in the reader's scope against the county's standards, with its gap list."""
    by_part: dict[str, list[ConditionStandard]] = defaultdict(list)
    for s in standards():
        by_part[s.part].append(s)
    qs = resources_for(user=user, year=year).filter(pupils__gt=0)
    if township:
        qs = qs.filter(school__township_id=township)
    out = []
    for r in qs:
        gaps = []
        for s in by_part.get(r.part, []):
            v = standard_value(r, s.code)
            if v is None:
                continue
            target = float(s.value)
            if s.comparison == Comparison.AT_MOST and v > target:
                gaps.append(Gap(r, s, v, v - target, (v - target) * max(r.classes, 1)))
            elif s.comparison == Comparison.AT_LEAST and v < target:
                gaps.append(Gap(r, s, v, target - v, (target - v) * r.pupils))
        out.append({"resources": r, "gaps": gaps, "compliant": not gaps})
    return out


# -- checklist and demonstration schools --------------------------------------------------------------------


def checklist(*, year: int) -> list[dict[str, Any]]:
    results = {r.item_id: r for r in CheckResult.objects.filter(year=year).prefetch_related("evidence")}
    return [{"item": i, "result": results.get(i.pk)} for i in CheckItem.objects.filter(is_active=True)]


def checklist_counts(*, year: int) -> dict[str, dict[str, int]]:
    out: dict[str, dict[str, int]] = defaultdict(lambda: {"met": 0, "not_met": 0, "pending": 0, "total": 0})
    for row in checklist(year=year):
        g = row["item"].group
        status = row["result"].status if row["result"] else CheckStatus.PENDING
        out[g][status] += 1
        out[g]["total"] += 1
    return dict(out)


def evidence_get(*, user: User, evidence_id: int) -> Evidence:
    """A checklist file: the 督导室's self-assessment files are county material (county readers); a
    demonstration school's files follow the school scope."""
    from jiaoyun.standards.permissions import is_county_reader

    ev = get_object_or_404(Evidence.objects.select_related("demo_check__application"), pk=evidence_id)
    if ev.result_id is not None:
        if not is_county_reader(user):
            get_object_or_404(Evidence.objects.none(), pk=evidence_id)
        return ev
    app = ev.demo_check.application if ev.demo_check else None
    from jiaoyun.schools.models import School

    if app is None or not School.objects.filter(schools_q(user), pk=app.school_id).exists():
        get_object_or_404(Evidence.objects.none(), pk=evidence_id)
    return ev


def applications(*, user: User, year: int | None = None) -> QuerySet[DemoApplication]:
    qs = DemoApplication.objects.filter(schools_q(user, prefix="school__")).select_related("school", "school__township")
    if year:
        qs = qs.filter(year=year)
    return qs.order_by("school__township__sort", "school__code", "-year")


def application_get(*, user: User, pk: int) -> DemoApplication:
    return get_object_or_404(applications(user=user), pk=pk)


def targets(*, year: int) -> list[dict[str, Any]]:
    """Per township: the target and the schools recognised / under way that year (aggregates)."""
    from jiaoyun.areas.choices import AreaLevel
    from jiaoyun.areas.models import Area
    from jiaoyun.standards.choices import DemoStatus

    goal = dict(DemoTarget.objects.filter(year=year).values_list("township_id", "count"))
    counts: dict[int, dict[str, int]] = defaultdict(lambda: {"recognised": 0, "active": 0})
    for t_id, status, n in (
        DemoApplication.objects.filter(year=year)
        .values_list("school__township_id", "status")
        .annotate(n=Count("id"))
        .values_list("school__township_id", "status", "n")
    ):
        if status == DemoStatus.RECOGNISED:
            counts[t_id]["recognised"] += n
        elif status != DemoStatus.NOT_RECOGNISED:
            counts[t_id]["active"] += n
    return [
        {"township": t, "target": goal.get(t.pk, 0), **counts[t.pk],
         "met": goal.get(t.pk, 0) > 0 and counts[t.pk]["recognised"] >= goal.get(t.pk, 0)}
        for t in Area.objects.filter(level=AreaLevel.TOWNSHIP).order_by("sort", "code")
    ]  # fmt: skip
