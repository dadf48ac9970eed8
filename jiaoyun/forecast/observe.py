"""What the forecast reads from the database, set-based: aggregate queries only, never a row per pupil.

* ``stocks``: pupils by school township, school year and grade at each year's autumn census date — the events
  whose span (``date ≤ census < until``) covers the date, in a school of the county (special schools left out),
  grouped in one pass over the events for all the years;
* ``flows``: pupils in grade 6 (9) at one census and in grade 7 (10) at the next, by the two townships;
* ``population``: PopulationCell summed to townships by calendar year and age;
* ``capacity``: 核定学位数 by township and level, a school spanning levels split by its pupils' shares;
* ``current_state``: the pupils in school now by school, grade and (grade 1) birth year — one pass over the
  students' table, from which the base year's stocks (``stocks_current``), the grade-1 ages (``entry_ages``,
  explanation only) and the seat split (``school_grade_stock``) are read.
"""

# Statements are built from fixed table and column names and the choices of people.choices; values are bound.
# ruff: noqa: S608

from __future__ import annotations

import datetime as dt
import importlib
from collections import defaultdict
from typing import Any

from django.db import connection, transaction
from django.db.models import Case, Count, QuerySet, When
from django.db.models.functions import ExtractYear

from jiaoyun.core.schoolyear import SchoolYear
from jiaoyun.forecast.model import LEVEL_GRADES, LEVELS, Flows, Population, Stocks, level_of
from jiaoyun.people.choices import IN_SCHOOL_EVENTS, StudentStatus
from jiaoyun.people.models import EnrolmentEvent, Student
from jiaoyun.schools.choices import KIND_GRADES, SchoolKind

LEFT_OUT_KINDS = (SchoolKind.SPECIAL,)  # special schools: placements, not catchment seats


def census(year: int) -> dt.date:
    return SchoolYear(year).census_date


def _years_cte(years: list[int], *, pairs: bool = False) -> tuple[str, list[Any]]:
    if pairs:
        rows = ", ".join(["(%s, %s, %s)"] * len(years))
        params: list[Any] = [v for y in years for v in (y, census(y), census(y + 1))]
        return f"jy_fy(year, census, next_census) AS (VALUES {rows})", params
    rows = ", ".join(["(%s, %s)"] * len(years))
    return f"jy_fy(year, census) AS (VALUES {rows})", [v for y in years for v in (y, census(y))]


def _kinds() -> tuple[str, list[str]]:
    return ", ".join(["%s"] * len(IN_SCHOOL_EVENTS)), [str(k) for k in IN_SCHOOL_EVENTS]


def stocks(years: list[int]) -> Stocks:
    """(township, school year, grade) → pupils on the year's census date."""
    if not years:
        return {}
    cte, params = _years_cte(years)
    kinds, kparams = _kinds()
    left = ", ".join(["%s"] * len(LEFT_OUT_KINDS))
    sql = (
        f"WITH {cte} SELECT s.township_id, y.year, e.grade, COUNT(*) FROM people_enrolmentevent e"
        " JOIN jy_fy y ON e.date <= y.census AND (e.until IS NULL OR e.until > y.census)"
        " JOIN schools_school s ON s.id = e.school_id"
        f" WHERE e.kind IN ({kinds}) AND e.grade IS NOT NULL AND s.kind NOT IN ({left})"
        " AND e.date <= %s AND (e.until IS NULL OR e.until > %s)"
        " GROUP BY s.township_id, y.year, e.grade"
    )
    params += kparams + [str(k) for k in LEFT_OUT_KINDS] + [census(max(years)), census(min(years))]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return {(int(t), int(y), int(g)): float(n) for t, y, g, n in cursor.fetchall()}


#: (school, grade, birth year for grade 1 else None) → pupils in school now: the students' current state.
Current = dict[tuple[int, int, int | None], int]


def current_state() -> Current:
    """The one pass over the students' table a routine run needs: the pupils in school now (``Student.status``,
    ``current_school``, ``current_grade``, kept by the enrolment services as the state after each student's latest
    event) by school and grade, grade 1 also by birth year. ``stocks_current``, ``entry_ages`` and
    ``school_grade_stock`` (the base year's stocks, the entry ages, the seat split) are all read from it, the
    schools' townships and kinds joined in Python (a school is one row of a small table). On PostgreSQL the pass
    is an index-only scan of ``student_in_school_idx`` (ADR 0041)."""
    return _current_counts(Student.objects.all())


