"""Reads of the indicators module: stored values against targets and references, trends, drill-down lists."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, replace
from typing import Any

from django.db import connection
from django.db.models import Q, QuerySet
from django.db.models.expressions import RawSQL
from django.utils import timezone

from jiaoyun.areas.models import Area, PopulationCell
from jiaoyun.core.errors import DomainError
from jiaoyun.core.schoolyear import SchoolYear
from jiaoyun.core.scope import area_q, school_q, student_q, teacher_q
from jiaoyun.indicators import conf
from jiaoyun.indicators.compute import GAP_MEASURES, MEASURES, TEACHER_MEMBERS, Period, member_sql, positional
from jiaoyun.indicators.definitions import BY_CODE, HEADLINE_CODES, INDICATORS, Indicator, indicator
from jiaoyun.indicators.models import IndicatorRun, IndicatorValue, Reference, Target
from jiaoyun.people.models import Student, Teacher
from jiaoyun.schools.choices import Grade
from jiaoyun.schools.models import School, SchoolClass

# A figure below its target is not met, even within the margin: 临界 only qualifies 未达标.
STATUS_LABELS = {"met": "达标", "at_risk": "未达标（临界）", "not_met": "未达标", "no_data": "无数据", "": "—"}

# Why a rate can exceed 100 % (shown beside such a figure, with its composition on the drill-down page).
OVER_100_NOTES = {
    "retention_9y": "分子为本年全部初中毕业生（含早一届入学、留级后毕业者和未记为县外转入的学生），分母为该届入学时"
    "一年级人数加县外转入、减转出县外和死亡；乡镇按学生户籍统计，户籍迁入的学生计入现户籍乡镇",
    "retention_junior": "分子为本年全部初中毕业生（含留级后毕业者和未记为县外转入的学生），分母为该届入初一时人数加县外"
    "转入、减转出县外和死亡；乡镇按学生户籍统计，户籍迁入的学生计入现户籍乡镇",
    "preschool_gross": "毛入园率的分子含超龄、低龄幼儿，分母为户籍（或常住）人口，外来儿童在园也计入分子",
    "primary_gross": "毛入学率的分子含超龄、低龄学生，分母为户籍（或常住）人口，外来学生在校也计入分子",
    "junior_gross": "毛入学率的分子含超龄、低龄学生，分母为户籍（或常住）人口，外来学生在校也计入分子",
    "senior_gross": "毛入学率的分子含超龄、低龄学生，分母为户籍（或常住）人口，外来学生在校也计入分子",
    "primary_net": "净入学率按户籍村统计学生，户籍人口登记滞后时可超过100%",
    "junior_net": "净入学率按户籍村统计学生，户籍人口登记滞后时可超过100%",
    "preschool_net": "净入园率按户籍村统计幼儿，户籍人口登记滞后时可超过100%",
    "progression_primary": "分子含上一学年毕业后在县内初中就读的全部学生",
}


@dataclass
class Row:
    """One indicator figure with its target, references, status and gap."""

    indicator: Indicator
    level: str
    area_id: int | None
    school_id: int | None
    name: str
    year: int
    as_of: dt.date | None
    value: float | None
    numerator: float
    denominator: float
    target: float | None = None
    plan_target: float | None = None
    city: float | None = None
    national: float | None = None
    status: str = ""
    gap: int | None = None
    extra: float | None = None  # the count shown beside the figure (Indicator.extra_text)
    flow_end: dt.date | None = None  # the last day its flows (events during the year) cover

    @property
    def extra_text(self) -> str:
        if self.extra is None or not self.indicator.extra_text:
            return ""
        return self.indicator.extra_label().format(n=_num(self.extra))

    @property
    def period_text(self) -> str:
        """What period a flow figure covers: the whole school year once it has ended, else to date."""
        if not self.indicator.flow or self.flow_end is None:
            return ""
        year = SchoolYear(self.year)
        if self.flow_end >= year.end:
            return f"全学年（{year.start:%Y-%m-%d}至{year.end:%Y-%m-%d}）"
        return f"学年内截至 {self.flow_end:%Y-%m-%d}"

    @property
    def over_100_note(self) -> str:
        if self.value is None or not self.indicator.is_rate or self.value <= 100 + 1e-9:
            return ""
        return OVER_100_NOTES.get(self.code, "")

    @property
    def code(self) -> str:
        return self.indicator.code

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]

    @property
    def value_text(self) -> str:
        return format_value(self.indicator, self.value)

    @property
    def gap_text(self) -> str:
        if not self.gap or self.target is None:
            return ""
        target = f"{self.target:g}%"
        if self.indicator.higher_is_better:
            return f"还需 {self.gap} 名{self.indicator.gap_phrase}方可达到 {target}"
        return f"需减少 {self.gap} 名方可降至 {target}"

    @property
    def gap_query(self) -> str:
        """Query-string part of the drill-down listing the children who would close the gap ("" if none)."""
        measure = self.indicator.gap_measure
        return f"{self.place_query}&measure={measure}" if measure and self.gap else ""

    @property
    def numerator_measure(self) -> str:
        return self.indicator.numerator[0]

    @property
    def denominator_measure(self) -> str:
        return self.indicator.denominator[0]

    @property
    def place_query(self) -> str:
        """Query-string part that locates this figure (for drill-down links)."""
        where = f"school={self.school_id}" if self.school_id else f"area={self.area_id}"
        as_of = f"&as_of={self.as_of.isoformat()}" if self.as_of else ""
        return f"code={self.code}&year={self.year}{as_of}&{where}"

    @property
    def numerator_text(self) -> str:
        return str(_num(self.numerator))

    @property
    def denominator_text(self) -> str:
        return str(_num(self.denominator))

    def as_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "name": self.indicator.name,
            "level": self.level,
            "area": self.name,
            "area_id": self.area_id,
            "school_id": self.school_id,
            "year": self.year,
            "as_of": self.as_of.isoformat() if self.as_of else None,
            "value": None if self.value is None else round(self.value, 2),
            "numerator": _num(self.numerator),
            "denominator": _num(self.denominator),
            "unit": self.indicator.unit,
            "target": self.target,
            "status": self.status or None,
            "status_label": self.status_label,
            "gap": self.gap,
            "city": self.city,
            "national": self.national,
            "extra": None if self.extra is None else _num(self.extra),
            "extra_text": self.extra_text,
            "flow_end": self.flow_end.isoformat() if self.flow_end else None,
            "period": self.period_text,
        }


def number(x: float) -> float | int:
    return _num(x)


def _num(x: float) -> float | int:
    return int(x) if float(x).is_integer() else round(x, 2)


def format_value(ind: Indicator, value: float | None) -> str:
    if value is None:
        return "无数据"
    if ind.is_rate:
        return f"{value:.1f}%"
    return f"{value:.1f}:1"


def status_of(ind: Indicator, value: float | None, target: float | None) -> str:
    if target is None:
        return "" if value is not None else "no_data"
    if value is None:
        return "no_data"
    margin = float(conf.get("INDICATOR_AT_RISK_MARGIN"))
    if ind.higher_is_better:
        if value >= target - 1e-9:
            return "met"
        return "at_risk" if value >= target - margin else "not_met"
    if value <= target + 1e-9:
        return "met"
    return "at_risk" if value <= target + margin else "not_met"


def gap_of(ind: Indicator, row_num: float, row_den: float, target: float | None, status: str) -> int | None:
    """Children needed: ceil(target × denominator − numerator) (or the excess, for lower-is-better rates)."""
    if target is None or status in ("met", "no_data", "") or not ind.is_rate or row_den <= 0:
        return None
    if ind.higher_is_better:
        return max(0, math.ceil(round(target / 100 * row_den - row_num, 9)))
    return max(0, math.ceil(round(row_num - target / 100 * row_den, 9)))


# ---------------------------------------------------------------------------------------------------------
# Targets and references.


class Targets:
    """Targets and references loaded once per request; standing targets carry over to later years."""

    def __init__(self, codes: list[str] | None = None) -> None:
        qs = Target.objects.select_related("area")
        rq = Reference.objects.all()
        if codes is not None:
            qs, rq = qs.filter(code__in=codes), rq.filter(code__in=codes)
        self.targets = sorted(qs, key=lambda t: t.school_year)
        self.refs = {(r.code, r.scope, r.year): r.value for r in rq}
        self.county = Area.objects.filter(level="county").first()

    def plan(self, code: str, *, area_id: int | None, township_id: int | None, year: int) -> float | None:
        """The latest target set for this year or before: the area's own, else its township's, else the county's."""
        chain = [a for a in (area_id, township_id, self.county.pk if self.county else None) if a]
        for aid in chain:
            found = [t for t in self.targets if t.code == code and t.area_id == aid and t.school_year <= year]
            if found:
                return found[-1].value
        return None

    def reference(self, code: str, scope: str, year: int) -> float | None:
        return self.refs.get((code, scope, year))

    def decorate(self, row: Row, *, township_id: int | None = None) -> Row:
        ind = row.indicator
        row.plan_target = self.plan(
            ind.code, area_id=row.area_id if row.level != "school" else None, township_id=township_id, year=row.year
        )
        row.city = self.reference(ind.code, Reference.Scope.CITY, row.year)
        row.national = self.reference(ind.code, Reference.Scope.NATIONAL, row.year)
        target = row.plan_target
        if target is not None and row.city is not None and conf.get("INDICATOR_TARGET_AT_LEAST_CITY"):
            target = max(target, row.city) if ind.higher_is_better else min(target, row.city)
        row.target = target
        row.status = status_of(ind, row.value, target)
        row.gap = gap_of(ind, row.numerator, row.denominator, target, row.status)
        return row


