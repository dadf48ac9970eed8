"""Reads of the preschool layout: villages, townships, preschool sites and children, within the user's areas.

The figures are county planning figures (no person in them). A township user sees the villages and townships of
their township; kindergartens anywhere in the county count for the distance (children cross township lines).
The projects in progress come from the projects part of ``facilities`` (``seats_in_progress``), imported when
called so that this module stands on its own."""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.core.exceptions import PermissionDenied
from django.db.models import Q, Sum
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from jiaoyun.areas.choices import AreaLevel
from jiaoyun.areas.models import Area, PopulationCell
from jiaoyun.core.schoolyear import SchoolYear
from jiaoyun.core.scope import area_q
from jiaoyun.facilities.coverage import access, conf
from jiaoyun.facilities.coverage.compute import (
    Capacity,
    CapacityTable,
    Site,
    TownshipCentre,
    Village,
    VillageCoverage,
    capacity,
    township_centres,
    village_coverage,
)
from jiaoyun.indicators import conf as indicator_conf
from jiaoyun.schools.choices import KIND_GRADES, Level, SchoolKind
from jiaoyun.schools.models import School, SchoolClass

log = logging.getLogger(__name__)
PRESCHOOL_KINDS = [kind for kind, grades in KIND_GRADES.items() if any(g <= 0 for g in grades)]


def _f(x: Any) -> float | None:
    return None if x is None else float(x)


def preschool_sites(*, on: dt.date) -> list[Site]:
    """Every active preschool site of the county (see ``compute``)."""
    year = SchoolYear.of(on).start_year
    with_class = SchoolClass.objects.filter(school_year=year, grade__lte=0).values("school_id")
    qs = School.objects.filter(is_active=True).filter(Q(kind__in=PRESCHOOL_KINDS) | Q(id__in=with_class))
    return [
        Site(
            id=s["id"], name=s["name"], kind=s["kind"], ownership=s["ownership"], township_id=s["township_id"],
            village_id=s["village_id"], lat=_f(s["latitude"]), lng=_f(s["longitude"]), seats=s["seats"],
            is_central=s["is_central"], kindergarten=s["kind"] == SchoolKind.KINDERGARTEN,
        )
        for s in qs.values("id", "name", "kind", "ownership", "township_id", "village_id", "latitude", "longitude",
                           "seats", "is_central").order_by("township__sort", "name")
    ]  # fmt: skip


def population_year(*, on: dt.date) -> int | None:
    """The latest year (≤ ``on``'s) with village population cells of the configured source."""
    source = indicator_conf.get("INDICATOR_POPULATION_SOURCE")
    return (
        PopulationCell.objects.filter(area__level=AreaLevel.VILLAGE, source=source, year__lte=on.year)
        .order_by("-year")
        .values_list("year", flat=True)
        .first()
    )


def children_by_village(*, year: int | None) -> dict[int, int]:
    """Children aged 3–5 (the indicators' preschool age band and population source) per village in ``year``: the
    same population the 学前三年毛入园率 divides by."""
    if year is None:
        return {}
    lo, hi = indicator_conf.get("INDICATOR_PRESCHOOL_AGES")
    rows = (
        PopulationCell.objects.filter(area__level=AreaLevel.VILLAGE, year=year, age__gte=lo, age__lte=hi,
                                      source=indicator_conf.get("INDICATOR_POPULATION_SOURCE"))
        .values("area_id").annotate(n=Sum("count")).values_list("area_id", "n")
    )  # fmt: skip
    return {area_id: int(n or 0) for area_id, n in rows}


def seats_in_progress() -> tuple[dict[int, int], bool]:
    """Township → preschool seats of the projects not yet in use, and whether the projects are available."""
    try:
        from jiaoyun.facilities.selectors import seats_in_progress as provider
    except ImportError:
        return {}, False
    return dict(provider(level=Level.PRESCHOOL)), True


def project_link(*, township_id: int, village_id: int | None = None, note: str) -> str | None:
    """The 开工程项目 link (prefilled new project) of a gap, or None while projects are not installed."""
    try:
        url = reverse("facilities:project_new")
    except NoReverseMatch:
        return None
    params: dict[str, Any] = {"township": township_id, "kind": "new", "level": Level.PRESCHOOL, "note": note}
    if village_id is not None:
        params["village"] = village_id
    return f"{url}?{urlencode(params)}"


