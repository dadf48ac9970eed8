"""Set-based computation of the indicators (no Python loops over students).

A student's state on a day is the 学籍 event with ``date ≤ day < until`` (the chain kept on the events by
``people.services.chain``). A run works in three steps, all in the database:

1. ``spans``: one pass over the events, grouped by what the measures look at (the run dates an event's state
   covers, as ranks; school, class, grade, kind, hukou village, age-band rank of the birth date; the dates of
   dropouts, graduations and moves into or out of the county): a few rows per class, not one per student.
2. ``DateFact`` / ``Fact``: each measure counted per school and per hukou village, from the spans.
3. ``IndicatorValue``: numerator and denominator sums per county, township, village or school.

The member queries (``MEASURES``) define each measure student by student over the same events; the
drill-down lists them, and a test holds the aggregation to them for every measure, school and village.
"""

from __future__ import annotations

import bisect
import datetime as dt
import re
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from jiaoyun.core.errors import DomainError
from jiaoyun.core.schoolyear import SchoolYear
from jiaoyun.indicators import conf
from jiaoyun.indicators.definitions import INDICATORS, Indicator
from jiaoyun.indicators.models import IndicatorRun
from jiaoyun.people.choices import IN_SCHOOL_EVENTS, SENIOR_STUDY_LEVELS, EventFlow

IN = "(" + ",".join(f"'{k}'" for k in IN_SCHOOL_EVENTS) + ")"
SENIOR_LEVELS = "(" + ",".join(f"'{k}'" for k in SENIOR_STUDY_LEVELS) + ")"
SNAPSHOT_KINDS = "(" + ",".join(f"'{k}'" for k in (*IN_SCHOOL_EVENTS, "drop_out")) + ")"


# ---------------------------------------------------------------------------------------------------------
# Periods: a school year and the date on which it is read.


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


# ---------------------------------------------------------------------------------------------------------
# Member queries. Each returns (member_id, school_id, village_id, n). ``{S_D}`` etc. are state sources.

# A student's state on a date: the event whose span [date, until) contains it.
STATE = (
    "(SELECT e.student_id, e.kind, e.date AS event_date, e.school_id, e.grade, e.school_class_id AS class_id,"
    " e.flow, e.prev_school_id, e.study_level, st.birth_date, st.hukou_village_id AS village_id"
    " FROM people_enrolmentevent e"
    " JOIN people_student st ON st.id = e.student_id"
    " WHERE e.date <= %({date})s AND (e.until IS NULL OR e.until > %({date})s))"
)
NULL_ID = "CAST(NULL AS BIGINT)"


def _stock(cond: str, state: str = "S_D") -> str:
    return (
        f"SELECT s.student_id AS member_id, s.school_id, s.village_id, 1 AS n FROM {{{state}}} s"
        f" JOIN schools_school sc ON sc.id = s.school_id WHERE s.kind IN {IN} AND {cond}"
    )


def _band(band: str) -> str:
    return f"s.birth_date > %({band}_blo)s AND s.birth_date <= %({band}_bhi)s"


def _population(band: str) -> str:
    return (
        f"SELECT pc.id AS member_id, {NULL_ID} AS school_id, pc.area_id AS village_id, pc.count AS n"
        " FROM areas_populationcell pc JOIN areas_area v ON v.id = pc.area_id"
        " WHERE v.level = 'village' AND pc.year = %(pop_year)s AND pc.source = %(pop_source)s"
        f" AND pc.age >= %({band}_lo)s AND pc.age <= %({band}_hi)s"
    )


def _graduates(grade: int) -> str:
    return (
        "SELECT e.student_id AS member_id, e.school_id, st.hukou_village_id AS village_id, 1 AS n"
        " FROM people_enrolmentevent e JOIN people_student st ON st.id = e.student_id"
        f" WHERE e.kind = 'graduate' AND e.grade = {grade} AND e.school_id IS NOT NULL"
        " AND e.date >= %(prev_start)s AND e.date <= %(prev_end)s"
    )


def _entrants(grade: int, state: str) -> str:
    return (
        f"SELECT s.student_id AS member_id, s.school_id, s.village_id, 1 AS n FROM {{{state}}} s"
        f" WHERE s.kind IN {IN} AND s.kind <> 'repeat' AND s.grade = {grade}"
    )


# Events of grades 1–9 that move a student into or out of the county's schools (``EventFlow``, kept on the
# events); one leaving to a school outside the county carries no school: the school left is the previous one.
FLOWS = (
    "(SELECT e.student_id, e.kind, e.date, e.grade, COALESCE(e.school_id, e.prev_school_id) AS school_id, e.flow"
    " FROM people_enrolmentevent e WHERE e.flow <> '' AND e.grade BETWEEN 1 AND 9)"
)


def _windows(cohort: str, first: int, column: str = "f.date") -> str:
    """The cohort's years: grade g between the census date of its year in grade g and the end of that year."""
    return " OR ".join(
        f"(f.grade = {g} AND {column} > %({cohort}_{g}_lo)s AND {column} <= %({cohort}_{g}_hi)s)"
        for g in range(first, 10)
    )


def _flows(cohort: str, first: int, arriving: bool) -> str:
    flow = EventFlow.ARRIVE if arriving else EventFlow.LEAVE
    return (
        "SELECT f.student_id AS member_id, f.school_id, st.hukou_village_id AS village_id, 1 AS n"
        " FROM {FLOWS} f JOIN people_student st ON st.id = f.student_id"
        f" WHERE f.flow = '{flow}' AND ({_windows(cohort, first)})"
    )


TEACHER_MEMBERS = (
    "SELECT DISTINCT a.teacher_id, a.school_id FROM people_teacherassignment a"
    " JOIN people_teacher t ON t.id = a.teacher_id WHERE t.post_type = 'teacher'"
    ' AND a.start <= %(d_D)s AND (a."end" IS NULL OR a."end" >= %(d_D)s)'
    " UNION ALL SELECT t.id AS teacher_id, t.school_id FROM people_teacher t"
    " WHERE t.post_type = 'teacher' AND t.is_active AND t.school_id IS NOT NULL"
    " AND NOT EXISTS (SELECT 1 FROM people_teacherassignment a2 WHERE a2.teacher_id = t.id)"
)
LEVEL_COND = {
    "pre": "s.grade <= 0",
    "pri": "s.grade BETWEEN 1 AND 6",
    "jun": "s.grade BETWEEN 7 AND 9",
    "sen": "s.grade >= 10 AND sc.kind <> 'vocational'",
    "voc": "s.grade >= 10 AND sc.kind = 'vocational'",
}


