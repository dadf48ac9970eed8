"""Figures: a stored indicator value as a row with its target, references, status and gap."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import Any

from jiaoyun.areas.choices import AreaLevel
from jiaoyun.areas.models import Area
from jiaoyun.core.schoolyear import SchoolYear
from jiaoyun.indicators import conf
from jiaoyun.indicators.definitions import Indicator
from jiaoyun.indicators.models import IndicatorValue, Reference, Target

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


class Targets:
    """Targets and references loaded once per request; standing targets carry over to later years."""

    def __init__(self, codes: list[str] | None = None) -> None:
        qs = Target.objects.select_related("area")
        rq = Reference.objects.all()
        if codes is not None:
            qs, rq = qs.filter(code__in=codes), rq.filter(code__in=codes)
        self.targets = sorted(qs, key=lambda t: t.school_year)
        self.refs = {(r.code, r.scope, r.year): r.value for r in rq}
        self.county = Area.objects.filter(level=AreaLevel.COUNTY).first()

    def plan(self, code: str, *, area_id: int | None, township_id: int | None, year: SchoolYear) -> float | None:
        """The latest target set for this year or before: the area's own, else its township's, else the county's."""
        chain = [a for a in (area_id, township_id, self.county.pk if self.county else None) if a]
        for aid in chain:
            found = [
                t for t in self.targets if t.code == code and t.area_id == aid and t.school_year <= year.start_year
            ]
            if found:
                return found[-1].value
        return None

    def reference(self, code: str, scope: str, year: int) -> float | None:
        return self.refs.get((code, scope, year))

    def decorate(self, row: Row, *, township_id: int | None = None) -> Row:
        ind = row.indicator
        row.plan_target = self.plan(
            ind.code,
            area_id=row.area_id if row.level != IndicatorValue.AreaLevel.SCHOOL else None,
            township_id=township_id,
            year=SchoolYear(row.year),
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