# ---------------------------------------------------------------------------------------------------------
# Values.


def latest_as_of(*, year: int) -> dt.date | None:
    """The as-of date a school year is shown on: a completed year's census date (its stock date) when it has been
    computed on it, else the latest date it was computed on."""
    values = IndicatorValue.objects.filter(school_year=year)
    return _shown_as_of(year, set(values.values_list("as_of", flat=True).distinct()))


def _shown_as_of(year: int, dates: set[dt.date]) -> dt.date | None:
    sy = SchoolYear(year)
    if sy.end < timezone.localdate() and sy.census_date in dates:
        return sy.census_date
    return max(dates) if dates else None


def available_years() -> list[int]:
    return sorted(set(IndicatorValue.objects.values_list("school_year", flat=True).distinct()), reverse=True)


def _to_row(v: IndicatorValue, name: str) -> Row:
    return Row(
        indicator=BY_CODE[v.code],
        level=v.level,
        area_id=v.area_id,
        school_id=v.school_id,
        name=name,
        year=v.school_year,
        as_of=v.as_of,
        value=v.value,
        numerator=v.numerator,
        denominator=v.denominator,
        extra=v.extra,
        flow_end=v.flow_end,
    )


def indicator_rows(
    *,
    year: int,
    level: str = "county",
    area: Area | None = None,
    school: School | None = None,
    codes: list[str] | None = None,
    as_of: dt.date | None = None,
    targets: Targets | None = None,
) -> list[Row]:
    """The stored figures of one area or school (or every area/school of a level), decorated with targets."""
    as_of = as_of or latest_as_of(year=year)
    chosen = [i for i in INDICATORS if codes is None or i.code in codes]
    qs = IndicatorValue.objects.filter(school_year=year, code__in=[i.code for i in chosen])
    qs = qs.filter(as_of=as_of) if as_of else qs.none()
    if school is not None:
        qs = qs.filter(level="school", school=school)
    elif area is not None:
        qs = qs.filter(area=area)
    else:
        qs = qs.filter(level=level)
    qs = qs.select_related("area", "school", "school__township")
    targets = targets or Targets([i.code for i in chosen])
    found = {}
    for v in qs:
        place = v.school if v.school_id else v.area
        found[(v.code, v.area_id, v.school_id)] = (v, place)
    rows = []
    order = {i.code: n for n, i in enumerate(INDICATORS)}
    for v, place in sorted(found.values(), key=lambda p: (str(p[1]), order[p[0].code])):
        township_id = None
        if isinstance(place, School):
            township_id = place.township_id
        elif isinstance(place, Area) and place.level == "village":
            township_id = place.parent_id
        rows.append(targets.decorate(_to_row(v, str(place)), township_id=township_id))
    if area is not None or school is not None:
        present = {r.code for r in rows}
        place_name = str(school or area)
        for ind in chosen:  # indicators never computed for this place still show as 无数据
            lvl = "school" if school is not None else (area.level if area is not None else level)
            if ind.code not in present and lvl in ind.levels:
                rows.append(
                    targets.decorate(
                        Row(ind, lvl, getattr(area, "pk", None), getattr(school, "pk", None), place_name, year,
                            as_of, None, 0, 0)
                    )
                )  # fmt: skip
        rows.sort(key=lambda r: order[r.code])
    return rows


