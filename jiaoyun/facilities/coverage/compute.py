"""一村一幼、一乡一中心 and 普惠 capacity, computed from plain values (no database), so each rule is tested by hand.

* A **preschool site** is an active kindergarten, a school whose kind teaches grades ≤ 0 (a 教学点 with its 幼儿班,
  ``schools.choices.KIND_GRADES``), or any school with a preschool class (grade ≤ 0) this school year.
* A **village** is covered *in the village* when a site's village is it; *nearby* when the nearest site (anywhere
  in the county) is within the distance setting, straight-line from the school's coordinates to the village's;
  otherwise it is a **gap**. A village without coordinates and without a site of its own cannot be judged
  (``unknown``): it is listed so that its coordinates get entered.
* A **township** has its centre when a public (公办) kindergarten in it is marked 中心 or named so (in the county seat
  any public kindergarten, by setting).
* **普惠 capacity** of a township: the seats (核定学位数) of its 公办 and 普惠性民办 kindergartens against its children
  aged 3–5; the county's rate against the target, and the seats missing to reach it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from jiaoyun.areas.boundary import distance_km

IN_VILLAGE, NEARBY, GAP, UNKNOWN = "in_village", "nearby", "gap", "unknown"
STATUS_LABELS = {IN_VILLAGE: "本村有园", NEARBY: "就近有园", GAP: "缺口", UNKNOWN: "无坐标"}


@dataclass(frozen=True)
class Site:
    id: int
    name: str
    kind: str
    ownership: str
    township_id: int
    village_id: int | None
    lat: float | None
    lng: float | None
    seats: int | None = None
    is_central: bool = False
    kindergarten: bool = True  # False: a 教学点 or school with a preschool class

    @property
    def public(self) -> bool:
        return self.ownership == "public"

    @property
    def inclusive(self) -> bool:
        return self.ownership in ("public", "inclusive_private")


@dataclass(frozen=True)
class Village:
    id: int
    name: str
    township_id: int
    lat: float | None
    lng: float | None
    children: int = 0  # aged 3–5

    @property
    def community(self) -> bool:
        return self.name.endswith("社区")


@dataclass(frozen=True)
class VillageCoverage:
    village: Village
    status: str
    site: Site | None = None
    km: float | None = None

    @property
    def label(self) -> str:
        return STATUS_LABELS[self.status]

    @property
    def is_gap(self) -> bool:
        return self.status in (GAP, UNKNOWN)


def village_coverage(villages: list[Village], sites: list[Site], *, within_km: float) -> list[VillageCoverage]:
    by_village: dict[int, list[Site]] = {}
    for s in sites:
        if s.village_id is not None:
            by_village.setdefault(s.village_id, []).append(s)
    located = [s for s in sites if s.lat is not None and s.lng is not None]
    out = []
    for v in villages:
        own = by_village.get(v.id)
        if own:
            best = sorted(own, key=lambda s: (not s.kindergarten, not s.public, s.name))[0]
            out.append(VillageCoverage(v, IN_VILLAGE, best, 0.0))
            continue
        if v.lat is None or v.lng is None:
            out.append(VillageCoverage(v, UNKNOWN))
            continue
        nearest, km = None, math.inf
        for s in located:
            d = distance_km(v.lat, v.lng, s.lat, s.lng)  # type: ignore[arg-type]
            if d < km:
                nearest, km = s, d
        km = round(km, 2)  # to 10 m: the distance shown is the distance compared
        if nearest is not None and km <= within_km:
            out.append(VillageCoverage(v, NEARBY, nearest, km))
        else:
            out.append(VillageCoverage(v, GAP, nearest, None if nearest is None else km))
    return out


@dataclass(frozen=True)
class TownshipCentre:
    township_id: int
    name: str
    centre: Site | None
    public_kindergartens: int


def township_centres(
    townships: list[tuple[int, str, bool]], sites: list[Site], *, names: tuple[str, ...], seat_any_public: bool
) -> list[TownshipCentre]:
    """``townships``: (id, name, is_seat)."""
    out = []
    for tid, name, is_seat in townships:
        public = [s for s in sites if s.township_id == tid and s.kindergarten and s.public]
        centres = [s for s in public if s.is_central or any(n in s.name for n in names)]
        if not centres and is_seat and seat_any_public:
            centres = public
        out.append(TownshipCentre(tid, name, centres[0] if centres else None, len(public)))
    return out


@dataclass(frozen=True)
class Capacity:
    township_id: int | None
    name: str
    children: int
    seats: int
    in_progress: int
    seats_unknown: int = 0  # 普惠 kindergartens without a 核定学位数

    @property
    def after(self) -> int:
        return self.seats + self.in_progress

    @property
    def rate(self) -> float | None:
        return round(self.seats * 100 / self.children, 1) if self.children else None

    @property
    def rate_after(self) -> float | None:
        return round(self.after * 100 / self.children, 1) if self.children else None

    def missing(self, target: float, *, after: bool = False) -> int:
        """Seats still needed for ``target`` percent of the children (never negative)."""
        need = math.ceil(self.children * target / 100 - 1e-9)
        return max(0, need - (self.after if after else self.seats))


@dataclass
class CapacityTable:
    rows: list[Capacity]
    county: Capacity


def capacity(
    townships: list[tuple[int, str]],
    sites: list[Site],
    children: dict[int, int],
    in_progress: dict[int, int],
) -> CapacityTable:
    """Seats of 公办 and 普惠性民办 kindergartens against the children aged 3–5 by township, and the county."""
    rows = []
    for tid, name in townships:
        inclusive = [s for s in sites if s.township_id == tid and s.kindergarten and s.inclusive]
        rows.append(
            Capacity(
                township_id=tid,
                name=name,
                children=children.get(tid, 0),
                seats=sum(s.seats or 0 for s in inclusive),
                in_progress=in_progress.get(tid, 0),
                seats_unknown=sum(1 for s in inclusive if s.seats is None),
            )
        )
    county = Capacity(
        township_id=None,
        name="全县",
        children=sum(r.children for r in rows),
        seats=sum(r.seats for r in rows),
        in_progress=sum(r.in_progress for r in rows),
        seats_unknown=sum(r.seats_unknown for r in rows),
    )
    return CapacityTable(rows=rows, county=county)
