"""Children, birth cohort by birth cohort, and their 学籍 histories (in memory; ``write`` stores them).

Every hukou child born in the years that are aged 3–17 at some point of the window is an individual, so
the population cells for those ages are counts of individuals (they reconcile exactly). Younger and older
ages get cells from the same cohort model without individuals. 随迁子女 (migrant children) arrive with a
转入 event and have no hukou village in the county.

Events are tuples in date order; within-county moves are a single 转入 (transfer_in) into the new school,
转出 (transfer_out) is used only for leaving the county.
"""

from __future__ import annotations

import datetime as dt
import random
from bisect import bisect
from dataclasses import dataclass, field
from itertools import accumulate

from jiaoyun.demo.generator import specs
from jiaoyun.demo.generator.world import Sch, Village, World
from jiaoyun.people.choices import EventKind as K

GRADUATED, STOPPED, ONGOING = "graduated", "stopped", "ongoing"
DISABILITIES = (("intellectual", 3), ("physical", 3), ("hearing", 2), ("visual", 1), ("speech", 1), ("multiple", 1))


@dataclass(eq=False, slots=True)
class Kid:
    sex: str
    birth: dt.date
    ethnicity: str
    hukou: Village | None
    res: Village | None
    left_behind: bool = False
    disability: str = ""
    poverty: str = ""
    orphan: str = ""
    migrant: bool = False
    arrival: int = 0  # school year a migrant child arrived
    events: list[list[object]] = field(default_factory=list)  # [date, kind, school, grade, external, reason]
    id: int = 0
    name: str = ""
    repeats: int = 0  # 留级 so far (over-age for grade)
    frailty: float = 1.0  # unobserved family circumstances: the noise of the dropout risk (lognormal, mean 1)


def level(grade: int) -> str:
    if grade <= 0:
        return "preschool"
    if grade <= 6:
        return "primary"
    if grade <= 9:
        return "junior"
    return "senior"


def final_grade(school: Sch, grade: int) -> int:
    kind = school.kind
    if kind == "kindergarten":
        return 0
    if kind == "teaching_point":
        return 0 if grade <= 0 else 4
    if kind == "primary":
        return 6
    if kind in ("nine_year", "special", "junior"):
        return 9
    if kind == "complete_secondary":
        return 9 if grade <= 9 else 12
    return 12