def ranking(
    *,
    year: int,
    code: str,
    level: str = "township",
    parent: Area | None = None,
    as_of: dt.date | None = None,
    targets: Targets | None = None,
) -> list[Row]:
    """Every township (or village of a township, or school) for one indicator, best first, 无数据 last."""
    ind = indicator(code)
    as_of = as_of or latest_as_of(year=year)
    qs = IndicatorValue.objects.filter(school_year=year, code=code, level=level)
    qs = qs.filter(as_of=as_of) if as_of else qs.none()
    if parent is not None:
        qs = qs.filter(area__parent=parent) if level == "village" else qs.filter(school__township=parent)
    qs = qs.select_related("area", "school")
    targets = targets or Targets([code])
    rows = []
    for v in qs:
        place = v.school if v.school_id else v.area
        township = place.township_id if isinstance(place, School) else (v.area.parent_id if v.area else None)
        rows.append(targets.decorate(_to_row(v, str(place)), township_id=township if level != "township" else None))
    sign = -1 if ind.higher_is_better else 1
    rows.sort(key=lambda r: (r.value is None, sign * (r.value or 0), r.name))
    return rows


def trends(
    *, codes: tuple[str, ...], area: Area | None = None, years: int | None = None, targets: Targets | None = None
) -> dict[str, list[Row]]:
    """The last N school years of some indicators for an area (the county by default), oldest first.

    Each year is read on the date its pages show (``latest_as_of``: the census date for completed years). Two
    queries."""
    area = area or Area.objects.filter(level="county").first()
    n = years or int(conf.get("INDICATOR_TREND_YEARS"))
    last = SchoolYear.current().start_year
    computed: dict[int, set[dt.date]] = {}
    for year, as_of in (
        IndicatorValue.objects.filter(code__in=codes, area=area, school_year__gt=last - n)
        .values_list("school_year", "as_of")
        .distinct()
    ):
        computed.setdefault(year, set()).add(as_of)
    wanted = Q(pk__in=[])
    for year, dates in computed.items():  # the same date per year as the pages (``latest_as_of``)
        wanted |= Q(school_year=year, as_of=_shown_as_of(year, dates))
    values = {(v.code, v.school_year): v for v in IndicatorValue.objects.filter(wanted, code__in=codes, area=area)}
    targets = targets or Targets(list(codes))
    out: dict[str, list[Row]] = {}
    for code in codes:
        ind = indicator(code)
        rows = []
        for y in range(last - n + 1, last + 1):
            v = values.get((code, y))
            row = (
                _to_row(v, str(area))
                if v
                else Row(ind, "county", getattr(area, "pk", None), None, str(area), y, None, None, 0, 0)
            )
            rows.append(targets.decorate(row))
        out[code] = rows
    return out


