"""Periods: a school year and the date on which it is read."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from jiaoyun.core.errors import DomainError
from jiaoyun.core.schoolyear import SchoolYear
from jiaoyun.indicators import conf


def default_as_of(year: SchoolYear, today: dt.date | None = None) -> dt.date:
    """Past years are read on their census date; the current year on today (its figures move daily)."""
    today = today or timezone.localdate()
    if year.start <= today <= year.end:
        return max(today, year.start)
    if today < year.start:
        raise DomainError(f"{year.label}尚未开始，无法计算", field="学年")
    return year.census_date


def check_as_of(year: SchoolYear, as_of: dt.date) -> None:
    if not (year.start <= as_of <= year.end):
        raise DomainError(f"统计日{as_of}不在{year.label}（{year.start}至{year.end}）内", field="统计日")


def _shift(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


@dataclass(frozen=True)
class Period:
    """A school year read on an as-of date. Stock figures are the states on ``as_of``; flow figures (events
    during the year: dropouts) cover the year from its start to ``flow_end``: the whole school year once it has
    ended, the as-of date while it runs (REFERENCE §1.5: 学年内辍学学生总数)."""

    year: SchoolYear
    as_of: dt.date
    flows_to: dt.date | None = None  # an explicit end of the flow window (the stored one, in a drill-down)

    @property
    def flow_end(self) -> dt.date:
        if self.flows_to is not None:
            return self.flows_to
        return self.year.end if self.year.end < timezone.localdate() else self.as_of

    @property
    def base(self) -> dt.date:
        """The start-of-year stock date (学年初): the census date, or the as-of date if earlier."""
        return min(self.as_of, self.year.census_date)

    @property
    def entry9(self) -> dt.date:
        return self.year.shift(-9).census_date

    @property
    def entry3(self) -> dt.date:
        return self.year.shift(-3).census_date

    def dates(self) -> set[dt.date]:
        return {self.as_of, self.base, self.entry9, self.entry3, self.flow_end}

    def params(self) -> dict[str, Any]:
        y = self.year
        ref_month, ref_day = conf.get("INDICATOR_AGE_REFERENCE_MONTH_DAY")
        ref = _shift(dt.date(2000, ref_month, ref_day), y.census_date.year - 2000)
        p: dict[str, Any] = {
            "year": y.start_year,
            "as_of": self.as_of,
            "d_D": self.as_of,
            "d_B": self.base,
            "d_E9": self.entry9,
            "d_E3": self.entry3,
            "d_F": self.flow_end,
            "start": y.start,
            # 外县就读 at senior level counts if recorded in this school year or the two before (a 3-year course)
            "out_from": y.shift(-2).start,
            "prev_start": y.shift(-1).start,
            "prev_end": y.shift(-1).end,
            "pop_year": y.census_date.year,
            "pop_source": conf.get("INDICATOR_POPULATION_SOURCE"),
            "big_lo": conf.get("INDICATOR_LARGE_CLASS")[0],
            "big_hi": conf.get("INDICATOR_LARGE_CLASS")[1],
            "super_min": conf.get("INDICATOR_SUPER_LARGE_CLASS_MIN"),
        }
        for band, key in (("pre", "PRESCHOOL"), ("pri", "PRIMARY"), ("jun", "JUNIOR"), ("sen", "SENIOR")):
            lo, hi = conf.get(f"INDICATOR_{key}_AGES")
            p[f"{band}_lo"], p[f"{band}_hi"] = lo, hi
            # Age a on the reference date R ⇔ R − (a+1) years < birth ≤ R − a years.
            p[f"{band}_blo"], p[f"{band}_bhi"] = _shift(ref, -(hi + 1)), _shift(ref, -lo)
        # Cohort windows: the school year in which the cohort sits in grade g (after the entry census date).
        for cohort, entry_year, first in (("w9", y.shift(-9), 1), ("w3", y.shift(-3), 7)):
            for g in range(first, 10):
                sy = entry_year.shift(g - first)
                p[f"{cohort}_{g}_lo"] = entry_year.census_date if g == first else sy.start - dt.timedelta(days=1)
                p[f"{cohort}_{g}_hi"] = sy.end
        return p


def periods_for(
    *, from_year: SchoolYear | None = None, to_year: SchoolYear | None = None, as_of: dt.date | None = None
) -> list[Period]:
    current = SchoolYear.current()
    last = to_year or current
    first = from_year or last
    if first > last:
        raise DomainError("起始学年晚于结束学年", field="学年")
    years = [SchoolYear(y) for y in range(first.start_year, last.start_year + 1)]
    if as_of is not None:
        if len(years) != 1:
            raise DomainError("指定统计日时只能计算一个学年", field="统计日")
        return [Period(years[0], as_of)]
    return [Period(y, default_as_of(y)) for y in years]
