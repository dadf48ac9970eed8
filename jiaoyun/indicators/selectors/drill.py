"""Drill-down: the members behind a figure, computed with the same member queries as the stored figure."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, replace
from typing import Any

from django.core.cache import cache
from django.db import connection
from django.db.models import OuterRef, QuerySet, Subquery
from django.db.models.expressions import RawSQL
from django.utils import timezone

from jiaoyun.areas.models import Area, PopulationCell
from jiaoyun.core.errors import DomainError
from jiaoyun.core.schoolyear import SchoolYear
from jiaoyun.core.scope import area_q, school_q, student_q, teacher_q
from jiaoyun.core.types import User
from jiaoyun.indicators import conf
from jiaoyun.indicators.compute import (
    GAP_MEASURES,
    MEASURES,
    TEACHER_MEMBERS,
    Period,
    default_as_of,
    member_sql,
    positional,
)
from jiaoyun.indicators.definitions import Indicator, indicator
from jiaoyun.indicators.models import IndicatorValue
from jiaoyun.indicators.selectors.values import latest_as_of
from jiaoyun.people.choices import IN_SCHOOL_EVENTS, EventKind
from jiaoyun.people.models import EnrolmentEvent, Student, Teacher
from jiaoyun.schools.choices import Grade
from jiaoyun.schools.models import School, SchoolClass

Level = IndicatorValue.AreaLevel


@dataclass(frozen=True)
class DrillTarget:
    indicator: Indicator
    measure: str
    period: Period
    level: str
    area: Area | None
    school: School | None
    stored: IndicatorValue | None = None  # the stored figure the members make up

    @property
    def label(self) -> str:
        return (MEASURES.get(self.measure) or GAP_MEASURES[self.measure])[0]

    @property
    def member_kind(self) -> str:
        if self.measure.startswith("pop_"):
            return "population"
        if self.measure.startswith("class_"):
            return "classes"
        if self.measure.startswith("tea_"):
            return "teachers"
        return "students"


def drill_target(
    *,
    code: str,
    measure: str,
    year: SchoolYear,
    as_of: dt.date | None,
    area_id: int | None,
    school_id: int | None,
) -> DrillTarget:
    ind = indicator(code)
    measures = [m.lstrip("-") for m in (*ind.numerator_measures(), *ind.denominator_measures(), *ind.extra)]
    if ind.gap_measure:
        measures.append(ind.gap_measure)
    if measure not in measures:
        raise DomainError(f"“{MEASURES.get(measure, (measure,))[0]}”不是{ind.name}的组成部分", field="measure")
    as_of = as_of or latest_as_of(year=year)
    if as_of is None:
        as_of = default_as_of(year)
    school = School.objects.select_related("township").filter(pk=school_id).first() if school_id else None
    area = Area.objects.filter(pk=area_id).first() if area_id else None
    level: str
    if school is not None:
        level = Level.SCHOOL
    elif area is not None:
        level = area.level
    else:
        raise DomainError("请指定区域或学校", field="area")
    if level not in ind.levels:
        raise DomainError(f"{ind.name}不按{dict(IndicatorValue.AreaLevel.choices)[level]}统计", field="area")
    stored = IndicatorValue.objects.filter(code=code, school_year=year.start_year, as_of=as_of, level=level)
    stored = stored.filter(school=school) if school is not None else stored.filter(area=area)
    found = stored.first()
    # the stored figure's flow window (a figure computed while its year ran counts to its as-of date)
    period = Period(year, as_of, flows_to=found.flow_end if found is not None else None)
    return DrillTarget(ind, measure, period, level, area, school, found)


def drill_changed(target: DrillTarget, sums: dict[str, float] | None = None) -> tuple[float, float] | None:
    """(stored, now) if the 学籍 data changed since the figure was computed so that its side (numerator or
    denominator) the measure belongs to no longer adds up from the members listed; None if it still does.
    Counted over the whole figure, not the user's scope, like the stored figure."""
    t, stored = target, target.stored
    if stored is None or t.measure in GAP_MEASURES:
        return None
    ind = t.indicator
    side = ind.numerator if t.measure in ind.numerator else ind.denominator_measures()
    if t.measure in ind.extra:
        side = ind.extra
    elif t.measure not in side and f"-{t.measure}" not in side:
        side = ind.numerator
    now = 0.0
    for m in side:
        total = sums[m.lstrip("-")] if sums is not None else _measure_sum(replace(t, measure=m.lstrip("-")))
        now += -total if m.startswith("-") else total
    if side == ind.extra:
        figure = stored.extra or 0.0
    else:
        figure = stored.numerator if side == ind.numerator else stored.denominator
    return None if abs(figure - now) < 1e-6 else (figure, now)