def _current_counts(students: QuerySet[Student]) -> Current:
    """The pupils in school now by school, grade and (grade 1) birth year. On PostgreSQL the groups are hashed,
    not sorted: the planner, which cannot estimate the groups of the birth-year expression (it guesses ~900,000
    for a province's ~24,000), would sort the index's rows within each school and grade; hashing them took 40 %
    less (settings changed for this statement only, within the transaction)."""
    rows = (
        students.filter(status=StudentStatus.IN_SCHOOL, current_grade__isnull=False, current_school__isnull=False)
        .annotate(by=Case(When(current_grade=1, then=ExtractYear("birth_date")), default=None))
        .values("current_school_id", "current_grade", "by")
        .annotate(n=Count("*"))
        .values_list("current_school_id", "current_grade", "by", "n")
    )
    if connection.vendor != "postgresql":
        return _counted(rows)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('enable_sort'), current_setting('enable_incremental_sort')")
        before = cursor.fetchone()
        cursor.execute("SET LOCAL enable_sort = off")
        cursor.execute("SET LOCAL enable_incremental_sort = off")
        try:
            return _counted(rows)
        finally:
            cursor.execute(
                "SELECT set_config('enable_sort', %s, true), set_config('enable_incremental_sort', %s, true)", before
            )


def _counted(rows: Any) -> Current:
    # the filter leaves no school or grade empty
    return {(int(s or 0), int(g or 0), None if by is None else int(by)): int(n) for s, g, by, n in rows}


def _schools() -> dict[int, tuple[int, str]]:
    from jiaoyun.schools.models import School

    return {pk: (int(t), kind) for pk, t, kind in School.objects.values_list("id", "township_id", "kind")}


def _stocks_of(counts: Current, schools: dict[int, tuple[int, str]], year: int, sign: int = 1) -> Stocks:
    out: Stocks = defaultdict(float)
    for (school, grade, _), n in counts.items():
        township, kind = schools[school]
        if kind not in LEFT_OUT_KINDS:
            out[(township, year, grade)] += sign * n
    return out


def stocks_current(year: int, current: Current | None = None) -> Stocks:
    """The stocks on the census date of ``year`` when it is the latest census that has passed, without a pass over
    all the events: the students' current state (``current_state``, or ``current`` when the caller has read it)
    for those with no event after the census date; for those with one (found by the date index: the months since
    the census) their current state is taken off again and the event whose span covers the census date counted
    instead."""
    day = census(year)
    late = EnrolmentEvent.objects.filter(date__gt=day).values("student_id")
    schools = _schools()
    out = _stocks_of(current_state() if current is None else current, schools, year)
    for key, n in _stocks_of(_current_counts(Student.objects.filter(id__in=late)), schools, year, -1).items():
        out[key] += n
    kinds, kparams = _kinds()
    sql = (
        "SELECT s.township_id, e.grade, COUNT(*) FROM people_enrolmentevent e"
        " JOIN schools_school s ON s.id = e.school_id"
        " WHERE e.student_id IN (SELECT l.student_id FROM people_enrolmentevent l WHERE l.date > %s)"
        f" AND e.date <= %s AND e.until > %s AND e.kind IN ({kinds}) AND e.grade IS NOT NULL AND s.kind <> %s"
        " GROUP BY s.township_id, e.grade"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [day, day, day, *kparams, SchoolKind.SPECIAL])
        for t, g, n in cursor.fetchall():
            out[(int(t), year, int(g))] += n
    return {k: float(n) for k, n in out.items() if n}


def flows(years: list[int], grades: tuple[int, ...] = (7, 10)) -> Flows:
    """(from township, to township, source year, grade reached) → pupils in grade g−1 on the census of the source
    year and in grade g on the next one."""
    if not years:
        return {}
    cte, params = _years_cte(years, pairs=True)
    kinds, kparams = _kinds()
    reached = ", ".join(["%s"] * len(grades))
    sql = (
        f"WITH {cte} SELECT sa.township_id, sb.township_id, y.year, b.grade, COUNT(*) FROM people_enrolmentevent a"
        " JOIN jy_fy y ON a.date <= y.census AND (a.until IS NULL OR a.until > y.census)"
        " JOIN people_enrolmentevent b ON b.student_id = a.student_id AND b.date <= y.next_census"
        " AND (b.until IS NULL OR b.until > y.next_census)"
        " JOIN schools_school sa ON sa.id = a.school_id JOIN schools_school sb ON sb.id = b.school_id"
        f" WHERE a.kind IN ({kinds}) AND b.kind IN ({kinds}) AND a.grade IN ({reached}) AND b.grade IN ({reached})"
        " AND a.grade = b.grade - 1"
        " AND sa.kind <> %s AND sb.kind <> %s"
        " GROUP BY sa.township_id, sb.township_id, y.year, b.grade"
    )
    params += kparams + kparams + [g - 1 for g in grades] + list(grades) + [SchoolKind.SPECIAL, SchoolKind.SPECIAL]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return {(int(a), int(b), int(y), int(g)): float(n) for a, b, y, g, n in cursor.fetchall()}