def trend(*, code: str, area: Area | None = None, years: int | None = None) -> list[Row]:
    return trends(codes=(code,), area=area, years=years)[code]


def trend_chart(
    *, codes: tuple[str, ...] = HEADLINE_CODES, area: Area | None = None, targets: Targets | None = None
) -> dict[str, Any]:
    """ECharts option for the ten-year trends of some rate indicators, with their targets as dashed lines."""
    series: list[dict[str, Any]] = []
    years: list[str] = []
    for code, rows in trends(codes=codes, area=area, targets=targets).items():
        years = [str(r.year) for r in rows]
        name = BY_CODE[code].name
        series.append(
            {
                "name": name,
                "type": "line",
                "connectNulls": False,
                "data": [None if r.value is None else round(r.value, 1) for r in rows],
            }
        )
        series.append(
            {
                "name": f"{name}目标",
                "type": "line",
                "lineStyle": {"type": "dashed"},
                "symbol": "none",
                "data": [r.target for r in rows],
            }
        )
    return {
        "tooltip": {"trigger": "axis"},
        "legend": {"type": "scroll", "top": 0},
        "grid": {"left": 40, "right": 16, "top": 40, "bottom": 30},
        "xAxis": {"type": "category", "data": years},
        "yAxis": {"type": "value", "axisLabel": {"formatter": "{value}%"}},
        "series": series,
    }