@dataclass
class Gap:
    kind: str  # "village" or "centre"
    township_id: int
    township: str
    village_id: int | None
    name: str
    reason: str
    children: int | None
    link: str | None


@dataclass
class Coverage:
    villages: list[VillageCoverage]
    centres: list[TownshipCentre]
    capacity: CapacityTable
    gaps: list[Gap]
    sites: list[Site]
    within_km: float
    target: float
    population_year: int | None
    projects_available: bool

    @property
    def covered(self) -> int:
        return sum(1 for v in self.villages if not v.is_gap)

    @property
    def centres_met(self) -> int:
        return sum(1 for c in self.centres if c.centre is not None)

    @property
    def county(self) -> Capacity:
        return self.capacity.county


def coverage(*, user: Any, township_id: int | None = None, on: dt.date | None = None) -> Coverage:
    """The layout of the townships the user may see (one township when ``township_id`` is given)."""
    if not access.can_view(user):
        raise PermissionDenied("无权查看学前教育布局")
    on = on or timezone.localdate()
    towns_qs = Area.objects.filter(area_q(user), level=AreaLevel.TOWNSHIP).order_by("sort", "code")
    if township_id is not None:
        towns_qs = towns_qs.filter(pk=township_id)
    towns = list(towns_qs.values_list("id", "name", "is_seat"))
    names = {t[0]: t[1] for t in towns}
    year = population_year(on=on)
    children = children_by_village(year=year)
    villages = [
        Village(id=v["id"], name=v["name"], township_id=v["parent_id"], lat=_f(v["latitude"]),
                lng=_f(v["longitude"]), children=children.get(v["id"], 0))
        for v in Area.objects.filter(level=AreaLevel.VILLAGE, parent_id__in=list(names))
        .order_by("parent__sort", "sort", "code").values("id", "name", "parent_id", "latitude", "longitude")
    ]  # fmt: skip
    sites = preschool_sites(on=on)
    within = float(conf.get("COVERAGE_DISTANCE_KM"))
    cover = village_coverage(villages, sites, within_km=within)
    centres = township_centres(towns, sites, names=tuple(conf.get("COVERAGE_CENTRAL_NAMES")),
                               seat_any_public=bool(conf.get("COVERAGE_SEAT_ANY_PUBLIC")))  # fmt: skip
    by_township: dict[int, int] = {}
    for v in villages:
        by_township[v.township_id] = by_township.get(v.township_id, 0) + v.children
    in_progress, available = seats_in_progress()
    table = capacity([(t[0], t[1]) for t in towns], sites, by_township, in_progress)
    gaps = _gaps(cover, centres, names, within)
    return Coverage(cover, centres, table, gaps, sites, within, float(conf.get("COVERAGE_INCLUSIVE_TARGET")), year,
                    available)  # fmt: skip


def _gaps(cover: list[VillageCoverage], centres: list[TownshipCentre], names: dict[int, str], km: float) -> list[Gap]:
    gaps = []
    for c in centres:
        if c.centre is None:
            reason = f"{c.name}没有公办中心幼儿园（一乡一中心）"
            gaps.append(Gap("centre", c.township_id, c.name, None, f"{c.name}中心幼儿园", reason, None,
                            project_link(township_id=c.township_id, note=reason)))  # fmt: skip
    for vc in cover:
        if not vc.is_gap:
            continue
        v = vc.village
        if vc.status == "unknown":
            reason = f"{v.name}本村无幼儿园（班），且未登记村委会坐标，无法判断{km:g}公里内是否有园"
        elif vc.site is None:
            reason = f"{v.name}本村及全县均无可就近入园的幼儿园（班）"
        else:
            reason = f"{v.name}本村无幼儿园（班），最近的{vc.site.name}相距{vc.km}公里，超过{km:g}公里"
        gaps.append(Gap("village", v.township_id, names.get(v.township_id, ""), v.id, v.name, reason, v.children,
                        project_link(township_id=v.township_id, village_id=v.id, note=reason)))  # fmt: skip
    return gaps