def _teachers(level: str) -> str:
    """A school's full-time teachers, shared between its levels in proportion to its students."""
    return (
        f"SELECT {NULL_ID} AS member_id, c.school_id, {NULL_ID} AS village_id, 1.0 * t.n * c.nl / c.nt AS n"
        f" FROM (SELECT s.school_id, SUM(CASE WHEN {LEVEL_COND[level]} THEN 1 ELSE 0 END) AS nl, COUNT(*) AS nt"
        f" FROM {{S_D}} s JOIN schools_school sc ON sc.id = s.school_id WHERE s.kind IN {IN} AND sc.kind <> 'special'"
        " GROUP BY s.school_id) c"
        f" JOIN (SELECT tm.school_id, COUNT(*) AS n FROM ({TEACHER_MEMBERS}) tm GROUP BY tm.school_id) t"
        " ON t.school_id = c.school_id WHERE c.nl > 0"
    )


def _classes(cond: str) -> str:
    return (
        f"SELECT k.class_id AS member_id, k.school_id, {NULL_ID} AS village_id, 1 AS n FROM"
        " (SELECT s.class_id, s.school_id, COUNT(*) AS size FROM {S_D} s"
        " JOIN schools_schoolclass c ON c.id = s.class_id"
        f" WHERE s.kind IN {IN} AND s.grade BETWEEN 1 AND 9 AND c.school_year = %(year)s"
        f" GROUP BY s.class_id, s.school_id) k WHERE {cond}"
    )


# County youths (a hukou village in the county) studying at senior level outside the county on the date, by a
# 外县就读 event of the year or the two before; one who left a county school is counted at the school left.
OUT_OF_COUNTY_SENIOR = (
    "SELECT s.student_id AS member_id,"
    " CASE WHEN s.flow <> '' THEN COALESCE(s.school_id, s.prev_school_id) ELSE s.school_id END AS school_id,"
    " s.village_id, 1 AS n FROM {S_D} s"
    f" WHERE s.kind = 'out_of_county' AND s.study_level IN {SENIOR_LEVELS} AND s.village_id IS NOT NULL"
    " AND s.event_date >= %(out_from)s"
)


def _dropouts(lo: int, hi: int, still_out: str = "{RETURNED}") -> str:
    """Dropout events of grades lo–hi during the school year, up to the end of its flow window (the whole year
    once it has ended). ``still_out``: only those not back in school at the window's end (仍失学); by default the
    setting ``INDICATOR_DROPOUT_COUNT_RETURNED`` decides whether children persuaded back count."""
    return (
        "SELECT e.student_id AS member_id, e.school_id, st.hukou_village_id AS village_id, 1 AS n"
        " FROM people_enrolmentevent e JOIN people_student st ON st.id = e.student_id"
        f" WHERE e.kind = 'drop_out' AND e.grade BETWEEN {lo} AND {hi}"
        f" AND e.date >= %(start)s AND e.date <= %(d_F)s{still_out}"
    )


STILL_OUT = " AND (e.until IS NULL OR e.until > %(d_F)s)"


def _dropout_base(lo: int, hi: int) -> str:
    """In school at the start of the year (the base date), plus those already out by then after a dropout
    during the year (a child who dropped out and came back before the base date is in school on it)."""
    return (
        _stock(f"s.grade BETWEEN {lo} AND {hi}", state="S_B")
        + " UNION ALL SELECT s.student_id AS member_id, s.school_id, s.village_id, 1 AS n FROM {S_B} s"
        f" WHERE s.kind = 'drop_out' AND s.event_date >= %(start)s AND s.grade BETWEEN {lo} AND {hi}"
    )


MEASURES: dict[str, tuple[str, str]] = {
    # code: (label, member SQL)
    "kg_all": ("在园幼儿", _stock("s.grade <= 0")),
    "kg_age": ("在园（含更高学段）3–5周岁幼儿", _stock("s.grade >= -2 AND " + _band("pre"))),
    "kg_public": ("公办园在园幼儿", _stock("s.grade <= 0 AND sc.ownership = 'public'")),
    "kg_inclusive": (
        "公办及普惠性民办园在园幼儿",
        _stock("s.grade <= 0 AND sc.ownership IN ('public', 'inclusive_private')"),
    ),
    "pri_all": ("小学在校生", _stock("s.grade BETWEEN 1 AND 6")),
    "pri_age": ("在校（小学及以上）适龄儿童", _stock("s.grade >= 1 AND " + _band("pri"))),
    "jun_all": ("初中在校生", _stock("s.grade BETWEEN 7 AND 9")),
    "jun_age": ("在校（初中及以上）适龄少年", _stock("s.grade >= 7 AND " + _band("jun"))),
    "sen_all": ("高中阶段在校生", _stock("s.grade >= 10")),
    "sen_out": ("外县就读的本县户籍高中阶段学生", OUT_OF_COUNTY_SENIOR),
    "pop_pre": ("3–5周岁人口", _population("pre")),
    "pop_pri": ("6–11周岁人口", _population("pri")),
    "pop_jun": ("12–14周岁人口", _population("jun")),
    "pop_sen": ("15–17周岁人口", _population("sen")),
    "grad9": ("初中毕业生", _graduates(9)),
    "grad6": ("小学毕业生", _graduates(6)),
    "prog6": (
        "升入初中的小学毕业生",
        _graduates(6).replace(
            "WHERE e.kind",
            f"JOIN {{S_D}} s ON s.student_id = e.student_id AND s.kind IN {IN} AND s.grade >= 7 WHERE e.kind",
        ),
    ),
    "entr1": ("入学时一年级在校生", _entrants(1, "S_E9")),
    "arr9": ("期间县外转入", _flows("w9", 1, arriving=True)),
    "left9": ("期间转出县外及死亡", _flows("w9", 1, arriving=False)),
    "entr7": ("入学时七年级在校生", _entrants(7, "S_E3")),
    "arr3": ("期间县外转入", _flows("w3", 7, arriving=True)),
    "left3": ("期间转出县外及死亡", _flows("w3", 7, arriving=False)),
    "drop_pri": ("学年内辍学小学生", _dropouts(1, 6)),
    "out_pri": ("学年内辍学、仍失学的小学生", _dropouts(1, 6, STILL_OUT)),
    "base_pri": ("学年初小学在校生", _dropout_base(1, 6)),
    "drop_jun": ("学年内辍学初中生", _dropouts(7, 9)),
    "out_jun": ("学年内辍学、仍失学的初中生", _dropouts(7, 9, STILL_OUT)),
    "base_jun": ("学年初初中在校生", _dropout_base(7, 9)),
    "class_all": ("小学、初中班级", _classes("k.size > 0")),
    "class_big": ("大班额班级", _classes("k.size >= %(big_lo)s AND k.size <= %(big_hi)s")),
    "class_super": ("超大班额班级", _classes("k.size >= %(super_min)s")),
}
for _lvl, _label in (("pre", "幼儿园"), ("pri", "小学"), ("jun", "初中"), ("sen", "普通高中"), ("voc", "中职")):
    MEASURES[f"stu_{_lvl}"] = (
        f"{_label}在校生",
        _stock(LEVEL_COND[_lvl] + " AND sc.kind <> 'special'"),
    )
    MEASURES[f"tea_{_lvl}"] = (f"{_label}专任教师（分摊）", _teachers(_lvl))