def home_headline(*, user: Any) -> dict[str, Any] | None:
    """The three plan targets of the current school year for the home page (None when there is no county)."""
    if not getattr(user, "is_authenticated", False):
        return None
    county = Area.objects.filter(level="county").first()
    if county is None:
        return None
    year = SchoolYear.current()
    rows = indicator_rows(year=year.start_year, area=county, codes=list(HEADLINE_CODES))
    by_code = {r.code: r for r in rows}
    items = []
    for code in HEADLINE_CODES:
        row = by_code.get(code)
        if row is None:
            ind = BY_CODE[code]
            row = Targets([code]).decorate(Row(ind, "county", county.pk, None, str(county), year.start_year,
                                               None, None, 0, 0))  # fmt: skip
        items.append(row)
    return {"year": year, "rows": items, "as_of": latest_as_of(year=year.start_year)}


def last_run() -> IndicatorRun | None:
    return IndicatorRun.objects.order_by("-started_at").first()


# ---------------------------------------------------------------------------------------------------------
# Drill-down: the members behind a figure, computed with the same member queries as the stored figure.


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
    *, code: str, measure: str, year: int, as_of: dt.date | None, area_id: int | None, school_id: int | None
) -> DrillTarget:
    ind = indicator(code)
    measures = [m.lstrip("-") for m in (*ind.numerator_measures(), *ind.denominator_measures(), *ind.extra)]
    if ind.gap_measure:
        measures.append(ind.gap_measure)
    if measure not in measures:
        raise DomainError(f"“{MEASURES.get(measure, (measure,))[0]}”不是{ind.name}的组成部分", field="measure")
    as_of = as_of or latest_as_of(year=year)
    sy = SchoolYear(year)
    if as_of is None:
        from jiaoyun.indicators.compute import default_as_of

        as_of = default_as_of(sy)
    school = School.objects.select_related("township").filter(pk=school_id).first() if school_id else None
    area = Area.objects.filter(pk=area_id).first() if area_id else None
    if school is not None:
        level = "school"
    elif area is not None:
        level = area.level
    else:
        raise DomainError("请指定区域或学校", field="area")
    if level not in ind.levels:
        raise DomainError(f"{ind.name}不按{dict(IndicatorValue.AreaLevel.choices)[level]}统计", field="area")
    stored = IndicatorValue.objects.filter(code=code, school_year=year, as_of=as_of, level=level)
    stored = stored.filter(school=school) if school is not None else stored.filter(area=area)
    found = stored.first()
    # the stored figure's flow window (a figure computed while its year ran counts to its as-of date)
    period = Period(sy, as_of, flows_to=found.flow_end if found is not None else None)
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
    if t.level == "school" and t.school is not None:
        where, params["key"] = " WHERE m.school_id = %(key)s", t.school.pk
    elif t.level == "village" and t.area is not None:
        where, params["key"] = " WHERE m.village_id = %(key)s", t.area.pk
    elif t.level == "township" and t.area is not None:
        key = "v.parent_id" if t.indicator.township_key_hukou else "sc.township_id"
        where, params["key"] = f" WHERE {key} = %(key)s", t.area.pk
    sql = (
        f"SELECT {column} FROM ({member_sql(t.measure)}) m"
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


def drill_students(*, user: Any, target: DrillTarget) -> QuerySet[Student]:
    """The students counted in a measure of a figure, within the user's scope, each with their state on the
    figure's date from the event chain (``on_kind``, ``on_school_name``, ``on_grade``): a child who dropped out
    in 2021 is listed as 辍学 in a 2021 figure, whatever they became since."""
    from django.db.models import OuterRef, Subquery

    from jiaoyun.people.models import EnrolmentEvent

    sql, params = _members_sql(target)
    day = state_date(target)
    on = EnrolmentEvent.objects.filter(student=OuterRef("pk"), date__lte=day).order_by("-date", "-seq", "-id")
    return (
        Student.objects.filter(student_q(user))
        .filter(id__in=RawSQL(sql, params))
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
    from jiaoyun.people.choices import IN_SCHOOL_EVENTS, EventKind

    if not kind:
        return "无学籍记录"
    return "在校" if kind in IN_SCHOOL_EVENTS else str(EventKind(kind).label)


def grade_label(grade: int | None) -> str:
    if grade is None:
        return ""
    return str(dict(Grade.choices).get(grade, grade))


def drill_population(*, user: Any, target: DrillTarget) -> QuerySet[PopulationCell]:
    """Population cells are aggregates (no personal data); users see the cells of the areas in their scope."""
    sql, params = _members_sql(target)
    return (
        PopulationCell.objects.filter(area_q(user, prefix="area__") | area_q(user, prefix="area__parent__"))
        .filter(id__in=RawSQL(sql, params))
        .select_related("area", "area__parent")
        .order_by("area__code", "age", "sex")
    )


def drill_classes(*, user: Any, target: DrillTarget) -> QuerySet[SchoolClass]:
    sql, params = _members_sql(target)
    return (
        SchoolClass.objects.filter(school_q(user, prefix="school__"))
        .filter(id__in=RawSQL(sql, params))
        .select_related("school")
        .order_by("school__code", "grade", "number")
    )


def drill_teachers(*, user: Any, target: DrillTarget) -> QuerySet[Teacher]:
    """Full-time teachers on the date at the schools that contribute to the figure."""
    schools_sql, params = _members_named(target, column="m.school_id")
    sql, values = positional(
        f"SELECT tm.teacher_id FROM ({TEACHER_MEMBERS}) tm WHERE tm.school_id IN ({schools_sql})", params
    )
    return (
        Teacher.objects.filter(teacher_q(user))
        .filter(id__in=RawSQL(sql, values))
        .select_related("school")
        .order_by("school_id", "id")
    )


SCHOOL_TABLE_CODES = (
    "dropout_primary",
    "dropout_junior",
    "retention_junior",
    "progression_primary",
    "large_class",
    "ptr_primary",
    "ptr_junior",
)


def school_table(
    *, schools: Any, year: int, as_of: dt.date | None = None, codes: tuple[str, ...] = SCHOOL_TABLE_CODES
) -> list[dict[str, Any]]:
    """Figures of a page of schools, one row per school and one cell per indicator (one query)."""
    as_of = as_of or latest_as_of(year=year)
    school_list = list(schools)
    values = IndicatorValue.objects.filter(
        school_year=year, level="school", school__in=[s.pk for s in school_list], code__in=codes
    ).only("code", "school_id", "value", "numerator", "denominator")
    values = values.filter(as_of=as_of) if as_of else values.none()
    found = {(v.school_id, v.code): v for v in values}
    rows = []
    for school in school_list:
        cells = []
        for code in codes:
            v = found.get((school.pk, code))
            cells.append(
                {
                    "code": code,
                    "text": format_value(BY_CODE[code], v.value) if v else "—",
                    "value": v.value if v else None,
                }
            )
        rows.append({"school": school, "cells": cells})
    return rows


def school_table_headers(codes: tuple[str, ...] = SCHOOL_TABLE_CODES) -> list[str]:
    return [BY_CODE[c].name for c in codes]


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
    from jiaoyun.schools.models import School

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