def population(*, source: str, max_age: int = 18) -> Population:
    """(township, calendar year, age) → people: village cells summed to their township; a township's own cells
    only where it has no village cells.

    Two statements, each grouping by plain columns (the planner then estimates the groups well: on PostgreSQL the
    village cells, millions in a province, are aggregated in parallel and in memory, where one statement grouping
    by "the village's parent or the township itself" spilled to disk); the township's own cells are found by
    the area index. JIT compilation is off for them on PostgreSQL (it took longer than the aggregate saved)."""
    villages = (
        "SELECT a.parent_id, c.year, c.age, SUM(c.count) FROM areas_populationcell c"
        " JOIN areas_area a ON a.id = c.area_id"
        " WHERE c.source = %s AND c.age <= %s AND a.level = 'village' GROUP BY a.parent_id, c.year, c.age"
    )
    own = (
        "SELECT c.area_id, c.year, c.age, SUM(c.count) FROM areas_populationcell c"
        " JOIN areas_area a ON a.id = c.area_id"
        " WHERE c.source = %s AND c.age <= %s AND a.level = 'township' GROUP BY c.area_id, c.year, c.age"
    )
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL jit = off")
        cursor.execute(villages, [source, max_age])
        out: Population = {(int(t), int(y), int(a)): float(n) for t, y, a, n in cursor.fetchall()}
        cursor.execute(own, [source, max_age])
        rows = cursor.fetchall()
    from_villages = {t for t, _, _ in out}
    for t, y, a, n in rows:
        if int(t) not in from_villages:
            out[(int(t), int(y), int(a))] = float(n)
    return out


def entry_ages(year: int, current: Current | None = None) -> dict[int, int]:
    """Age (at 31 December of ``year``) → grade-1 pupils now, county-wide (the students' current state)."""
    schools = _schools()
    out: dict[int, int] = defaultdict(int)
    for (school, grade, by), n in (current_state() if current is None else current).items():
        if grade == 1 and by is not None and schools[school][1] not in LEFT_OUT_KINDS:
            out[year - by] += n
    return dict(out)


MIXED_KINDS = (SchoolKind.NINE_YEAR, SchoolKind.COMPLETE_SECONDARY, SchoolKind.TEACHING_POINT)


def school_grade_stock(current: Current | None = None) -> dict[int, dict[int, int]]:
    """School → grade → pupils now, for the schools spanning levels (for splitting their seats)."""
    schools = _schools()
    out: dict[int, dict[int, int]] = defaultdict(dict)
    for (school, grade, _), n in (current_state() if current is None else current).items():
        if schools[school][1] in MIXED_KINDS:
            out[school][grade] = out[school].get(grade, 0) + n
    return out


def split_seats(kind: str, seats: int, grade_pupils: dict[int, int]) -> dict[str, int]:
    """A school's seats by level. One level: all of them. Several (九年一贯制, 完全中学, a 教学点 with a 附设幼儿班):
    in proportion to the school's pupils of each level now; with no pupils, to the number of its
    grades of each level. Rounded so that the parts add up to the whole."""
    grades = KIND_GRADES.get(kind, ())
    levels = sorted({level_of(g) for g in grades}, key=LEVELS.index)
    if len(levels) <= 1:
        return {levels[0]: seats} if levels else {}
    weights = {lv: sum(n for g, n in grade_pupils.items() if g in LEVEL_GRADES[lv]) for lv in levels}
    if not sum(weights.values()):
        weights = {lv: sum(1 for g in grades if g in LEVEL_GRADES[lv]) for lv in levels}
    total = sum(weights.values())
    parts = {lv: seats * w // total for lv, w in weights.items()}
    # The remainder goes to the largest part(s), so the parts add up to the seats.
    rest = seats - sum(parts.values())
    for lv in sorted(levels, key=lambda x: -weights[x])[:rest]:
        parts[lv] += 1
    return parts


def capacity(current: Current | None = None) -> tuple[dict[tuple[int, str], int], list[dict[str, Any]], int]:
    """(township, level) → seats; the schools whose seats were split (name, kind, parts); how many schools of
    the forecast's kinds have no seats recorded."""
    from jiaoyun.schools.models import School

    mixed = school_grade_stock(current)
    seats: dict[tuple[int, str], int] = defaultdict(int)
    splits: list[dict[str, Any]] = []
    unrecorded = 0
    for s in School.objects.filter(is_active=True).exclude(kind__in=LEFT_OUT_KINDS).order_by("township_id", "code"):
        if s.seats is None:
            unrecorded += 1
            continue
        parts = split_seats(s.kind, s.seats, mixed.get(s.pk, {}))
        for lv, n in parts.items():
            seats[(s.township_id, lv)] += n
        if len(parts) > 1:
            splits.append({"school": s.name, "kind": s.get_kind_display(), "seats": s.seats, "parts": parts})
    return dict(seats), splits, unrecorded


def projects_seats(*, level: str, by: dt.date) -> dict[int, int] | None:
    """Seats that facilities projects of ``level`` will add by ``by`` (township id → seats); None when the
    projects module is not there to ask."""
    try:
        seats_in_progress = importlib.import_module("jiaoyun.facilities.selectors").seats_in_progress
    except (ImportError, AttributeError):
        return None
    return {int(k): int(v) for k, v in seats_in_progress(level=level, by=by).items()}
