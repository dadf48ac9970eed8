"""Write the simulated children: students, classes, 学籍 events and population cells (set-based inserts)."""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter, defaultdict
from collections.abc import Iterator

from django.db import connection
from django.utils import timezone

from jiaoyun.areas.models import PopulationCell
from jiaoyun.core import idcard
from jiaoyun.demo.generator import bulk, specs
from jiaoyun.demo.generator.cohorts import Kid, Simulator, pick_surname
from jiaoyun.demo.generator.world import Sch
from jiaoyun.people.choices import CLASS_KEPT_STATUSES, EVENT_STATUS, StudentStatus
from jiaoyun.people.choices import EventKind as K
from jiaoyun.people.models import EnrolmentEvent, Student
from jiaoyun.people.services.chain import chain_columns
from jiaoyun.schools.choices import Grade
from jiaoyun.schools.models import SchoolClass

PLACEMENT = {K.ENROL, K.TRANSFER_IN, K.PROMOTE, K.REPEAT, K.RESUME}
CN_DIGITS = "零一二三四五六七八九十"


def class_capacity(school: Sch, grade: int) -> int:
    kind, urban = school.kind, school.urban_rural == "urban"
    if kind == "teaching_point":
        return 1000
    if kind == "kindergarten":
        return {-2: 28, -1: 32, 0: 35}[grade] if urban else 30
    if kind == "special":
        return 12
    if grade <= 6:
        return 46 if urban else 42
    if grade <= 9:
        return 50 if urban else 48
    return 52 if kind != "vocational" else 45


def name_kids(sim: Simulator, kids: list[Kid], rng: random.Random) -> None:
    cum = sim.surname_cum
    for kid in kids:
        pool = specs.GIVEN_M if kid.sex == "M" else specs.GIVEN_F
        given = rng.choice(pool) if rng.random() < 0.35 else rng.choice(specs.GIVEN_ANY + pool) + rng.choice(pool)
        kid.name = pick_surname(rng, cum) + given


