"""The county's areas and schools: built in memory from ``specs``, then written with bulk_create.

``scale`` N repeats every township's villages and schools N times (copy k > 1 gets distinct codes and a
"（k）" suffix on school names), so each township keeps its character while the county grows N-fold.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from decimal import Decimal

from jiaoyun.areas.boundary import synthetic_boundary_save
from jiaoyun.areas.choices import AreaLevel
from jiaoyun.areas.models import Area
from jiaoyun.demo.generator import specs
from jiaoyun.schools.choices import KIND_GRADES
from jiaoyun.schools.models import School

MAX_SCALE = 60  # village codes have 3 digits per township
FIRST_COMMUNITY = {"老麦乡": "太和社区"}


@dataclass(eq=False)
class Township:
    spec: specs.TownshipSpec
    code: str
    name: str
    tier: int
    id: int = 0
    villages: list[Village] = field(default_factory=list)
    schools: list[Sch] = field(default_factory=list)

    @property
    def short(self) -> str:
        return specs.SHORT.get(self.name, self.name)


@dataclass(eq=False)
class Village:
    township: Township
    code: str
    name: str
    community: bool
    urban_rural: str
    copy: int
    lat: float
    lng: float
    weight: float
    id: int = 0
    primary: Sch | None = None
    teaching_point: Sch | None = None
    junior: Sch | None = None
    kindergartens: list[Sch] = field(default_factory=list)


@dataclass(eq=False)
class Sch:
    code: str
    name: str
    kind: str
    ownership: str
    township: Township
    village: Village | None
    urban_rural: str
    boarding: bool = False
    central: bool = False
    parent: Sch | None = None
    id: int = 0
    lat: float = 0.0
    lng: float = 0.0

    @property
    def tier(self) -> int:
        return self.township.tier

    @property
    def grades(self) -> tuple[int, ...]:
        return KIND_GRADES[self.kind]


@dataclass
class World:
    county_id: int
    townships: list[Township]
    schools: list[Sch]
    seat: Township
    senior: list[Sch]
    vocational: list[Sch]
    special: Sch | None

    @property
    def villages(self) -> list[Village]:
        return [v for t in self.townships for v in t.villages]


def _village_name(rng: random.Random, used: set[str], suffix: str) -> str:
    syl = specs.VILLAGE_SYLLABLES
    for _ in range(1000):
        name = rng.choice(syl) + rng.choice(syl) + suffix
        if name not in used and name[0] != name[1]:
            used.add(name)
            return name
    name = f"{rng.choice(syl)}{len(used)}{suffix}"  # pragma: no cover - only with absurd scales
    used.add(name)
    return name


def build(*, rng: random.Random, scale: int, tiny: bool) -> World:
    """Create the areas and schools; return the in-memory world with database ids filled in."""
    county = Area.objects.create(code=specs.COUNTY_CODE, name=specs.COUNTY_NAME, level=AreaLevel.COUNTY, sort=0)
    townships: list[Township] = []
    for i, spec in enumerate(specs.TOWNSHIPS):
        if tiny and not spec.tiny_villages:
            continue
        t = Township(spec=spec, code=specs.COUNTY_CODE + spec.code3, name=spec.name, tier=spec.tier)
        townships.append(t)
        used: set[str] = set()
        n_comm, n_vill = (1, spec.tiny_villages - 1) if tiny else (spec.communities, spec.villages)
        if tiny and spec.tier == 0:
            n_comm, n_vill = 2, spec.tiny_villages - 2
        comm_start, vill_start = 1, (200 if n_comm * scale < 200 else n_comm * scale + 1)
        clat, clng = specs.LAT + spec.offset[0], specs.LNG + spec.offset[1]
        for k in range(1, scale + 1):
            for j in range(n_comm + n_vill):
                community = j < n_comm
                if community:
                    number = comm_start + (k - 1) * n_comm + j
                    name = FIRST_COMMUNITY.get(t.name, t.short[:-1] + "社区") if (j == 0 and k == 1) else ""
                    name = name or _village_name(rng, used, "社区")
                    used.add(name)
                    ur = "urban" if spec.tier == 0 else "town"
                else:
                    number = vill_start + (k - 1) * n_vill + (j - n_comm)
                    name = _village_name(rng, used, "村")
                    ur = "rural"
                spread = 0.02 if community else 0.07
                t.villages.append(
                    Village(
                        township=t,
                        code=f"{t.code}{number:03d}",
                        name=name,
                        community=community,
                        urban_rural=ur,
                        copy=k,
                        lat=clat + rng.uniform(-spread, spread),
                        lng=clng + rng.uniform(-spread, spread),
                        weight=rng.uniform(1.2, 1.8) if (community and spec.tier == 0) else rng.uniform(0.6, 1.4),
                    )
                )
        del i
    Area.objects.bulk_create(
        [
            Area(
                code=t.code,
                name=t.name,
                level=AreaLevel.TOWNSHIP,
                parent=county,
                township_kind=t.spec.kind,
                urban_rural="urban" if t.tier == 0 else ("town" if t.tier == 1 else "rural"),
                is_seat=t.tier == 0,
                sort=n + 1,
                latitude=Decimal(f"{specs.LAT + t.spec.offset[0]:.6f}"),
                longitude=Decimal(f"{specs.LNG + t.spec.offset[1]:.6f}"),
            )
            for n, t in enumerate(townships)
        ]
    )
    ids = dict(Area.objects.filter(level=AreaLevel.TOWNSHIP, parent=county).values_list("code", "id"))
    for t in townships:
        t.id = ids[t.code]
    Area.objects.bulk_create(
        [
            Area(
                code=v.code,
                name=v.name,
                level=AreaLevel.VILLAGE,
                parent_id=t.id,
                urban_rural=v.urban_rural,
                sort=n,
                latitude=Decimal(f"{v.lat:.6f}"),
                longitude=Decimal(f"{v.lng:.6f}"),
            )
            for t in townships
            for n, v in enumerate(t.villages)
        ]
    )
    ids = dict(Area.objects.filter(level=AreaLevel.VILLAGE, parent__parent=county).values_list("code", "id"))
    for t in townships:
        for v in t.villages:
            v.id = ids[v.code]
    synthetic_boundary_save(county=county)  # the maps' township outlines, drawn around the township centres
    world = _schools(rng=rng, county_id=county.pk, townships=townships, scale=scale, tiny=tiny)
    _save_schools(world)
    return world


def _schools(*, rng: random.Random, county_id: int, townships: list[Township], scale: int, tiny: bool) -> World:
    schools: list[Sch] = []
    seq = [0]

    def add(t: Township, v: Village | None, kind: str, name: str, k: int, **kw: object) -> Sch:
        seq[0] += 1
        at = v or t.villages[0]
        s = Sch(
            code=f"21530{seq[0]:05d}",
            name=name if k == 1 else f"{name}（{k}）",
            kind=kind,
            ownership=str(kw.pop("ownership", "public")),
            township=t,
            village=v,
            urban_rural=at.urban_rural,
            lat=at.lat + rng.uniform(-0.004, 0.004),
            lng=at.lng + rng.uniform(-0.004, 0.004),
            **kw,  # type: ignore[arg-type]
        )
        schools.append(s)
        t.schools.append(s)
        return s

    seat = next(t for t in townships if t.tier == 0)
    senior: list[Sch] = []
    vocational: list[Sch] = []
    special: Sch | None = None
    for t in townships:
        spec = t.spec
        for k in range(1, scale + 1):
            vills = [v for v in t.villages if v.copy == k]
            comms = [v for v in vills if v.community]
            rural = [v for v in vills if not v.community]
            centre = comms[0] if comms else vills[0]
            # kindergartens
            kgs: list[Sch] = []
            if t.tier == 0:
                for name, own in specs.SEAT_KINDERGARTENS[: 1 if tiny else None]:
                    kgs.append(add(t, rng.choice(comms), "kindergarten", name, k, ownership=own))
            else:
                kgs.append(add(t, centre, "kindergarten", f"{t.short}中心幼儿园", k))
            for name, own in specs.PRIVATE_KINDERGARTENS.get(t.name, ())[: 1 if tiny else None]:
                kgs.append(add(t, rng.choice(comms or vills), "kindergarten", name, k, ownership=own))
            # primary schools
            primaries: list[Sch] = []
            if t.tier == 0:
                urban_names = specs.SEAT_URBAN_PRIMARIES[:1] if tiny else specs.SEAT_URBAN_PRIMARIES
                urban = [
                    add(t, comms[n % len(comms)], "primary", name, k, central=name.endswith("中心小学"))
                    for n, name in enumerate(urban_names)
                ]
                n_rural = 1 if tiny else spec.primaries - len(urban)
                rural_p = [add(t, v, "primary", f"{v.name[:-1]}小学", k) for v in rural[:n_rural]]
                for n, v in enumerate(comms):
                    v.primary = urban[n % len(urban)]
                for n, v in enumerate(rural):
                    v.primary = rural_p[n % len(rural_p)] if rural_p else urban[0]
                primaries = urban + rural_p
            else:
                n_prim = 2 if tiny else spec.primaries
                central = add(t, centre, "primary", f"{t.short}中心小学", k, central=True, boarding=t.tier >= 2)
                primaries = [central]
                others = [v for v in vills if v is not centre]
                for v in others[: n_prim - 1]:
                    primaries.append(add(t, v, "primary", f"{t.short[:-1]}{v.name[:-1]}小学", k))
                if spec.nine_year and not tiny:
                    primaries.append(add(t, centre, "nine_year", spec.nine_year, k, boarding=True))
                for n, v in enumerate(vills):
                    v.primary = primaries[n % len(primaries)] if v is not centre else central
                n_tp = 1 if tiny else spec.teaching_points
                remote = [v for v in reversed(vills) if v is not centre][:n_tp]
                for v in remote:
                    parent = v.primary if v.primary and v.primary.kind == "primary" else central
                    v.teaching_point = add(
                        t, v, "teaching_point", f"{t.short[:-1]}{v.name[:-1]}教学点", k, parent=parent
                    )
            # junior schools
            juniors = [
                add(t, centre, "junior", name, k, boarding=t.tier >= 1) for name in spec.juniors[: 1 if tiny else None]
            ]
            nine = [s for s in primaries if s.kind == "nine_year"]
            if t.tier == 0 and not tiny:
                juniors.append(add(t, rng.choice(comms), "complete_secondary", "施甸县第二中学", k, boarding=True))
                senior.append(juniors[-1])
            pool = nine or juniors
            for n, v in enumerate(vills):
                v.junior = pool[n % len(pool)] if pool else None
            # county-level schools in the seat
            if t.tier == 0:
                for kind, name, boarding in specs.COUNTY_SCHOOLS:
                    if kind == "complete_secondary":
                        continue  # added with the seat's junior schools
                    s = add(t, rng.choice(comms), kind, name, k, boarding=boarding)
                    if kind == "senior":
                        senior.insert(0, s)
                    elif kind == "vocational":
                        vocational.append(s)
                    elif kind == "special" and special is None:
                        special = s
            for v in vills:
                v.kindergartens = kgs
    return World(
        county_id=county_id,
        townships=townships,
        schools=schools,
        seat=seat,
        senior=senior,
        vocational=vocational,
        special=special,
    )


def _save_schools(world: World) -> None:
    def row(s: Sch) -> School:
        return School(
            code=s.code,
            name=s.name,
            kind=s.kind,
            ownership=s.ownership,
            township_id=s.township.id,
            village_id=s.village.id if s.village else None,
            urban_rural=s.urban_rural,
            latitude=Decimal(f"{s.lat:.6f}"),
            longitude=Decimal(f"{s.lng:.6f}"),
            boarding=s.boarding,
            is_central=s.central,
            address=f"{specs.COUNTY_NAME}{s.township.name}{s.village.name if s.village else ''}",
            phone=f"0875-8{int(s.code[-5:]) % 1000000:06d}",
        )

    School.objects.bulk_create([row(s) for s in world.schools if s.parent is None])
    by_code = {s.code: s for s in world.schools}
    for code, pk in School.objects.filter(code__in=list(by_code)).values_list("code", "id"):
        by_code[code].id = pk
    branches = [s for s in world.schools if s.parent is not None]
    School.objects.bulk_create([School(parent_id=s.parent.id, **_fields(row(s))) for s in branches if s.parent])
    for code, pk in School.objects.filter(code__in=[s.code for s in branches]).values_list("code", "id"):
        by_code[code].id = pk


def _fields(obj: School) -> dict[str, object]:
    return {
        f.attname: getattr(obj, f.attname) for f in School._meta.concrete_fields if f.attname not in ("id", "parent_id")
    }