def _out_of_school(band: str) -> str:
    """Children of the county (a hukou village) in an age band who are not in school on the date: never
    enrolled, dropped out, suspended, or left school after graduating. Those studying outside the county
    (外县就读, 转出) and the dead are left out. Not a part of any figure: the children who would close its gap."""
    return (
        f"SELECT st.id AS member_id, {NULL_ID} AS school_id, st.hukou_village_id AS village_id, 1 AS n"
        " FROM people_student st LEFT JOIN {S_D} s ON s.student_id = st.id"
        " WHERE st.hukou_village_id IS NOT NULL"
        f" AND st.birth_date > %({band}_blo)s AND st.birth_date <= %({band}_bhi)s"
        f" AND (s.kind IS NULL OR s.kind NOT IN {IN}) AND COALESCE(s.kind, '') NOT IN ('out_of_county', 'transfer_out',"
        " 'death')"
    )


# The children who would close the gap of a population-based rate (drill-down only, not stored).
GAP_MEASURES: dict[str, tuple[str, str]] = {
    "gap_pre": ("未入园的3–5周岁幼儿", _out_of_school("pre")),
    "gap_pri": ("未在校的6–11周岁儿童", _out_of_school("pri")),
    "gap_jun": ("未在校的12–14周岁少年", _out_of_school("jun")),
    "gap_sen": ("未在校的15–17周岁青少年", _out_of_school("sen")),
}

STATES = {"S_D": "d_D", "S_B": "d_B", "S_E9": "d_E9", "S_E3": "d_E3"}


def member_sql(measure: str) -> str:
    returned = "" if conf.get("INDICATOR_DROPOUT_COUNT_RETURNED") else STILL_OUT
    text = MEASURES[measure][1] if measure in MEASURES else GAP_MEASURES[measure][1]
    sql = text.replace("{FLOWS}", FLOWS).replace("{RETURNED}", returned)
    for name, date_param in STATES.items():
        sql = sql.replace("{" + name + "}", STATE.replace("{date}", date_param))
    return sql


_PARAM = re.compile(r"%\((\w+)\)s")


def positional(sql: str, params: dict[str, Any]) -> tuple[str, list[Any]]:
    """Named ``%(x)s`` parameters to positional ``%s`` (for RawSQL and either database)."""
    values: list[Any] = []

    def repl(m: re.Match[str]) -> str:
        values.append(params[m.group(1)])
        return "%s"

    return _PARAM.sub(repl, sql), values


Executor = Callable[[str, dict[str, Any]], int]


def _execute(sql: str, params: dict[str, Any]) -> int:
    text, values = positional(sql, params)
    with connection.cursor() as cursor:
        cursor.execute(text, values)
        return cursor.rowcount


# ---------------------------------------------------------------------------------------------------------
# The run.