def _members_named(t: DrillTarget, column: str = "m.member_id") -> tuple[str, dict[str, Any]]:
    where = ""
    params: dict[str, Any] = dict(t.period.params())
    if t.level == Level.SCHOOL and t.school is not None:
        where, params["key"] = " WHERE m.school_id = %(key)s", t.school.pk
    elif t.level == Level.VILLAGE and t.area is not None:
        where, params["key"] = " WHERE m.village_id = %(key)s", t.area.pk
    elif t.level == Level.TOWNSHIP and t.area is not None:
        key = "v.parent_id" if t.indicator.township_key_hukou else "sc.township_id"
        where, params["key"] = f" WHERE {key} = %(key)s", t.area.pk
    sql = (  # a measure's member query and fixed columns; the place is bound
        f"SELECT {column} FROM ({member_sql(t.measure)}) m"  # noqa: S608
        " LEFT JOIN schools_school sc ON sc.id = m.school_id LEFT JOIN areas_area v ON v.id = m.village_id" + where
    )
    return sql, params


def _members_sql(t: DrillTarget) -> tuple[str, list[Any]]:
    return positional(*_members_named(t))


# The date on which a measure's members are looked at: their state on it is listed beside today's.
MEASURE_DATES = {
    "base_pri": "d_B", "base_jun": "d_B", "entr1": "d_E9", "entr7": "d_E3",
    "drop_pri": "d_F", "drop_jun": "d_F", "out_pri": "d_F", "out_jun": "d_F",
    "grad6": "prev_end", "grad9": "prev_end",
}  # fmt: skip


def state_date(target: DrillTarget) -> dt.date:
    """The date of the figure's members' state: the as-of date, or the date the measure reads (start of year,
    cohort entry, end of the flow window, the end of the year of the graduations)."""
    value: dt.date = target.period.params()[MEASURE_DATES.get(target.measure, "d_D")]
    return value


def drill_students(*, user: User, target: DrillTarget) -> QuerySet[Student]:
    """The students counted in a measure of a figure, within the user's scope, each with their state on the
    figure's date from the event chain (``on_kind``, ``on_school_name``, ``on_grade``): a child who dropped out
    in 2021 is listed as 辍学 in a 2021 figure, whatever they became since."""
    sql, params = _members_sql(target)
    day = state_date(target)
    on = EnrolmentEvent.objects.filter(student=OuterRef("pk"), date__lte=day).order_by("-date", "-seq", "-id")
    return (
        Student.objects.filter(student_q(user))
        .filter(id__in=RawSQL(sql, params))  # noqa: S611 (the member query of a measure; values bound)
        .annotate(
            on_kind=Subquery(on.values("kind")[:1]),
            on_school_name=Subquery(on.values("school__name")[:1]),
            on_external=Subquery(on.values("external_school")[:1]),
            on_grade=Subquery(on.values("grade")[:1]),
        )
        .select_related("current_school", "hukou_village", "hukou_village__parent")
        .order_by("on_school_name", "on_grade", "id")
    )


def state_label(kind: str | None) -> str:
    """The 学籍 state an event leaves the student in, as listed in a drill-down."""
    if not kind:
        return "无学籍记录"
    return "在校" if kind in IN_SCHOOL_EVENTS else str(EventKind(kind).label)


def grade_label(grade: int | None) -> str:
    if grade is None:
        return ""
    return str(dict(Grade.choices).get(grade, grade))


def drill_population(*, user: User, target: DrillTarget) -> QuerySet[PopulationCell]:
    """Population cells are aggregates (no personal data); users see the cells of the areas in their scope."""
    sql, params = _members_sql(target)
    return (
        PopulationCell.objects.filter(area_q(user, prefix="area__") | area_q(user, prefix="area__parent__"))
        .filter(id__in=RawSQL(sql, params))  # noqa: S611 (the member query of a measure; values bound)
        .select_related("area", "area__parent")
        .order_by("area__code", "age", "sex")
    )


def drill_classes(*, user: User, target: DrillTarget) -> QuerySet[SchoolClass]:
    sql, params = _members_sql(target)
    return (
        SchoolClass.objects.filter(school_q(user, prefix="school__"))
        .filter(id__in=RawSQL(sql, params))  # noqa: S611 (the member query of a measure; values bound)
        .select_related("school")
        .order_by("school__code", "grade", "number")
    )


