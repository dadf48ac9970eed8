"""Stored values for the pages and the API: a place's figures, rankings, trends, the schools' table."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.db.models import Q
from django.utils import timezone

from jiaoyun.areas.choices import AreaLevel
from jiaoyun.areas.models import Area
from jiaoyun.core.schoolyear import SchoolYear
from jiaoyun.core.types import User
from jiaoyun.indicators import conf
from jiaoyun.indicators.definitions import BY_CODE, HEADLINE_CODES, INDICATORS, indicator
from jiaoyun.indicators.models import IndicatorRun, IndicatorValue
from jiaoyun.indicators.selectors.figures import Row, Targets, format_value
from jiaoyun.schools.models import School
from jiaoyun.web.charts import category_chart, is_empty

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

Level = IndicatorValue.AreaLevel


def latest_as_of(*, year: SchoolYear) -> dt.date | None:
    """The as-of date a school year is shown on: a completed year's census date (its stock date) when it has been
    computed on it, else the latest date it was computed on."""
    values = IndicatorValue.objects.filter(school_year=year.start_year)
    return _shown_as_of(year, set(values.values_list("as_of", flat=True).distinct()))


def _shown_as_of(year: SchoolYear, dates: set[dt.date]) -> dt.date | None:
    if year.end < timezone.localdate() and year.census_date in dates:
        return year.census_date
    return max(dates) if dates else None


def available_years() -> list[SchoolYear]:
    """The school years with stored figures, latest first."""
    years = set(IndicatorValue.objects.values_list("school_year", flat=True).distinct())
    return [SchoolYear(y) for y in sorted(years, reverse=True)]


def _to_row(v: IndicatorValue, name: str) -> Row:
    return Row(BY_CODE[v.code], v.level, v.area_id, v.school_id, name, v.school_year, v.as_of, v.value,
               v.numerator, v.denominator, extra=v.extra, flow_end=v.flow_end)  # fmt: skip


def indicator_rows(
    *,
    year: SchoolYear,
    level: str = Level.COUNTY,
    area: Area | None = None,
    school: School | None = None,
    codes: list[str] | None = None,
    as_of: dt.date | None = None,
    targets: Targets | None = None,
) -> list[Row]:
    """The stored figures of one area or school (or every area/school of a level), decorated with targets."""
    as_of = as_of or latest_as_of(year=year)
    chosen = [i for i in INDICATORS if codes is None or i.code in codes]
    qs = IndicatorValue.objects.filter(school_year=year.start_year, code__in=[i.code for i in chosen])
    qs = qs.filter(as_of=as_of) if as_of else qs.none()
    if school is not None:
        qs = qs.filter(level=Level.SCHOOL, school=school)
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
        elif isinstance(place, Area) and place.level == AreaLevel.VILLAGE:
            township_id = place.parent_id
        rows.append(targets.decorate(_to_row(v, str(place)), township_id=township_id))
    if area is not None or school is not None:
        present = {r.code for r in rows}
        place_name = str(school or area)
        for ind in chosen:  # indicators never computed for this place still show as 无数据
            lvl = Level.SCHOOL if school is not None else (area.level if area is not None else level)
            if ind.code not in present and lvl in ind.levels:
                rows.append(
                    targets.decorate(
                        Row(ind, lvl, getattr(area, "pk", None), getattr(school, "pk", None), place_name,
                            year.start_year, as_of, None, 0, 0)
                    )
                )  # fmt: skip
        rows.sort(key=lambda r: order[r.code])
    return rows


def ranking(
    *,
    year: SchoolYear,
    code: str,
    level: str = Level.TOWNSHIP,
    parent: Area | None = None,
    as_of: dt.date | None = None,
    targets: Targets | None = None,
) -> list[Row]:
    """Every township (or village of a township, or school) for one indicator, best first, 无数据 last."""
    ind = indicator(code)
    as_of = as_of or latest_as_of(year=year)
    qs = IndicatorValue.objects.filter(school_year=year.start_year, code=code, level=level)
    qs = qs.filter(as_of=as_of) if as_of else qs.none()
    if parent is not None:
        qs = qs.filter(area__parent=parent) if level == Level.VILLAGE else qs.filter(school__township=parent)
    qs = qs.select_related("area", "school")
    targets = targets or Targets([code])
    rows = []
    for v in qs:
        place = v.school if v.school_id else v.area
        township = place.township_id if isinstance(place, School) else (v.area.parent_id if v.area else None)
        rows.append(targets.decorate(_to_row(v, str(place)), township_id=township if level != Level.TOWNSHIP else None))
    sign = -1 if ind.higher_is_better else 1
    rows.sort(key=lambda r: (r.value is None, sign * (r.value or 0), r.name))
    return rows


def trends(
    *, codes: tuple[str, ...], area: Area | None = None, years: int | None = None, targets: Targets | None = None
) -> dict[str, list[Row]]:
    """The last N school years of some indicators for an area (the county by default), oldest first.

    Each year is read on the date its pages show (``latest_as_of``: the census date for completed years). Two
    queries."""
    area = area or Area.objects.filter(level=AreaLevel.COUNTY).first()
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
        wanted |= Q(school_year=year, as_of=_shown_as_of(SchoolYear(year), dates))
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
                else Row(ind, Level.COUNTY, getattr(area, "pk", None), None, str(area), y, None, None, 0, 0)
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
    # Years are ordinal (not sorted by value); the axis is fitted to the rates (a gross rate may pass 100 %).
    option = category_chart(
        years, series, ordinal=True, rotate=None, legend=True, grid={"left": 40, "right": 16, "top": 40, "bottom": 30}
    )
    if not is_empty(option):
        option["yAxis"]["axisLabel"] = {"formatter": "{value}%"}
    return option


def home_headline(*, user: User | AnonymousUser) -> dict[str, Any] | None:
    """The three plan targets of the current school year for the home page (None when there is no county)."""
    if not user.is_authenticated:
        return None
    county = Area.objects.filter(level=AreaLevel.COUNTY).first()
    if county is None:
        return None
    year = SchoolYear.current()
    rows = indicator_rows(year=year, area=county, codes=list(HEADLINE_CODES))
    by_code = {r.code: r for r in rows}
    items = []
    for code in HEADLINE_CODES:
        row = by_code.get(code)
        if row is None:
            ind = BY_CODE[code]
            row = Targets([code]).decorate(Row(ind, Level.COUNTY, county.pk, None, str(county), year.start_year,
                                               None, None, 0, 0))  # fmt: skip
        items.append(row)
    return {"year": year, "rows": items, "as_of": latest_as_of(year=year)}


def last_run() -> IndicatorRun | None:
    return IndicatorRun.objects.order_by("-started_at").first()


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
    *,
    schools: Iterable[School],
    year: SchoolYear,
    as_of: dt.date | None = None,
    codes: tuple[str, ...] = SCHOOL_TABLE_CODES,
) -> list[dict[str, Any]]:
    """Figures of a page of schools, one row per school and one cell per indicator (one query)."""
    as_of = as_of or latest_as_of(year=year)
    school_list = list(schools)
    values = IndicatorValue.objects.filter(
        school_year=year.start_year, level=Level.SCHOOL, school__in=[s.pk for s in school_list], code__in=codes
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