def calendar_bounds() -> tuple[dt.date, dt.date] | None:
    """The first and last day a run's calendar must cover: every event date and every birth date."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT MIN(x.lo), MAX(x.hi) FROM (SELECT MIN(date) AS lo, MAX(date) AS hi FROM people_enrolmentevent"
            " UNION ALL SELECT MIN(birth_date), MAX(birth_date) FROM people_student) x"
        )
        lo, hi = cursor.fetchone()
    return (_as_date(lo), _as_date(hi)) if lo is not None else None


def _band_cuts(day: dt.date) -> dict[str, dt.date]:
    p = Period(SchoolYear.of(day), day).params()
    return {f"{b}_{end}": p[f"{b}_b{end}"] for b in ("pre", "pri", "jun") for end in ("lo", "hi")}


def _fill_dates(execute: Executor, run_id: int, periods: list[Period], bounds: tuple[dt.date, dt.date] | None) -> None:
    """The run's periods and dates, and a calendar of every day from the first birth or event to the last, with
    the day's rank among the run dates (``idx``), among the age bands' birth-date limits (``bkey``) and its
    school year (``year``)."""
    for p in periods:
        execute(
            "INSERT INTO indicators_runperiod (run_id, school_year, as_of, base, entry9, entry3, prev_start, prev_end,"
            " year_start, flow_end) VALUES (%(run)s, %(year)s, %(as_of)s, %(d_B)s, %(d_E9)s, %(d_E3)s, %(prev_start)s,"
            " %(prev_end)s, %(start)s, %(d_F)s)",
            {"run": run_id, **p.params()},
        )
    full = {d for p in periods for d in (p.as_of, p.base)}
    dates = sorted({d for p in periods for d in p.dates()})
    cuts = sorted({c for d in dates for c in _band_cuts(d).values()})
    for idx, d in enumerate(dates):
        dp = Period(SchoolYear.of(d), d).params()
        ranks = {f"{k[:4]}k{k[4:]}": bisect.bisect_left(cuts, c) for k, c in _band_cuts(d).items()}
        execute(
            "INSERT INTO indicators_rundate (run_id, on_date, idx, all_grades, class_year, year_start, base, out_from,"
            " pre_klo, pre_khi, pri_klo, pri_khi, jun_klo, jun_khi) VALUES (%(run)s, %(d)s, %(idx)s, %(all_grades)s,"
            " %(year)s, %(start)s, %(d_B)s, %(out_from)s, %(pre_klo)s, %(pre_khi)s, %(pri_klo)s, %(pri_khi)s,"
            " %(jun_klo)s, %(jun_khi)s)",
            {"run": run_id, "d": d, "idx": idx, "all_grades": d in full, **dp, **ranks},
        )
    first, last = dates[0], dates[-1]
    if bounds is not None:
        first, last = min(first, bounds[0]), max(last, bounds[1])
    rows, day, i, j = [], first, 0, 0
    while day <= last:
        while i < len(dates) and dates[i] < day:
            i += 1
        while j < len(cuts) and cuts[j] < day:
            j += 1
        year = SchoolYear.of(day).start_year
        rows.append(f"({run_id}, '{day.isoformat()}', {i}, {j}, {year})")
        day += dt.timedelta(days=1)
    for k in range(0, len(rows), 1000):
        execute(
            "INSERT INTO indicators_runday (run_id, day, idx, bkey, year) VALUES " + ", ".join(rows[k : k + 1000]), {}
        )


def _fill_spans(execute: Executor, run_id: int, periods: list[Period], vendor: str, slices: Sequence[str] = ()) -> None:
    """One pass over the events, grouped by everything the measures look at (``jy_spans``, a temporary table).

    A state's run dates are the ranks in [lo, hi): from its event's date to the next event's. Kept: states in
    school or dropped out that hold on some run date, grade 6 and 9 graduations, and moves of grades 1–9 into
    or out of the county (``flow``; one to outside the county is counted at the school left). The event's date
    is kept only for dropouts, graduations and moves, so ordinary states of a class collapse into a few rows.
    States in school in grade 7 or above keep the school year and school of the student's primary graduation
    (the chain's ``grad6_*``) when it was in the state's school year or the one before: 升入初中 reads them.

    ``slices`` (PostgreSQL, see ``heap_slices``): conditions that cut the events into parts grouped separately,
    one per parallel worker, then merged."""
    dates = {d for p in periods for d in p.dates()}
    n_dates = len(dates)
    # Events that cannot count are left out before any join: states must last past the first run date (past
    # the first full date unless grade 1 or 7, the entrants read on the cohort-entry dates); graduations and
    # moves must fall after the earliest period's window opens.
    bounds = {
        "first": min(dates),
        "first_full": min(d for p in periods for d in (p.as_of, p.base)),
        "grad_from": min(p.year.shift(-1).start for p in periods),
        "flow_from": min(min(p.entry9, p.entry3) for p in periods),
        "drop_from": min(p.year.start for p in periods),
    }
    useful = (
        f"((e.kind IN {SNAPSHOT_KINDS} AND (e.until IS NULL OR (e.until > %(first)s"
        " AND (e.grade IN (1, 7) OR e.until > %(first_full)s))))"
        " OR (e.kind = 'graduate' AND e.grade IN (6, 9) AND e.date >= %(grad_from)s)"
        " OR (e.flow <> '' AND e.grade BETWEEN 1 AND 9 AND e.date > %(flow_from)s)"
        " OR (e.kind = 'drop_out' AND e.date >= %(drop_from)s)"
        f" OR (e.kind = 'out_of_county' AND e.study_level IN {SENIOR_LEVELS}"
        " AND (e.until IS NULL OR e.until > %(first_full)s)))"
    )
    school = "CASE WHEN e.flow <> '' THEN COALESCE(e.school_id, e.prev_school_id) ELSE e.school_id END"
    event_date = "CASE WHEN e.kind IN ('drop_out', 'graduate', 'out_of_county') OR e.flow <> '' THEN e.date END"
    hi = f"COALESCE(c2.idx, {n_dates})"
    recent = f"e.kind IN {IN} AND e.grade >= 7 AND cg.year >= c1.year - 1"
    keys = ("lo", "hi", "kind", "flow", "school_id", "grade", "class_id", "village_id", "bkey", "event_date",
            "g6_year", "g6_school_id", "level")  # fmt: skip
    select = (
        f"SELECT c1.idx AS lo, {hi} AS hi, e.kind, e.flow, {school} AS school_id,"
        " e.grade, e.school_class_id AS class_id, e.student_village_id AS village_id, cb.bkey,"
        f" {event_date} AS event_date, CASE WHEN {recent} THEN cg.year END AS g6_year,"
        f" CASE WHEN {recent} THEN e.grad6_school_id END AS g6_school_id,"
        " CASE WHEN e.kind = 'out_of_county' THEN e.study_level END AS level, COUNT(*) AS n FROM people_enrolmentevent e"
        # CROSS JOIN: SQLite scans the events and looks each day up, instead of the events of each day
        " CROSS JOIN indicators_runday c1"
        " LEFT JOIN indicators_runday c2 ON c2.run_id = %(run)s AND c2.day = e.until"
        " LEFT JOIN indicators_runday cg ON cg.run_id = %(run)s AND cg.day = e.grad6_date"
        " JOIN indicators_runday cb ON cb.run_id = %(run)s AND cb.day = e.student_birth"
        # … and, of those, states that hold on some run date (graduations and moves count by their date)
        f" WHERE {{slice}}{useful} AND c1.run_id = %(run)s AND c1.day = e.date"
        f" AND ({hi} > c1.idx OR e.kind IN ('graduate', 'drop_out') OR e.flow <> '')"
        f" GROUP BY {', '.join(str(k + 1) for k in range(len(keys)))}"
    )
    if slices:
        # Each slice of the events is grouped on its own (a worker each), then the slices' groups are merged.
        union = " UNION ALL ".join(select.replace("{slice}", f"{cond} AND ") for cond in slices)
        select = f"SELECT {', '.join(keys)}, SUM(x.n) AS n FROM ({union}) x GROUP BY {', '.join(keys)}"
    else:
        select = select.replace("{slice}", "")
    execute("DROP TABLE IF EXISTS jy_spans", {})
    if vendor == "postgresql":
        # The planner cannot foresee how few groups there are (a few per class) and would sort every event;
        # hash them instead. Its hash tables, sized for the groups it expects, would not fit in the CPU caches.
        execute("SET LOCAL enable_sort = off", {})
        execute("SET LOCAL parallel_tuple_cost = 0.0001", {})
        execute(f"SET LOCAL work_mem = '{conf.get('INDICATOR_SPANS_WORK_MEM')}'", {})
    execute(f"CREATE TEMP TABLE jy_spans AS {select}", {"run": run_id, **bounds})
    if vendor == "postgresql":
        execute("SET LOCAL enable_sort = DEFAULT", {})
        execute("SET LOCAL parallel_tuple_cost = DEFAULT", {})
        execute(f"SET LOCAL work_mem = '{conf.get('INDICATOR_WORK_MEM')}'", {})
    execute("DROP TABLE IF EXISTS jy_flows", {})
    execute("CREATE TEMP TABLE jy_flows AS SELECT * FROM jy_spans WHERE flow <> '' AND grade BETWEEN 1 AND 9", {})


# ---------------------------------------------------------------------------------------------------------
# The aggregation: every state measure of every date of a run from one pass over the states (conditional
# sums grouped by date, school and hukou village), then the periods' facts from those date facts. The
# member queries of MEASURES stay the definition of each measure (the drill-down lists them); the test
# ``test_date_facts_equal_the_member_queries`` holds the two to the same numbers.

_IN_SCHOOL = f"s.kind IN {IN} AND sc.id IS NOT NULL"
_NOT_SPECIAL = f"{_IN_SCHOOL} AND sc.kind <> 'special'"


def _in_band(band: str) -> str:
    return f"s.b_{band} = 1"


# The states of each run date (the spans covering it) grouped by everything the measures look at; the
# measures' conditions then run over these groups, not over every student.
COVERS = "d.run_id = %(run)s AND d.idx >= s.lo AND d.idx < s.hi"
STATE_GROUPS = (
    "SELECT d.on_date, s.school_id, s.village_id, s.kind, s.grade, s.level, {flags}, SUM(s.n) AS c"
    f" FROM jy_spans s JOIN indicators_rundate d ON {COVERS} AND (s.grade IN (1, 7) OR d.all_grades)"
    f" WHERE (s.kind IN {SNAPSHOT_KINDS} OR (s.kind = 'out_of_county' AND s.level IN {SENIOR_LEVELS}))"
    " GROUP BY d.on_date, s.school_id, s.village_id, s.kind, s.grade, s.level, {keys}"
)
STATE_FLAGS = {
    **{f"b_{b}": f"s.bkey > d.{b}_klo AND s.bkey <= d.{b}_khi" for b in ("pre", "pri", "jun")},
    "e_year": "s.event_date >= d.year_start",  # an event (a dropout) in the date's school year
    "e_out": "s.event_date >= d.out_from",  # … in it or the two before (外县就读 at senior level)
}


DATE_MEASURES: dict[str, str] = {
    # measure on a date: condition on the state s (LEFT JOIN school sc) and the date's parameters d
    "kg_all": f"{_IN_SCHOOL} AND s.grade <= 0",
    "kg_age": f"{_IN_SCHOOL} AND s.grade >= -2 AND {_in_band('pre')}",
    "kg_public": f"{_IN_SCHOOL} AND s.grade <= 0 AND sc.ownership = 'public'",
    "kg_inclusive": f"{_IN_SCHOOL} AND s.grade <= 0 AND sc.ownership IN ('public', 'inclusive_private')",
    "pri_all": f"{_IN_SCHOOL} AND s.grade BETWEEN 1 AND 6",
    "pri_age": f"{_IN_SCHOOL} AND s.grade >= 1 AND {_in_band('pri')}",
    "jun_all": f"{_IN_SCHOOL} AND s.grade BETWEEN 7 AND 9",
    "jun_age": f"{_IN_SCHOOL} AND s.grade >= 7 AND {_in_band('jun')}",
    "sen_all": f"{_IN_SCHOOL} AND s.grade >= 10",
    "stu_total": _NOT_SPECIAL,
    **{f"stu_{lvl}": f"{_NOT_SPECIAL} AND {cond}" for lvl, cond in LEVEL_COND.items()},
    # out of school on the date after a dropout during its school year (added to the start-of-year base)
    "dout_pri": "s.kind = 'drop_out' AND s.e_year = 1 AND s.grade BETWEEN 1 AND 6",
    "dout_jun": "s.kind = 'drop_out' AND s.e_year = 1 AND s.grade BETWEEN 7 AND 9",
    "sen_out": f"s.kind = 'out_of_county' AND s.level IN {SENIOR_LEVELS} AND s.village_id IS NOT NULL AND s.e_out = 1",
    "new1": f"s.kind IN {IN} AND s.kind <> 'repeat' AND s.grade = 1",
    "new7": f"s.kind IN {IN} AND s.kind <> 'repeat' AND s.grade = 7",
}
CLASS_MEASURES = {
    "class_all": "k.size > 0",
    "class_big": "k.size >= %(big_lo)s AND k.size <= %(big_hi)s",
    "class_super": "k.size >= %(super_min)s",
}
# A period's fact: (date measure, the period's date it is read on); several sources are added up.
ROLE_DATE = {"D": "p.as_of", "B": "p.base", "E9": "p.entry9", "E3": "p.entry3"}
FACT_SOURCES: dict[str, tuple[tuple[str, str], ...]] = {
    **{
        m: ((m, "D"),)
        for m in (
            "kg_all", "kg_age", "kg_public", "kg_inclusive", "pri_all", "pri_age", "jun_all", "jun_age", "sen_all",
            "sen_out",
            *CLASS_MEASURES, *(f"{p}_{lvl}" for p in ("stu", "tea") for lvl in LEVEL_COND),
        )
    },
    "base_pri": (("pri_all", "B"), ("dout_pri", "B")),
    "base_jun": (("jun_all", "B"), ("dout_jun", "B")),
    "entr1": (("new1", "E9"),),
    "entr7": (("new7", "E3"),),
}  # fmt: skip
# Measures summed per period from their member queries (population cells: a few rows per period).
PERIOD_MEASURES = ("pop_pre", "pop_pri", "pop_jun", "pop_sen")
# Moves into or out of the county during a cohort's years: measure → (cohort, first grade, flow).
FLOW_MEASURES = {
    "arr9": ("w9", 1, EventFlow.ARRIVE),
    "left9": ("w9", 1, EventFlow.LEAVE),
    "arr3": ("w3", 7, EventFlow.ARRIVE),
    "left3": ("w3", 7, EventFlow.LEAVE),
}


def _unpivot(names: Iterable[str]) -> str:
    return " UNION ALL ".join(f"SELECT '{n}' AS measure" for n in names)


def _case(column: dict[str, str]) -> str:
    return "CASE m.measure " + " ".join(f"WHEN '{n}' THEN g.{c}" for n, c in column.items()) + " END"


def _fill_date_facts(execute: Executor, run_id: int) -> None:
    """Every state measure on every date of the run, by school and hukou village: one pass over the states."""
    big_lo, big_hi = conf.get("INDICATOR_LARGE_CLASS")
    params = {"big_lo": big_lo, "big_hi": big_hi, "super_min": conf.get("INDICATOR_SUPER_LARGE_CLASS_MIN")}
    sums = ", ".join(f"SUM(CASE WHEN {cond} THEN s.c ELSE 0 END) AS {m}" for m, cond in DATE_MEASURES.items())
    cols = {m: m for m in DATE_MEASURES}
    flags = [f"CASE WHEN {cond} THEN 1 ELSE 0 END" for cond in STATE_FLAGS.values()]
    groups = STATE_GROUPS.format(
        flags=", ".join(f"{f} AS {name}" for f, name in zip(flags, STATE_FLAGS, strict=True)), keys=", ".join(flags)
    )
    head = "INSERT INTO indicators_datefact (run_id, on_date, measure, school_id, village_id, n)"
    execute(
        f"{head} SELECT %(run)s, u.on_date, u.measure, u.school_id, u.village_id, u.n FROM"
        f" (SELECT g.on_date, m.measure, g.school_id, g.village_id, {_case(cols)} AS n FROM"
        f" (SELECT s.on_date, s.school_id, s.village_id, {sums} FROM ({groups}) s"
        " LEFT JOIN schools_school sc ON sc.id = s.school_id"
        f" GROUP BY s.on_date, s.school_id, s.village_id) g CROSS JOIN ({_unpivot(DATE_MEASURES)}) m) u"
        " WHERE u.n > 0",
        {"run": run_id},
    )
    # Class sizes of grades 1–9 on each full date (classes of the date's school year).
    sizes = (
        "SELECT d.on_date, s.class_id, s.school_id, SUM(s.n) AS size FROM jy_spans s"
        f" JOIN indicators_rundate d ON {COVERS} AND d.all_grades JOIN schools_schoolclass c ON c.id = s.class_id"
        f" WHERE s.kind IN {IN} AND s.grade BETWEEN 1 AND 9"
        " AND c.school_year = d.class_year GROUP BY d.on_date, s.class_id, s.school_id"
    )
    csums = ", ".join(f"SUM(CASE WHEN {cond} THEN 1 ELSE 0 END) AS {m}" for m, cond in CLASS_MEASURES.items())
    execute(
        f"{head} SELECT %(run)s, u.on_date, u.measure, u.school_id, NULL, u.n FROM"
        f" (SELECT g.on_date, m.measure, g.school_id, {_case({m: m for m in CLASS_MEASURES})} AS n FROM"
        f" (SELECT k.on_date, k.school_id, {csums} FROM ({sizes}) k GROUP BY k.on_date, k.school_id) g"
        f" CROSS JOIN ({_unpivot(CLASS_MEASURES)}) m) u WHERE u.n > 0",
        {"run": run_id, **params},
    )
    # Full-time teachers on each full date, shared between a school's levels in proportion to its students.
    # A teacher with one assignment at a school is counted by (school, start, end) before the dates are
    # joined; one with several there (overlapping records) once per date; one without any, at their school.
    full_dates = "d.run_id = %(run)s AND d.all_grades"
    covers = 'd.on_date >= {a}.start AND ({a}."end" IS NULL OR {a}."end" >= d.on_date)'
    other = (
        "EXISTS (SELECT 1 FROM people_teacherassignment a2 WHERE a2.teacher_id = a.teacher_id"
        " AND a2.school_id = a.school_id AND a2.id <> a.id)"
    )
    teachers = (
        "SELECT x.on_date, x.school_id, SUM(x.n) AS n FROM ("
        'SELECT d.on_date, g.school_id, g.n FROM (SELECT a.school_id, a.start, a."end", COUNT(*) AS n'
        " FROM people_teacherassignment a JOIN people_teacher t ON t.id = a.teacher_id"
        f" WHERE t.post_type = 'teacher' AND NOT {other} GROUP BY a.school_id, a.start, a.\"end\") g"
        f" JOIN indicators_rundate d ON {full_dates} AND {covers.format(a='g')}"
        " UNION ALL SELECT y.on_date, y.school_id, COUNT(*) AS n FROM (SELECT DISTINCT d.on_date, a.teacher_id,"
        f" a.school_id FROM indicators_rundate d JOIN people_teacherassignment a ON {covers.format(a='a')}"
        f" JOIN people_teacher t ON t.id = a.teacher_id WHERE {full_dates} AND t.post_type = 'teacher'"
        f" AND {other}) y GROUP BY y.on_date, y.school_id"
        " UNION ALL SELECT d.on_date, t.school_id, COUNT(*) AS n FROM indicators_rundate d"
        f" CROSS JOIN people_teacher t WHERE {full_dates} AND t.post_type = 'teacher'"
        " AND t.is_active AND t.school_id IS NOT NULL"
        " AND NOT EXISTS (SELECT 1 FROM people_teacherassignment a3 WHERE a3.teacher_id = t.id)"
        " GROUP BY d.on_date, t.school_id) x GROUP BY x.on_date, x.school_id"
    )
    levels = {f"tea_{lvl}": f"stu_{lvl}" for lvl in LEVEL_COND}
    per_school = ", ".join(
        f"SUM(CASE WHEN f.measure = '{m}' THEN f.n ELSE 0 END) AS {m}" for m in ("stu_total", *levels.values())
    )
    execute(
        f"{head} SELECT %(run)s, u.on_date, u.measure, u.school_id, NULL, 1.0 * u.nt * u.nl / u.ns FROM"
        f" (SELECT g.on_date, m.measure, g.school_id, t.n AS nt, g.stu_total AS ns, {_case(levels)} AS nl FROM"
        f" (SELECT f.on_date, f.school_id, {per_school} FROM indicators_datefact f WHERE f.run_id = %(run)s"
        " GROUP BY f.on_date, f.school_id) g"
        f" JOIN ({teachers}) t ON t.on_date = g.on_date AND t.school_id = g.school_id"
        f" CROSS JOIN ({_unpivot(levels)}) m) u WHERE u.nl > 0",
        {"run": run_id},
    )


def _fill_period_facts(execute: Executor, run_id: int, measures: list[str]) -> None:
    """The periods' facts from the date facts, and the graduation measures: one statement each for all periods."""
    wanted = [m for m in measures if m in FACT_SOURCES]
    head = (
        "INSERT INTO indicators_fact (run_id, school_year, as_of, measure, school_id, school_township_id,"
        " village_id, village_township_id, n)"
    )
    if wanted:
        sources = " UNION ALL ".join(
            f"SELECT '{m}' AS measure, '{src}' AS source, '{role}' AS role"
            for m in wanted
            for src, role in FACT_SOURCES[m]
        )
        on_date = "CASE r.role " + " ".join(f"WHEN '{k}' THEN {v}" for k, v in ROLE_DATE.items()) + " END"
        execute(
            f"{head} SELECT %(run)s, p.school_year, p.as_of, r.measure, f.school_id, sc.township_id, f.village_id,"
            # CROSS JOIN fixes SQLite's join order: each (period, source) probes the date facts' index
            f" v.parent_id, SUM(f.n) FROM indicators_runperiod p CROSS JOIN ({sources}) r"
            " CROSS JOIN indicators_datefact f"
            " LEFT JOIN schools_school sc ON sc.id = f.school_id LEFT JOIN areas_area v ON v.id = f.village_id"
            f" WHERE p.run_id = %(run)s AND f.run_id = p.run_id AND f.measure = r.source AND f.on_date = {on_date}"
            " GROUP BY p.school_year, p.as_of, r.measure, f.school_id, sc.township_id, f.village_id, v.parent_id",
            {"run": run_id},
        )
    for measure, grade in (("grad6", 6), ("grad9", 9)):  # graduations of the year before, from the spans
        if measure in measures:
            execute(
                f"{head} SELECT %(run)s, p.school_year, p.as_of, %(measure)s, s.school_id, sc.township_id,"
                " s.village_id, v.parent_id, SUM(s.n) FROM indicators_runperiod p"
                f" JOIN jy_spans s ON s.kind = 'graduate' AND s.grade = {grade} AND s.school_id IS NOT NULL"
                " AND s.event_date >= p.prev_start AND s.event_date <= p.prev_end"
                " LEFT JOIN schools_school sc ON sc.id = s.school_id LEFT JOIN areas_area v ON v.id = s.village_id"
                " WHERE p.run_id = %(run)s"
                " GROUP BY p.school_year, p.as_of, s.school_id, sc.township_id, s.village_id, v.parent_id",
                {"run": run_id, "measure": measure},
            )
    # Dropouts during the year (flows): the dropout events from the year's start to the end of its flow window
    # (the whole year once it has ended); 仍失学: those whose dropout state still holds at the window's end.
    returned = conf.get("INDICATOR_DROPOUT_COUNT_RETURNED")
    for measure, (lo, hi), still_out in (
        ("drop_pri", (1, 6), not returned),
        ("out_pri", (1, 6), True),
        ("drop_jun", (7, 9), not returned),
        ("out_jun", (7, 9), True),
    ):
        if measure not in measures:
            continue
        out = " JOIN indicators_rundate d ON d.run_id = p.run_id AND d.on_date = p.flow_end AND s.hi > d.idx"
        execute(
            f"{head} SELECT %(run)s, p.school_year, p.as_of, %(measure)s, s.school_id, sc.township_id, s.village_id,"
            " v.parent_id, SUM(s.n) FROM indicators_runperiod p"
            f" JOIN jy_spans s ON s.kind = 'drop_out' AND s.grade BETWEEN {lo} AND {hi}"
            f" AND s.event_date >= p.year_start AND s.event_date <= p.flow_end{out if still_out else ''}"
            " LEFT JOIN schools_school sc ON sc.id = s.school_id LEFT JOIN areas_area v ON v.id = s.village_id"
            " WHERE p.run_id = %(run)s"
            " GROUP BY p.school_year, p.as_of, s.school_id, sc.township_id, s.village_id, v.parent_id",
            {"run": run_id, "measure": measure},
        )
    if "prog6" in measures:  # … of them, those in school in grade 7 or above on the as-of date
        execute(
            f"{head} SELECT %(run)s, p.school_year, p.as_of, 'prog6', s.g6_school_id, sc.township_id, s.village_id,"
            " v.parent_id, SUM(s.n) FROM indicators_runperiod p"
            " JOIN indicators_rundate d ON d.run_id = p.run_id AND d.on_date = p.as_of"
            " JOIN jy_spans s ON s.g6_year = p.school_year - 1 AND s.g6_school_id IS NOT NULL"
            " AND d.idx >= s.lo AND d.idx < s.hi"
            " LEFT JOIN schools_school sc ON sc.id = s.g6_school_id LEFT JOIN areas_area v ON v.id = s.village_id"
            " WHERE p.run_id = %(run)s"
            " GROUP BY p.school_year, p.as_of, s.g6_school_id, sc.township_id, s.village_id, v.parent_id",
            {"run": run_id},
        )


def _needed_measures(indicators: Iterable[Indicator]) -> list[str]:
    seen: dict[str, None] = {}
    for ind in indicators:
        for m in (*ind.numerator_measures(), *ind.denominator_measures(), *ind.extra):
            seen[m.lstrip("-")] = None
    return list(seen)


def _fill_facts(execute: Executor, run_id: int, period: Period, measures: list[str]) -> None:
    base = {"run": run_id, **period.params()}
    head = (
        "INSERT INTO indicators_fact (run_id, school_year, as_of, measure, school_id, school_township_id,"
        " village_id, village_township_id, n) SELECT %(run)s, %(year)s, %(as_of)s, %(measure)s"
    )
    for measure in measures:
        if measure in PERIOD_MEASURES:
            execute(
                f"{head}, m.school_id, sc.township_id, m.village_id, v.parent_id, SUM(m.n) FROM ({member_sql(measure)}) m"
                " LEFT JOIN schools_school sc ON sc.id = m.school_id LEFT JOIN areas_area v ON v.id = m.village_id"
                " GROUP BY m.school_id, sc.township_id, m.village_id, v.parent_id",
                {**base, "measure": measure},
            )
        elif measure in FLOW_MEASURES:
            cohort, first, flow = FLOW_MEASURES[measure]
            execute(
                f"{head}, f.school_id, sc.township_id, f.village_id, v.parent_id, SUM(f.n) FROM jy_flows f"
                " LEFT JOIN schools_school sc ON sc.id = f.school_id LEFT JOIN areas_area v ON v.id = f.village_id"
                f" WHERE f.flow = '{flow}' AND ({_windows(cohort, first, 'f.event_date')})"
                " GROUP BY f.school_id, sc.township_id, f.village_id, v.parent_id",
                {**base, "measure": measure},
            )


def _sum_expr(measures: tuple[str, ...]) -> str:
    plus = [m for m in measures if not m.startswith("-")]
    minus = [m.lstrip("-") for m in measures if m.startswith("-")]
    parts = []
    if plus:
        parts.append("WHEN f.measure IN (" + ",".join(f"'{m}'" for m in plus) + ") THEN f.n")
    if minus:
        parts.append("WHEN f.measure IN (" + ",".join(f"'{m}'" for m in minus) + ") THEN -f.n")
    return "SUM(CASE " + " ".join(parts) + " ELSE 0 END)"


def _fill_values(execute: Executor, run_id: int, ind: Indicator, now: dt.datetime) -> int:
    num, den = _sum_expr(ind.numerator_measures()), _sum_expr(ind.denominator_measures())
    ext = _sum_expr(ind.extra) if ind.extra else "NULL"
    scale = "100.0" if ind.is_rate else "1.0"
    measures = ",".join(
        f"'{m.lstrip('-')}'" for m in (*ind.numerator_measures(), *ind.denominator_measures(), *ind.extra)
    )
    value = f"CASE WHEN COALESCE(g.den, 0) > 0 THEN {scale} * COALESCE(g.num, 0) / g.den END"
    ext_value = "COALESCE(g.ext, 0)" if ind.extra else "NULL"
    head = (
        "INSERT INTO indicators_indicatorvalue (run_id, code, level, area_id, school_id, school_year, as_of, value,"
        " numerator, denominator, extra, flow_end, computed_at) "
    )
    facts = f"FROM indicators_fact f WHERE f.run_id = %(run)s AND f.measure IN ({measures})"
    params = {"run": run_id, "code": ind.code, "now": now}
    rows = 0
    for level in ind.levels:
        if level == "school":
            key = "f.school_id"
        elif level == "village":
            key = "f.village_id"
        elif level == "township":
            key = "f.village_township_id" if ind.township_key_hukou else "f.school_township_id"
        else:
            key = None
        select_key = f"{key} AS k, " if key else ""
        group_key = f", {key}" if key else ""
        grouped = (
            f"(SELECT f.school_year, f.as_of, {select_key}{num} AS num, {den} AS den, {ext} AS ext {facts}"
            f" GROUP BY f.school_year, f.as_of{group_key})"
        )
        join_key = " AND g.k = a.id" if key else ""
        if level == "school":
            sql = (
                head + f"SELECT %(run)s, %(code)s, 'school', NULL, g.k, g.school_year, g.as_of, {value},"
                f" COALESCE(g.num, 0), COALESCE(g.den, 0), {ext_value}, p.flow_end, %(now)s FROM {grouped} g"
                " JOIN indicators_runperiod p ON p.run_id = %(run)s AND p.school_year = g.school_year"
                " AND p.as_of = g.as_of WHERE g.k IS NOT NULL"
            )
        else:
            sql = (
                head + f"SELECT %(run)s, %(code)s, '{level}', a.id, NULL, p.school_year, p.as_of, {value},"
                f" COALESCE(g.num, 0), COALESCE(g.den, 0), {ext_value}, p.flow_end, %(now)s FROM areas_area a"
                " JOIN indicators_runperiod p ON p.run_id = %(run)s"
                f" LEFT JOIN {grouped} g ON g.school_year = p.school_year AND g.as_of = p.as_of{join_key}"
                f" WHERE a.level = '{level}'"
            )
        rows += execute(sql, params)
    return rows


def pipeline(
    execute: Executor,
    *,
    run_id: int,
    periods: list[Period],
    chosen: list[Indicator],
    now: dt.datetime,
    bounds: tuple[dt.date, dt.date] | None,
    vendor: str = "",
    slices: Sequence[str] = (),
) -> int:
    """The whole computation as SQL statements (so it can also run on another engine, see bench/)."""
    _fill_dates(execute, run_id, periods, bounds)
    if vendor == "postgresql":  # fresh statistics: a handful of rows, not the planner's guess
        for table in ("rundate", "runperiod", "runday"):
            execute(f"ANALYZE indicators_{table}", {})
    measures = _needed_measures(chosen)
    _fill_spans(execute, run_id, periods, vendor, slices)
    if vendor == "postgresql":  # temporary tables are never analysed by autovacuum
        execute("ANALYZE jy_spans", {})
        execute("ANALYZE jy_flows", {})
    _fill_date_facts(execute, run_id)
    _fill_period_facts(execute, run_id, measures)
    for p in periods:
        _fill_facts(execute, run_id, p, measures)
    codes = ",".join(f"'{i.code}'" for i in chosen)
    for p in periods:
        execute(
            f"DELETE FROM indicators_indicatorvalue WHERE school_year = %(year)s AND as_of = %(as_of)s AND code IN ({codes})",
            {"year": p.year.start_year, "as_of": p.as_of},
        )
    rows = sum(_fill_values(execute, run_id, ind, now) for ind in chosen)
    for table in ("fact", "datefact", "runday", "rundate", "runperiod"):
        execute(f"DELETE FROM indicators_{table} WHERE run_id = %(run)s", {"run": run_id})
    execute("DROP TABLE jy_flows", {})
    execute("DROP TABLE jy_spans", {})
    return rows


def indicators_compute(
    *, periods: list[Period], codes: Iterable[str] | None = None, triggered_by: str = ""
) -> IndicatorRun:
    """Recompute the indicators of the given periods, replacing their stored values (one transaction)."""
    started = time.perf_counter()
    chosen = [i for i in INDICATORS if codes is None or i.code in set(codes)]
    for p in periods:
        check_as_of(p.year, p.as_of)
    run = IndicatorRun.objects.create(
        started_at=timezone.now(),
        periods=[[p.year.start_year, p.as_of.isoformat()] for p in periods],
        triggered_by=triggered_by[:50],
    )
    try:
        with transaction.atomic():
            if connection.vendor == "postgresql":  # one recompute at a time (SQLite serialises writers itself)
                _execute("SELECT pg_advisory_xact_lock(%(key)s)", {"key": 4_000_001})
                # Sorts and hash aggregates of the run stay in memory (the default 4 MB spills them to disk).
                _execute(f"SET LOCAL work_mem = '{conf.get('INDICATOR_WORK_MEM')}'", {})
            rows = pipeline(
                _execute,
                run_id=run.pk,
                periods=periods,
                chosen=chosen,
                now=timezone.now(),
                bounds=calendar_bounds(),
                vendor=connection.vendor,
                slices=heap_slices() if connection.vendor == "postgresql" else (),
            )
    except Exception as exc:
        IndicatorRun.objects.filter(pk=run.pk).update(
            state=IndicatorRun.State.FAILED, finished_at=timezone.now(), error=str(exc)[:2000]
        )
        raise
    run.state = IndicatorRun.State.DONE
    run.finished_at = timezone.now()
    run.rows = rows
    run.seconds = round(time.perf_counter() - started, 3)
    run.save(update_fields=["state", "finished_at", "rows", "seconds"])
    return run


# Below this many pages of events, one process groups them all (slicing would cost more than it saves).
SLICE_MIN_PAGES = 20_000


def heap_slices() -> list[str]:
    """PostgreSQL: conditions cutting the events' table into block ranges, one per parallel worker (none for a
    small table). Each range is grouped by its own worker: the planner, expecting as many groups as events,
    would otherwise gather every event into one process to group them there."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_relation_size('people_enrolmentevent') / current_setting('block_size')::int,"
            " current_setting('max_parallel_workers_per_gather')::int"
        )
        pages, workers = cursor.fetchone()
    return block_ranges(pages, workers if pages >= SLICE_MIN_PAGES else 1)


def block_ranges(pages: int, n: int) -> list[str]:
    """``n`` conditions on ``e.ctid`` that together take every row once: [0, c1), [c1, c2), …, [c(n-1), ∞)."""
    if n < 2:
        return []
    cuts = [pages * k // n for k in range(1, n)]
    ranges = []
    for k in range(n):
        bounds = ([f"e.ctid >= '({cuts[k - 1]},0)'::tid"] if k else []) + (
            [f"e.ctid < '({cuts[k]},0)'::tid"] if k < n - 1 else []
        )
        ranges.append(" AND ".join(bounds))  # the last range is open: pages added since are read too
    return ranges


def _as_date(value: Any) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))


def periods_for(
    *, from_year: int | None = None, to_year: int | None = None, as_of: dt.date | None = None
) -> list[Period]:
    current = SchoolYear.current()
    last = SchoolYear(to_year) if to_year else current
    first = SchoolYear(from_year) if from_year else last
    if first > last:
        raise DomainError("起始学年晚于结束学年", field="学年")
    years = [SchoolYear(y) for y in range(first.start_year, last.start_year + 1)]
    if as_of is not None:
        if len(years) != 1:
            raise DomainError("指定统计日时只能计算一个学年", field="统计日")
        return [Period(years[0], as_of)]
    return [Period(y, default_as_of(y)) for y in years]