class Simulator:
    def __init__(
        self,
        *,
        world: World,
        rng: random.Random,
        today: dt.date,
        sy: int,
        years: int,
        scale: float,
        copy: int = 1,
    ):
        """Simulate the children of one copy of the county (``copy`` k of ``--scale`` N uses its own schools)."""
        self.world = world
        self.rng = rng
        self.today = today
        self.sy = sy  # current school year (start year)
        self.y0 = sy - years + 1  # first school year of the window
        self.scale = scale
        self.kids: list[Kid] = []
        self.ref_year = sy - 10
        self.villages = [v for v in world.villages if v.copy == copy]
        mine = [s for s in world.schools if s.village is not None and s.village.copy == copy]
        seat = [s for s in mine if s.tier == 0]
        self.seat_villages = [v for v in self.villages if v.township.tier == 0]
        self.seat_urban_primary = [s for s in seat if s.kind == "primary" and s.urban_rural == "urban"]
        self.seat_junior = [s for s in seat if s.kind in ("junior", "complete_secondary")]
        self.central = [s for s in mine if s.central and s.tier > 0]
        self.special = next((s for s in mine if s.kind == "special"), None)
        self.vocational = [s for s in mine if s.kind == "vocational"]
        self.senior = [s for s in world.senior if s in mine]
        self.surname_cum = list(accumulate(specs.SURNAME_WEIGHTS))

    # ---- random helpers ----
    def mid_date(self, year: int) -> dt.date | None:
        """A random school-day date inside school year ``year``; None if it would be today or later."""
        start = dt.date(year, 9, 10)
        d = start + dt.timedelta(days=self.rng.randrange(0, 290))
        return d if d < self.today else None

    def cohort_size(self, v: Village, birth_year: int) -> float:
        spec = v.township.spec
        n_vill = len([x for x in v.township.villages if x.copy == 1])
        mean_weight = sum(x.weight for x in v.township.villages if x.copy == 1) / n_vill
        base = spec.cohort * specs.COHORT_FACTOR / n_vill * v.weight / mean_weight * self.scale
        return base * (1 + spec.trend) ** (birth_year - self.ref_year)

    def pick_ethnicity(self, v: Village | None) -> str:
        shares = v.township.spec.ethnic if v else specs.DEFAULT_ETHNIC
        r = self.rng.random()
        for code, share in shares.items():
            if r < share:
                return code
            r -= share
        return "01"

    # ---- schools ----
    def kg_for(self, v: Village) -> Sch:
        if v.teaching_point and v.township.tier >= 2 and self.rng.random() < 0.3:
            return v.teaching_point
        return self.rng.choice(v.kindergartens)

    def primary_for(self, kid: Kid, v: Village) -> Sch:
        if kid.disability and self.special and self.rng.random() < specs.SPECIAL_SCHOOL_SHARE:
            return self.special
        if v.teaching_point and self.rng.random() < specs.TEACHING_POINT_SHARE:
            return v.teaching_point
        if v.primary is None:  # the world gives every village a primary school or a teaching point
            raise RuntimeError(f"village {v.name} has no primary school")
        return v.primary

    def move_target(self, school: Sch, grade: int) -> tuple[Sch, Village | None]:
        """Where a family moving inside the county sends the child (mostly to the seat)."""
        lv = level(grade)
        if self.rng.random() < specs.MOVE_TO_SEAT:
            pool = self.seat_urban_primary if lv == "primary" else self.seat_junior
        else:
            pool = [s for s in self.central if s.township is not school.township] or self.central
            if lv == "junior":
                pool = [s.village.junior for s in pool if s.village and s.village.junior] or self.seat_junior
        target = self.rng.choice(pool or [school])
        return target, target.village

    def drop_risk(self, kid: Kid, school: Sch, grade: int, first_junior_year: bool) -> float:
        """The pupil's dropout risk relative to their level and township tier (``specs.DROP_FACTORS``): family
        flags, 留级 (over-age), the first year of junior school, schooling outside the home township, and noise."""
        f = specs.DROP_FACTORS
        risk = kid.frailty
        risk *= f["poverty"] if kid.poverty else 1.0
        risk *= f["left_behind"] if kid.left_behind else 1.0
        risk *= f["disability"] if kid.disability else 1.0
        risk *= f["orphan"] if kid.orphan else 1.0
        risk *= f["repeated"] if kid.repeats else 1.0
        if grade >= 7:
            risk *= f["junior_first_year"] if first_junior_year else f["junior_later_years"]
        home = kid.res or kid.hukou
        if home is not None and home.township is not school.township:
            risk *= f["other_township"]
        return risk

    # ---- one stint from an entry event until graduation or leaving ----
    def run(self, kid: Kid, school: Sch, grade: int, year: int, kind: str, reason: str = "") -> tuple[str, int, int]:
        rng, ev = self.rng, kid.events
        ev.append([dt.date(year, 9, 1), kind, school, grade, "", reason])
        first_junior_year = year if grade == 7 else None
        while True:
            tier = school.tier
            lv = level(grade)
            p_death = specs.DEATH
            p_drop = p_death + specs.DROP_LEVEL[lv] * specs.DROP_TIER[tier] * self.drop_risk(
                kid, school, grade, year == first_junior_year
            )
            p_susp = p_drop + (specs.SUSPEND if lv != "preschool" else 0.0)
            p_out = p_susp + specs.TRANSFER_OUT[tier] + (specs.MIGRANT_LEAVE if kid.migrant else 0.0)
            r = rng.random()
            if r < p_out:
                d = self.mid_date(year)
                if d is not None:
                    if r < p_death:
                        ev.append([d, K.DEATH, school, grade, "", "病故"])
                        return STOPPED, year, grade
                    if r < p_drop:
                        ev.append([d, K.DROP_OUT, school, grade, "", rng.choice(DROP_REASONS)])
                        if year < self.sy and rng.random() < specs.DROP_RETURN:
                            year += 1
                            ev.append([dt.date(year, 9, 1), K.RESUME, school, grade, "", "劝返复学"])
                            continue
                        return STOPPED, year, grade
                    if r < p_susp:
                        ev.append([d, K.SUSPEND, school, grade, "", rng.choice(("因病休学", "因病休学", "家庭原因"))])
                        if year < self.sy:
                            year += 1
                            ev.append([dt.date(year, 9, 1), K.RESUME, school, grade, "", "休学期满复学"])
                            continue
                        return STOPPED, year, grade
                    ext = rng.choice(specs.EXTERNAL_SCHOOLS)
                    ev.append([d, K.TRANSFER_OUT, school, grade, ext, "随父母外出务工"])
                    kid.res = None
                    return STOPPED, year, grade
            if year >= self.sy:
                return ONGOING, year, grade
            final = final_grade(school, grade)
            if grade == final:
                if school.kind == "teaching_point" and grade > 0 and school.parent is not None:
                    year, grade, school = year + 1, grade + 1, school.parent
                    ev.append([dt.date(year, 9, 1), K.TRANSFER_IN, school, grade, "", "教学点学生升入完小"])
                    continue
                ev.append([dt.date(year + 1, 7, 5), K.GRADUATE, school, grade, "", ""])
                return GRADUATED, year, grade
            if lv != "preschool" and rng.random() < specs.REPEAT[lv]:
                year += 1
                kid.repeats += 1
                ev.append([dt.date(year, 9, 1), K.REPEAT, school, grade, "", "学业未达标"])
                continue
            if (
                lv in ("primary", "junior")
                and tier > 0
                and school.kind not in ("special",)
                and rng.random() < specs.MOVE_IN_COUNTY[tier]
            ):
                target, home = self.move_target(school, grade + 1)
                if target is not school and grade + 1 in target.grades:
                    year, grade, school = year + 1, grade + 1, target
                    ev.append([dt.date(year, 9, 1), K.TRANSFER_IN, school, grade, "", "随家庭迁居转学"])
                    if home is not None:
                        kid.res = home
                    continue
            year, grade = year + 1, grade + 1
            ev.append([dt.date(year, 9, 1), K.PROMOTE, school, grade, "", ""])

    # ---- a whole school life from a given start ----
    def path(self, kid: Kid, home: Village, grade: int, year: int, kind: str, school: Sch | None = None) -> None:
        rng = self.rng
        reason = ""
        while year <= self.sy:
            tier = home.township.tier
            if school is None:
                if grade <= 0:
                    school = self.kg_for(home)
                elif grade <= 6:
                    if grade == 1 and kind == K.ENROL and rng.random() < specs.OUT_PRIMARY[tier]:
                        kid.events.append([dt.date(year, 9, 1), K.OUT_OF_COUNTY, None, 1, self.ext(), "随父母外县就读"])
                        kid.res = None
                        if rng.random() < 0.3:  # comes back for junior school
                            year, grade, kind = year + 6, 7, K.ENROL
                            reason = "外县就读返回"
                            continue
                        return
                    school = self.primary_for(kid, home)
                elif grade <= 9:
                    school = home.junior or rng.choice(self.seat_junior)
                else:
                    return
            status, end_year, end_grade = self.run(kid, school, grade, year, kind, reason)
            reason = ""
            if status != GRADUATED:
                return
            year, kind = end_year + 1, K.ENROL
            home = kid.res or home
            school = None
            if end_grade == 0:
                grade = 1
            elif end_grade == 6:
                if rng.random() < specs.NO_JUNIOR:
                    return
                if rng.random() < specs.OUT_AT_JUNIOR[tier] and year <= self.sy:
                    kid.events.append([dt.date(year, 9, 1), K.OUT_OF_COUNTY, None, 7, self.ext(), "外县就读"])
                    kid.res = None
                    return
                grade = 7
            elif end_grade == 9:
                general, voc, out = specs.SENIOR_CHOICE[tier]
                if kid.disability:
                    general, voc = general * 0.3, voc * 0.5
                r = rng.random()
                if year > self.sy:
                    return
                if r < general:
                    school, grade = self.pick_senior(), 10
                elif r < general + voc and self.vocational:
                    school, grade = rng.choice(self.vocational), 10
                elif r < general + voc + out:
                    kid.events.append([dt.date(year, 9, 1), K.OUT_OF_COUNTY, None, 10, self.ext(), "县外高中就读"])
                    return
                else:
                    return
            else:
                return

    def pick_senior(self) -> Sch:
        seniors = self.senior
        if len(seniors) > 1 and self.rng.random() < 0.35:
            return self.rng.choice(seniors[1:])
        return seniors[0]

    def ext(self) -> str:
        return self.rng.choice(specs.EXTERNAL_SCHOOLS)

    # ---- people ----
    def new_kid(
        self,
        v: Village | None,
        birth_year: int,
        *,
        migrant: bool = False,
        res: Village | None = None,
        birth: dt.date | None = None,
    ) -> Kid:
        rng = self.rng
        birth = birth or dt.date(birth_year, 1, 1) + dt.timedelta(days=rng.randrange(365))
        home = v or res
        rural = home is not None and home.urban_rural == "rural"
        kid = Kid(
            sex="M" if rng.random() < 0.52 else "F",
            birth=birth,
            ethnicity=self.pick_ethnicity(home),
            hukou=v,
            res=res or v,
            migrant=migrant,
        )
        if not migrant:
            kid.left_behind = rng.random() < (0.22 if rural else 0.08 if home and home.urban_rural == "town" else 0.04)
            r = rng.random()
            pov = 0.11 if rural else 0.05 if home and home.urban_rural == "town" else 0.02
            kid.poverty = "lifted" if r < pov * 0.8 else "monitored" if r < pov else ""
        if rng.random() < 0.010:
            kid.disability = str(weighted(rng, DISABILITIES))
        r = rng.random()
        kid.orphan = "orphan" if r < 0.0012 else "unattended" if r < 0.0035 else ""
        sigma = specs.DROP_NOISE_SIGMA
        kid.frailty = rng.lognormvariate(-sigma * sigma / 2, sigma)
        return kid

    def hukou_children(self) -> None:
        rng = self.rng
        first, last = self.y0 - 18, self.sy - 3
        never_left = max(1, round(specs.NEVER_ENROLLED * self.scale))
        remote = [v for v in self.villages if v.township.tier == 3 and not v.community]
        never_villages = set(rng.sample(remote, min(len(remote), never_left))) if remote else set()
        for v in self.villages:
            tier = v.township.tier
            for b in range(first, last + 1):
                n = round(self.cohort_size(v, b) * rng.uniform(0.92, 1.08))
                for _ in range(n):
                    kid = self.new_kid(v, b)
                    self.kids.append(kid)
                    entry = b + 6 if kid.birth.month <= 8 else b + 7
                    never = v in never_villages and self.sy - 14 <= entry - 6 <= self.sy - 7 and never_left > 0
                    if never and rng.random() < 0.5:
                        never_left -= 1
                        never_villages.discard(v)
                        continue  # 失学: of compulsory age, never enrolled
                    if entry - 3 > self.sy:
                        continue
                    if rng.random() < specs.KG_ATTEND[tier]:
                        start = int(weighted(rng, specs.KG_START))  # type: ignore[call-overload]
                        y = entry + start - 1
                        if y <= self.sy:
                            self.path(kid, v, start, y, K.ENROL)
                    elif entry <= self.sy:
                        self.path(kid, v, 1, entry, K.ENROL)

    def migrants(self) -> None:
        rng = self.rng
        seat_v = [v for v in self.seat_villages if v.community]
        towns = [v for v in self.villages if v.township.tier == 1 and v.community]
        others = [v for v in self.villages if v.township.tier >= 2 and v.community]
        grades = ((-2, 10), (-1, 4), (0, 4), (1, 16), (2, 8), (3, 8), (4, 8), (5, 7), (6, 5), (7, 10), (8, 4))
        for year in range(self.y0 - 6, self.sy + 1):
            n = round(specs.MIGRANTS_PER_YEAR * self.scale * (1 + specs.MIGRANT_GROWTH) ** (year - self.sy))
            for _ in range(n):
                r = rng.random()
                pool = seat_v if r < 0.72 else towns if r < 0.95 or not others else others
                v = rng.choice(pool or seat_v)
                grade = int(weighted(rng, grades))  # type: ignore[call-overload]
                entry = year - grade + 1
                birth = dt.date(entry - 7, 9, 1) + dt.timedelta(days=rng.randrange(365))
                if rng.random() < 0.05:
                    birth -= dt.timedelta(days=365)
                kid = self.new_kid(None, birth.year, migrant=True, res=v, birth=birth)
                kid.arrival = year
                kind = K.ENROL if grade in (-2, 1) else K.TRANSFER_IN
                if grade <= 0:
                    school = rng.choice(v.kindergartens)
                elif grade <= 6:
                    if v.township.tier == 0:
                        school = rng.choice(self.seat_urban_primary)
                    else:
                        school = v.primary or rng.choice(self.seat_urban_primary)
                else:
                    school = v.junior or rng.choice(self.seat_junior)
                self.kids.append(kid)
                self.path(kid, v, grade, year, kind, school=school)


DROP_REASONS = ("厌学", "外出务工", "家庭经济困难", "早婚早育", "学习困难", "随父母外出", "身体原因")


def weighted(rng: random.Random, items: tuple[tuple[object, float], ...]) -> object:
    total = sum(w for _, w in items)
    r = rng.random() * total
    for value, w in items:
        r -= w
        if r < 0:
            return value
    return items[-1][0]


def pick_surname(rng: random.Random, cum: list[int]) -> str:
    return specs.SURNAMES[bisect(cum, rng.random() * cum[-1])]
