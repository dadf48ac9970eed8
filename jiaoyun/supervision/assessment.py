"""The year's assessment (督导评估) of townships and schools: weighted indicators computed from the modules.

Each indicator kind has one adapter that reads its module set-based (one or two queries for every unit) and
gives, per township or school, ``(done, due, misses)``: how many of the things due in the year were done as
required, and what was missed (the evidence behind the points). The points of a kind are
``weight × done / due`` rounded to 0.1; a unit with nothing due gets the full weight (nothing was missed).
The total is the sum; the rank is the competition rank (1, 2, 2, 4) by total. The year runs from 1 January to
the day of the computation (or 31 December).

* targets (目标任务): indicators with a target for the unit (its own, else its township's, else the county's)
  whose latest value of the year meets it (the indicators app's own ``status_of``);
* dropout (控辍保学): confirmed dropout cases detected in the year, done = returned or placed (复学、安置、巩固观察、
  不需劝返、销号);
* safety (校园安全): hazards due in the year, done = closed (销号) by the deadline;
* projects (项目建设, townships only): the facilities projects of the township, done = not late
  (``jiaoyun.facilities.selectors.township_progress``);
* plan (工作计划): milestones due in the year of the items naming the unit, done = done by the due day;
* rectify (整改): 整改 due in the year, done = 已销号 by the deadline.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Max
from django.urls import NoReverseMatch, reverse

from jiaoyun.areas.choices import AreaLevel
from jiaoyun.areas.models import Area
from jiaoyun.schools.models import School
from jiaoyun.supervision.choices import AssessKind, AssessLevel, RectStatus
from jiaoyun.supervision.models import AssessmentIndicator, Milestone, Rectification

Tally = dict[int, list[Any]]  # unit id → [done, due, misses]


def township_progress(*, on: dt.date) -> dict[int, dict[str, int]]:
    """Projects by township from the facilities app (``{}`` while it is absent)."""
    try:
        from jiaoyun.facilities.selectors import township_progress as progress  # type: ignore[attr-defined]
    except ImportError:
        return {}
    return progress(on=on)


@dataclass(frozen=True)
class Point:
    kind: str
    label: str
    weight: Decimal
    done: int
    due: int
    points: Decimal
    misses: list[str] = field(default_factory=list)
    url: str = ""

    @property
    def rate(self) -> float | None:
        return None if not self.due else self.done / self.due


@dataclass
class Row:
    unit_id: int
    name: str
    township: str
    points: list[Point]
    total: Decimal = Decimal("0")
    rank: int = 0


def _url(name: str, *args: Any) -> str:
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""


def _tally() -> Tally:
    return defaultdict(lambda: [0, 0, []])


def _key(level: str, township: str = "school__township_id", school: str = "school_id") -> str:
    return township if level == AssessLevel.TOWNSHIP else school


def _targets(level: str, year: int, end: dt.date, units: list[Any]) -> Tally:
    from jiaoyun.indicators.definitions import BY_CODE
    from jiaoyun.indicators.models import IndicatorValue, Target
    from jiaoyun.indicators.selectors.figures import status_of

    out = _tally()
    vlevel = IndicatorValue.AreaLevel.TOWNSHIP if level == AssessLevel.TOWNSHIP else IndicatorValue.AreaLevel.SCHOOL
    day = IndicatorValue.objects.filter(level=vlevel, as_of__lte=end, as_of__year=year).aggregate(d=Max("as_of"))["d"]
    if day is None:
        return out
    targets: dict[tuple[str, int], float] = {}
    for t in Target.objects.filter(school_year__lte=year).order_by("school_year").values("code", "area_id", "value"):
        targets[(t["code"], t["area_id"])] = t["value"]  # the latest year stands
    county = Area.objects.filter(level=AreaLevel.COUNTY).values_list("pk", flat=True).first()
    column = "area_id" if level == AssessLevel.TOWNSHIP else "school_id"
    township_of = {s.pk: s.township_id for s in units} if level == AssessLevel.SCHOOL else {}
    for v in IndicatorValue.objects.filter(level=vlevel, as_of=day).values(column, "code", "value"):
        unit = v[column]
        ind = BY_CODE.get(v["code"])
        if ind is None or unit is None:
            continue
        target = targets.get((v["code"], unit)) if level == AssessLevel.TOWNSHIP else None
        if target is None and level == AssessLevel.SCHOOL:
            target = targets.get((v["code"], township_of.get(unit, 0)))
        if target is None:
            target = targets.get((v["code"], county or 0))
        if target is None or v["value"] is None:
            continue
        row = out[unit]
        row[1] += 1
        if status_of(ind, v["value"], target) == "met":
            row[0] += 1
        else:
            row[2].append(f"{ind.name} {v['value']:.1f}，目标 {target:g}")
    return out


def _dropout(level: str, year: int, end: dt.date, units: list[Any]) -> Tally:
    from jiaoyun.dropout.choices import CaseStatus
    from jiaoyun.dropout.models import DropoutCase

    resolved = (CaseStatus.RETURNED, CaseStatus.PLACED, CaseStatus.OBSERVING, CaseStatus.NO_RETURN, CaseStatus.CLOSED)
    key = "township_id" if level == AssessLevel.TOWNSHIP else "school_id"
    out = _tally()
    rows = DropoutCase.objects.filter(detected_on__year=year, detected_on__lte=end).exclude(
        status__in=(CaseStatus.PENDING, CaseStatus.DISMISSED)
    )
    for unit, status in rows.values_list(key, "status"):
        if unit is None:
            continue
        out[unit][1] += 1
        if status in resolved:
            out[unit][0] += 1
    for row in out.values():
        if row[1] > row[0]:
            row[2].append(f"仍有{row[1] - row[0]}名辍学学生未劝返复学或安置")
    return out


def _safety(level: str, year: int, end: dt.date, units: list[Any]) -> Tally:
    from jiaoyun.safety.models import Hazard

    out = _tally()
    rows = Hazard.objects.filter(deadline__year=year, deadline__lte=end).select_related("school")
    for h in rows.only("title", "deadline", "closed_at", "school__township_id", "school_id", "school__name"):
        unit = h.school.township_id if level == AssessLevel.TOWNSHIP else h.school_id
        out[unit][1] += 1
        closed = h.closed_at is not None and h.closed_at.date() <= h.deadline
        if closed:
            out[unit][0] += 1
        else:
            out[unit][2].append(f"{h.school.name}：{h.title}（期限 {h.deadline:%Y-%m-%d}）")
    return out


def _projects(level: str, year: int, end: dt.date, units: list[Any]) -> Tally:
    out = _tally()
    if level != AssessLevel.TOWNSHIP:
        return out
    for township_id, p in township_progress(on=end).items():
        total, late = int(p.get("total", 0)), int(p.get("late", 0))
        out[township_id] = [total - late, total, [f"{late}个项目滞后"] if late else []]
    return out


def _plan(level: str, year: int, end: dt.date, units: list[Any]) -> Tally:
    out = _tally()
    stones = Milestone.objects.filter(item__plan__year=year, due__lte=end).select_related("item")
    if level == AssessLevel.TOWNSHIP:
        pairs = list(stones.filter(item__townships__isnull=False).values_list("pk", "item__townships"))
        pairs += list(stones.filter(item__schools__isnull=False).values_list("pk", "item__schools__township_id"))
    else:
        pairs = list(stones.filter(item__schools__isnull=False).values_list("pk", "item__schools"))
    by_pk = {m.pk: m for m in stones.filter(pk__in={p for p, _ in pairs})}
    for pk, unit in set(pairs):
        m = by_pk[pk]
        out[unit][1] += 1
        if m.done_on is not None and m.done_on <= m.due:
            out[unit][0] += 1
        else:
            out[unit][2].append(f"{m.item.code} {m.item.title}：{m.title}（期限 {m.due:%Y-%m-%d}）")
    return out


def _rectify(level: str, year: int, end: dt.date, units: list[Any]) -> Tally:
    out = _tally()
    rows = Rectification.objects.filter(deadline__year=year, deadline__lte=end).select_related("school")
    for r in rows:
        unit = r.school.township_id if level == AssessLevel.TOWNSHIP else r.school_id
        out[unit][1] += 1
        if r.status == RectStatus.CLOSED and r.closed_on is not None and r.closed_on <= r.deadline:
            out[unit][0] += 1
        else:
            out[unit][2].append(f"{r.school.name}：{r.finding[:40]}（期限 {r.deadline:%Y-%m-%d}）")
    return out


ADAPTERS: dict[str, Callable[[str, int, dt.date, list[Any]], Tally]] = {
    AssessKind.TARGETS: _targets,
    AssessKind.DROPOUT: _dropout,
    AssessKind.SAFETY: _safety,
    AssessKind.PROJECTS: _projects,
    AssessKind.PLAN: _plan,
    AssessKind.RECTIFY: _rectify,
}
URLS: dict[str, tuple[str, tuple[Any, ...]]] = {
    AssessKind.TARGETS: ("indicators:dashboard", ()),
    AssessKind.DROPOUT: ("dropout:ledger", ("dropouts",)),
    AssessKind.SAFETY: ("safety:hazards", ()),
    AssessKind.PROJECTS: ("facilities:projects", ()),
    AssessKind.PLAN: ("supervision:plan", ()),
    AssessKind.RECTIFY: ("supervision:rectifications", ()),
}


def points_of(weight: Decimal, done: int, due: int) -> Decimal:
    """``weight × done / due`` to 0.1 (half up); the full weight when nothing was due."""
    if not due:
        return weight
    return (weight * done / due).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def rank(rows: list[Row]) -> list[Row]:
    """Sort by total (then name) and give competition ranks: equal totals share a rank, the next skips."""
    rows.sort(key=lambda r: (-r.total, r.name))
    for i, row in enumerate(rows):
        row.rank = rows[i - 1].rank if i and row.total == rows[i - 1].total else i + 1
    return rows


def units(level: str) -> list[Any]:
    if level == AssessLevel.TOWNSHIP:
        return list(Area.objects.filter(level=AreaLevel.TOWNSHIP).order_by("sort", "code"))
    return list(School.objects.filter(is_active=True, parent__isnull=True).select_related("township").order_by("code"))


def indicators(*, year: int, level: str) -> list[AssessmentIndicator]:
    return list(AssessmentIndicator.objects.filter(year=year, level=level, weight__gt=0).order_by("sort", "id"))


def assess(*, year: int, level: str, on: dt.date, only: set[int] | None = None) -> list[Row]:
    """The year's scores and ranks of every township (or school), with the evidence of each point."""
    end = min(on, dt.date(year, 12, 31))
    every = units(level)
    config = indicators(year=year, level=level)
    tallies = {i.kind: ADAPTERS[i.kind](level, year, end, every) for i in config}
    rows = []
    for unit in every:
        points = []
        for i in config:
            done, due, misses = tallies[i.kind].get(unit.pk, [0, 0, []])
            name, args = URLS[i.kind]
            points.append(Point(i.kind, i.get_kind_display(), i.weight, done, due, points_of(i.weight, done, due),
                                sorted(misses), _url(name, *args)))  # fmt: skip
        township = unit.township.name if level == AssessLevel.SCHOOL else ""
        rows.append(Row(unit.pk, unit.name, township, points, sum((p.points for p in points), Decimal("0"))))
    ranked = rank(rows)
    return [r for r in ranked if only is None or r.unit_id in only]


def unit_row(*, year: int, level: str, unit_id: int, on: dt.date) -> Row | None:
    return next((r for r in assess(year=year, level=level, on=on) if r.unit_id == unit_id), None)


__all__ = ["assess", "points_of", "rank", "township_progress", "unit_row"]