def drill_teachers(*, user: User, target: DrillTarget) -> QuerySet[Teacher]:
    """Full-time teachers on the date at the schools that contribute to the figure."""
    schools_sql, params = _members_named(target, column="m.school_id")
    sql, values = positional(
        f"SELECT tm.teacher_id FROM ({TEACHER_MEMBERS}) tm WHERE tm.school_id IN ({schools_sql})",  # noqa: S608
        params,
    )
    return (
        Teacher.objects.filter(teacher_q(user))
        .filter(id__in=RawSQL(sql, values))  # noqa: S611 (the member query of a measure; values bound)
        .select_related("school")
        .order_by("school_id", "id")
    )


def drill_measures(ind: Indicator) -> list[tuple[str, str, str]]:
    """(part, measure, label) for the tabs of a drill-down page."""
    parts = [("分子", m, MEASURES[m][0]) for m in ind.numerator_measures()]
    for m in ind.denominator_measures():
        sign = "−" if m.startswith("-") else ("+" if m != ind.denominator[0] else "")
        parts.append((f"分母{sign}", m.lstrip("-"), MEASURES[m.lstrip("-")][0]))
    parts += [("另", m, MEASURES[m][0]) for m in ind.extra]
    if ind.gap_measure:
        parts.append(("缺口", ind.gap_measure, GAP_MEASURES[ind.gap_measure][0]))
    return parts


def drill_by_school(target: DrillTarget) -> list[tuple[str, float]]:
    """The members of a measure by the school they attend on the date, over the whole place (counts, no names):
    a population-based rate drilled to the schools its children attend."""
    sql, params = _members_named(target, column="m.school_id, SUM(m.n)")
    with connection.cursor() as cursor:
        cursor.execute(*positional(sql + " GROUP BY m.school_id", params))
        counts = [(sid, float(n)) for sid, n in cursor.fetchall()]
    names = dict(School.objects.filter(pk__in=[s for s, _ in counts if s]).values_list("id", "name"))
    rows = [(names.get(sid, "县外或无学校") if sid else "县外或无学校", n) for sid, n in counts]
    return sorted(rows, key=lambda r: (-r[1], r[0]))


def _measure_sum(target: DrillTarget) -> float:
    sql, params = _members_named(target, column="COALESCE(SUM(m.n), 0)")
    with connection.cursor() as cursor:
        cursor.execute(*positional(sql, params))
        return float(cursor.fetchone()[0] or 0)


def drill_composition(target: DrillTarget) -> list[tuple[str, str, str, float]]:
    """(part, measure, label, count) of every measure of the figure over the whole place (not the user's scope,
    like the stored figure): how its numerator and denominator are made up, from today's 学籍 records."""
    return [
        (part, measure, label, _measure_sum(replace(target, measure=measure)))
        for part, measure, label in drill_measures(target.indicator)
    ]


@dataclass(frozen=True)
class DrillSums:
    """What a drill-down page counts over the whole place: the figure's composition, the by-school breakdown of a
    population-based rate's numerator (empty otherwise), and when they were counted."""

    composition: list[tuple[str, str, str, float]]
    by_school: list[tuple[str, float]]
    counted_at: dt.datetime


def drill_sums(target: DrillTarget, *, by_school: bool) -> DrillSums:
    """The composition (and the by-school breakdown) of a figure, counted from the 学籍 records at most
    ``INDICATOR_DRILL_CACHE_SECONDS`` ago. Each count is a pass over the place's whole 学籍 chain, so the page of a
    county figure costs seconds of database time at ten times the demo county (docs/load.md); opening its other
    tabs and pages reuses them. The stored figure is part of the key: when a correction or a recompute changes
    it, the sums are counted again at once. 0 counts on every view."""
    seconds = int(conf.get("INDICATOR_DRILL_CACHE_SECONDS"))
    t, stored = target, target.stored
    area, school = (t.area.pk if t.area else None), (t.school.pk if t.school else None)
    place = (t.indicator.code, t.period.year.start_year, t.period.as_of, t.period.flows_to, t.level, area, school)
    figure = (stored.pk, stored.computed_at, stored.numerator, stored.denominator, stored.extra) if stored else None
    key = "indicators:drill:" + hashlib.sha256(repr((place, figure, by_school and t.measure)).encode()).hexdigest()
    if seconds > 0 and (hit := cache.get(key)) is not None:
        return hit  # type: ignore[no-any-return]
    sums = DrillSums(drill_composition(t), drill_by_school(t) if by_school else [], timezone.now())
    if seconds > 0:
        cache.set(key, sums, seconds)
    return sums