def make_classes(sim: Simulator, rng: random.Random, first_id: int) -> list[tuple[object, ...]]:
    """Classes for every school/year/grade of the window; each placement event gets its class id (slot 6)."""
    groups: dict[tuple[int, int, int], list[list[object]]] = defaultdict(list)
    schools: dict[int, Sch] = {}
    for kid in sim.kids:
        for e in kid.events:
            date, kind, school = e[0], e[1], e[2]
            if kind in PLACEMENT and isinstance(school, Sch) and date.year >= sim.y0:  # type: ignore[attr-defined]
                groups[(school.id, date.year, int(e[3]))].append(e)  # type: ignore[attr-defined, call-overload]
                schools[school.id] = school
    rows: list[tuple[object, ...]] = []
    next_id = first_id
    huge_left = max(1, round(sim.scale * 1.5))
    for key in sorted(groups):
        school_id, year, grade = key
        members = groups[key]
        school = schools[school_id]
        n = len(members)
        cap = class_capacity(school, grade)
        k = max(1, -(-n // cap))
        big_ok = school.urban_rural == "urban" and school.kind in ("primary", "junior", "complete_secondary")
        if big_ok and grade > 0 and n >= 58 and rng.random() < 0.07:
            k = max(1, n // 58)  # 大班额 56–65
            if n >= 67 and huge_left > 0 and rng.random() < 0.15:
                k, huge_left = max(1, n // 67), huge_left - 1  # 超大班额
        ids = list(range(next_id, next_id + k))
        for number, cid in enumerate(ids, start=1):
            rows.append((cid, school_id, year, grade, number, f"{Grade(grade).label}（{number}）班"))
        next_id += k
        rng.shuffle(members)
        for i, e in enumerate(members):
            e.append(ids[i % k])
    return rows


def write(
    sim: Simulator, rng: random.Random, orders: Counter[tuple[str, dt.date, str]] | None = None
) -> dict[str, int]:
    """Write one copy's children; ``orders`` carries the ID-number order codes already used (across copies)."""
    kids = sim.kids
    name_kids(sim, kids, rng)
    first_student = bulk.next_id(Student)
    first_event = bulk.next_id(EnrolmentEvent)
    class_rows = make_classes(sim, rng, bulk.next_id(SchoolClass))
    bulk.insert(SchoolClass, ["id", "school", "school_year", "grade", "number", "name"], class_rows)
    stamp = connection.ops.adapt_datetimefield_value(timezone.now())
    for ki, kid in enumerate(kids):
        kid.id = first_student + ki
    bulk.insert(Student, STUDENT_FIELDS, _student_rows(kids, rng, stamp, Counter() if orders is None else orders))
    n_events = bulk.insert(EnrolmentEvent, EVENT_FIELDS, _event_rows(kids, first_event, stamp))
    n_cells = write_population(sim)
    bulk.reset_sequences(Student, EnrolmentEvent, SchoolClass)
    return {"students": len(kids), "events": n_events, "classes": len(class_rows), "population_cells": n_cells}


def _student_rows(
    kids: list[Kid], rng: random.Random, stamp: object, orders: Counter[tuple[str, dt.date, str]]
) -> Iterator[tuple[object, ...]]:
    for kid in kids:
        area = rng.choice(specs.OTHER_AREA_CODES) if kid.migrant else specs.COUNTY_CODE
        number = _id_number(area, kid, orders)
        status: str = StudentStatus.NOT_ENROLLED
        school_id, grade, class_id, named_class = None, None, None, None
        for e in kid.events:
            status = EVENT_STATUS[str(e[1])]
            if isinstance(e[2], Sch):
                school_id = e[2].id
            grade = e[3]
            event_class = e[6] if len(e) > 6 else None
            named_class = event_class if event_class is not None else named_class
            # Same rule as student_refresh_state: the class left is kept after 休学/辍学.
            if status == StudentStatus.IN_SCHOOL:
                class_id = event_class
            else:
                class_id = named_class if status in CLASS_KEPT_STATUSES else None
        guardian = kid.name[0] + rng.choice(specs.GIVEN_M + specs.GIVEN_F) + rng.choice(specs.GIVEN_ANY)
        yield (
            kid.id,
            idcard.match_hash(number),
            idcard.encrypt(number),
            idcard.mask(number),
            idcard.match_hash("G" + number),  # the 全国学籍号 is "G" + the ID number: stored like it
            idcard.encrypt("G" + number),
            idcard.mask("G" + number),
            kid.name,
            kid.sex,
            kid.birth,
            kid.ethnicity,
            kid.hukou.id if kid.hukou else None,
            kid.res.id if kid.res else None,
            guardian,
            f"1{rng.choice('35789')}{rng.randrange(10**9):09d}",
            kid.left_behind,
            kid.disability,
            kid.poverty,
            kid.orphan,
            kid.migrant,
            status,
            school_id,
            grade,
            class_id,
            stamp,
            stamp,
        )


def study_level(grade: object) -> str | None:
    """The level a child studies at outside the county (外县就读), from the grade they go on to."""
    if not isinstance(grade, int):
        return None
    if grade <= 0:
        return "kindergarten"
    return "primary" if grade <= 6 else ("junior" if grade <= 9 else "senior")


def _event_rows(kids: list[Kid], first_id: int, stamp: object) -> Iterator[tuple[object, ...]]:
    eid = first_id
    for kid in kids:
        last_seq, last_date = 0, None
        rows: list[tuple[object, ...]] = []
        links: list[tuple[str, dt.date, int | None, int | None]] = []
        for e in kid.events:
            date = e[0]
            seq = last_seq + 1 if date == last_date else 0
            last_seq, last_date = seq, date
            school = e[2]
            sid = school.id if isinstance(school, Sch) else None
            cid = e[6] if len(e) > 6 else None
            level = study_level(e[3]) if e[1] == K.OUT_OF_COUNTY else None
            rows.append((eid, kid.id, e[1], date, seq, sid, e[3], cid, e[4], level, e[5], stamp))
            links.append((str(e[1]), date, sid, e[3]))  # type: ignore[arg-type]
            eid += 1
        # The same chain events_link computes (a test holds the two to each other).
        chain = chain_columns(links, birth=kid.birth, village_id=kid.hukou.id if kid.hukou else None)
        for row, link in zip(rows, chain, strict=True):
            yield row + link


STUDENT_FIELDS = [
    "id", "id_hash", "id_cipher", "id_masked", "student_no_hash", "student_no_cipher", "student_no_masked",
    "name", "sex", "birth_date", "ethnicity",
    "hukou_village", "residence_village", "guardian_name", "guardian_phone", "left_behind", "disability",
    "poverty", "orphan", "migrant", "status", "current_school", "current_grade", "current_class",
    "created_at", "updated_at",
]  # fmt: skip
EVENT_FIELDS = [
    "id", "student", "kind", "date", "seq", "school", "grade", "school_class", "external_school", "study_level",
    "reason", "recorded_at", "until", "prev_school_id", "flow", "grad6_date", "grad6_school_id", "student_birth",
    "student_village_id",
]  # fmt: skip


def _id_number(area: str, kid: Kid, orders: Counter[tuple[str, dt.date, str]]) -> str:
    """A valid GB 11643 number, unique: the order code counts per area, birth date and sex (odd = male)."""
    fallback = iter(specs.OTHER_AREA_CODES)
    while True:
        key = (area, kid.birth, kid.sex)
        n = orders[key]
        orders[key] += 1
        order = 2 * n + (1 if kid.sex == "M" else 2)
        if order <= 999:
            return idcard.make(area, kid.birth, order)
        area = next(fallback)


def death_year(kid: Kid) -> int | None:
    for e in kid.events:
        if e[1] == K.DEATH:
            return e[0].year  # type: ignore[attr-defined, no-any-return]
    return None


def write_population(sim: Simulator) -> int:
    """Population by single year of age (0–25), sex, village and calendar year; 户籍 and 常住.

    For birth years with individuals the cells are their counts (alive on 31 December); other ages come
    from the cohort model. 常住 counts individuals by residence village (migrants from their arrival).
    """
    first_b, last_b = sim.y0 - 18, sim.sy - 3
    years = range(sim.y0, sim.sy + 1)
    cells: Counter[tuple[int, int, int, str, str]] = Counter()
    for kid in sim.kids:
        dy = death_year(kid)
        for y in years:
            age = y - kid.birth.year
            if age < 0 or age > 25 or (dy is not None and dy <= y):
                continue
            if kid.hukou is not None:
                cells[(kid.hukou.id, y, age, kid.sex, "hukou")] += 1
            if kid.res is not None and (not kid.migrant or y >= kid.arrival):
                cells[(kid.res.id, y, age, kid.sex, "resident")] += 1
    for v in sim.villages:
        factor = specs.RESIDENT_FACTOR[v.township.tier]
        for y in years:
            for age in range(26):
                b = y - age
                if first_b <= b <= last_b:
                    continue
                n = sim.cohort_size(v, b)
                male = round(n * 0.52)
                female = round(n) - male
                for sex, count in (("M", male), ("F", female)):
                    cells[(v.id, y, age, sex, "hukou")] += count
                    cells[(v.id, y, age, sex, "resident")] += round(count * factor)
    rows = ((vid, y, age, sex, source, count) for (vid, y, age, sex, source), count in cells.items() if count > 0)
    return bulk.insert(PopulationCell, ["area", "year", "age", "sex", "source", "count"], rows)
