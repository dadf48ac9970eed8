"""Set-based computation of the indicators (no Python loops over students).

A run works in three steps, all ``INSERT … SELECT`` in the database:

1. ``StateSnapshot``: every student's state on each date the run needs (the as-of date, the census
   dates of the cohort entry years), from one window pass over the enrolment events: an event is the
   state from its date until the next event of the student (``LEAD``), so a range join with the dates
   picks the latest event with date ≤ each date.
2. ``Fact``: each measure (a set of members: students, population cells, classes, teachers' shares)
   counted per school and per hukou village.
3. ``IndicatorValue``: numerator and denominator sums per county, township, village or school.

The member queries of step 2 are also used by the drill-down, with the state computed inline.
"""

from __future__ import annotations

import datetime as dt
import re
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from jiaoyun.core.errors import DomainError
from jiaoyun.core.schoolyear import SchoolYear
from jiaoyun.indicators import conf
from jiaoyun.indicators.definitions import INDICATORS, Indicator
from jiaoyun.indicators.models import IndicatorRun
from jiaoyun.people.choices import IN_SCHOOL_EVENTS

IN = "(" + ",".join(f"'{k}'" for k in IN_SCHOOL_EVENTS) + ")"
ENROLLED_OR_SUSPENDED = "(" + ",".join(f"'{k}'" for k in (*IN_SCHOOL_EVENTS, "suspend")) + ")"
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
    year: SchoolYear
    as_of: dt.date

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
        return {self.as_of, self.base, self.entry9, self.entry3}

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
            "start": y.start,
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

STATE_MATERIALIZED = "(SELECT * FROM indicators_statesnapshot WHERE run_id = %(run)s AND on_date = %({date})s)"
STATE_INLINE = (
    "(SELECT x.student_id, x.kind, x.date AS event_date, x.school_id, x.grade, x.school_class_id AS class_id,"
    " st.birth_date, st.hukou_village_id AS village_id FROM (SELECT e.*, ROW_NUMBER() OVER (PARTITION BY"
    " e.student_id ORDER BY e.date DESC, e.seq DESC, e.id DESC) AS rn FROM people_enrolmentevent e"
    " WHERE e.date <= %({date})s) x JOIN people_student st ON st.id = x.student_id WHERE x.rn = 1)"
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


FLOW_KINDS = "('enrol', 'transfer_in', 'transfer_out', 'out_of_county', 'death')"
_PREV = (
    "(SELECT p.{col} FROM people_enrolmentevent p WHERE p.student_id = e.student_id AND p.date <= e.date"
    " AND p.id <> e.id AND (p.date < e.date OR p.seq < e.seq) ORDER BY p.date DESC, p.seq DESC, p.id DESC LIMIT 1)"
)
# Events of grades 1–9 that may move a student into or out of the county's schools, with the previous event's
# kind and school (a correlated lookup on the (student, date, seq) index: cheaper than a window over all events).
FLOWS_INLINE = (
    "(SELECT e.student_id, e.kind, e.date, e.grade, e.school_id,"
    f" {_PREV.format(col='kind')} AS prev_kind, {_PREV.format(col='school_id')} AS prev_school_id"
    f" FROM people_enrolmentevent e WHERE e.kind IN {FLOW_KINDS} AND e.grade BETWEEN 1 AND 9)"
)
FLOWS_MATERIALIZED = "(SELECT * FROM indicators_flowevent WHERE run_id = %(run)s)"


def _flows(cohort: str, first: int, arriving: bool) -> str:
    windows = " OR ".join(
        f"(f.grade = {g} AND f.date > %({cohort}_{g}_lo)s AND f.date <= %({cohort}_{g}_hi)s)" for g in range(first, 10)
    )
    if arriving:  # a first record, or a return from outside the county
        cond = (
            "f.kind IN ('enrol', 'transfer_in')"
            " AND (f.prev_kind IS NULL OR f.prev_kind IN ('transfer_out', 'out_of_county'))"
        )
    else:  # leaving the county's schools, or death, while enrolled
        cond = f"f.kind IN ('transfer_out', 'out_of_county', 'death') AND f.prev_kind IN {ENROLLED_OR_SUSPENDED}"
    return (
        "SELECT f.student_id AS member_id, COALESCE(f.school_id, f.prev_school_id) AS school_id,"
        " st.hukou_village_id AS village_id, 1 AS n FROM {FLOWS} f JOIN people_student st ON st.id = f.student_id"
        f" WHERE {cond} AND ({windows})"
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


def _dropouts(lo: int, hi: int) -> str:
    return (
        "SELECT s.student_id AS member_id, s.school_id, s.village_id, 1 AS n FROM {S_D} s"
        f" WHERE s.kind = 'drop_out' AND s.event_date >= %(start)s AND s.grade BETWEEN {lo} AND {hi}"
    )


def _dropout_base(lo: int, hi: int) -> str:
    return (
        _stock(f"s.grade BETWEEN {lo} AND {hi}", state="S_B")
        + " UNION ALL "
        + _dropouts(lo, hi)
        + " AND s.event_date <= %(d_B)s"
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
    "drop_pri": ("辍学小学生", _dropouts(1, 6)),
    "base_pri": ("学年初小学在校生", _dropout_base(1, 6)),
    "drop_jun": ("辍学初中生", _dropouts(7, 9)),
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

STATES = {"S_D": "d_D", "S_B": "d_B", "S_E9": "d_E9", "S_E3": "d_E3"}


def member_sql(measure: str, *, materialized: bool) -> str:
    template = STATE_MATERIALIZED if materialized else STATE_INLINE
    sql = MEASURES[measure][1].replace("{FLOWS}", FLOWS_MATERIALIZED if materialized else FLOWS_INLINE)
    for name, date_param in STATES.items():
        sql = sql.replace("{" + name + "}", template.replace("{date}", date_param))
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


FLOW_INSERT = (
    "INSERT INTO indicators_flowevent (run_id, student_id, kind, date, grade, school_id, prev_kind, prev_school_id)"
)


def _fill_states(execute: Executor, run_id: int, vendor: str, flows: bool) -> None:
    """Each event is the state from its date until the student's next event: a range join with the run's dates.

    Dates only used as cohort-entry dates keep grades 1 and 7 (the entrants). SQLite needs the events as the
    outer loop (``CROSS JOIN`` fixes the join order there) so that each event probes the dates' index.
    On PostgreSQL the same window pass also yields the flow events (each event with its predecessor)."""
    join = "CROSS JOIN" if vendor == "sqlite" else "JOIN"
    postgresql = vendor == "postgresql"
    # (student, date, seq) is unique; descending order reads the (student, -date, -seq) index without a sort:
    # LAG gives the next event's date, LEAD the previous event's kind and school.
    window = "OVER (PARTITION BY e.student_id ORDER BY e.date DESC, e.seq DESC)"
    prev = f", LEAD(e.kind) {window} AS prev_kind, LEAD(e.school_id) {window} AS prev_school_id" if postgresql else ""
    kinds = f"(w.kind IN {SNAPSHOT_KINDS} OR w.kind IN {FLOW_KINDS})" if postgresql else f"w.kind IN {SNAPSHOT_KINDS}"
    with_flows = ""
    if postgresql and flows:  # a data-modifying CTE: both tables from one pass
        with_flows = (
            f", f AS ({FLOW_INSERT} SELECT %(run)s, x.student_id, x.kind, x.date, x.grade, x.school_id, x.prev_kind,"
            f" x.prev_school_id FROM x WHERE x.kind IN {FLOW_KINDS} AND x.grade BETWEEN 1 AND 9)"
        )
    # PostgreSQL: compute the window once (a CTE fence), not once per date of an inner nested loop. Rows go in
    # in the order of the table's index (cheap index upkeep).
    materialized = "MATERIALIZED " if postgresql else ""
    insert = (
        "INSERT INTO indicators_statesnapshot"
        " (run_id, on_date, student_id, kind, event_date, school_id, grade, class_id, birth_date, village_id)"
    )
    ctes = (
        f"WITH x AS {materialized}(SELECT * FROM (SELECT e.student_id, e.kind, e.date, e.school_id,"
        f" e.grade, e.school_class_id, LAG(e.date) {window} AS next_date{prev}"
        f" FROM people_enrolmentevent e) w WHERE {kinds}){with_flows}"
    )
    # A data-modifying CTE must head the statement (PostgreSQL); SQLite and DuckDB take the CTE in the SELECT.
    execute(
        (f"{ctes} {insert}" if postgresql else f"{insert} {ctes}")
        + " SELECT d.run_id, d.on_date, x.student_id, x.kind, x.date, x.school_id, x.grade, x.school_class_id,"
        " st.birth_date, st.hukou_village_id FROM x"
        f" {join} indicators_rundate d ON d.run_id = %(run)s AND d.on_date >= x.date"
        " AND d.on_date < COALESCE(x.next_date, '9999-12-31') AND (x.grade IN (1, 7) OR d.all_grades)"
        f" JOIN people_student st ON st.id = x.student_id WHERE x.kind IN {SNAPSHOT_KINDS}"
        + (" ORDER BY d.on_date, x.kind" if postgresql else ""),
        {"run": run_id},
    )
    if flows and not postgresql:
        execute(
            f"{FLOW_INSERT} SELECT %(run)s, f.student_id, f.kind, f.date, f.grade, f.school_id, f.prev_kind,"
            f" f.prev_school_id FROM {FLOWS_INLINE} f",
            {"run": run_id},
        )


# ---------------------------------------------------------------------------------------------------------
# The aggregation: every state measure of every date of a run from one pass over the states (conditional
# sums grouped by date, school and hukou village), then the periods' facts from those date facts. The
# member queries of MEASURES stay the definition of each measure (the drill-down lists them); the test
# ``test_date_facts_equal_the_member_queries`` holds the two to the same numbers.

_IN_SCHOOL = f"s.kind IN {IN} AND sc.id IS NOT NULL"
_NOT_SPECIAL = f"{_IN_SCHOOL} AND sc.kind <> 'special'"


def _in_band(band: str) -> str:
    return f"s.b_{band} = 1"


# The states of a date grouped by everything the measures look at (a few rows per school, village and grade);
# the measures' conditions then run over these groups, not over every student.
STATE_GROUPS = (
    "SELECT s.on_date, s.school_id, s.village_id, s.kind, s.grade, {flags}, COUNT(*) AS c"
    " FROM indicators_statesnapshot s JOIN indicators_rundate d ON d.run_id = s.run_id AND d.on_date = s.on_date"
    " WHERE s.run_id = %(run)s GROUP BY s.on_date, s.school_id, s.village_id, s.kind, s.grade, {keys}"
)
STATE_FLAGS = {
    **{f"b_{b}": f"s.birth_date > d.{b}_blo AND s.birth_date <= d.{b}_bhi" for b in ("pre", "pri", "jun")},
    "e_year": "s.event_date >= d.year_start",  # an event (a dropout) in the date's school year
    "e_base": "s.event_date <= d.base",  # … on or before the start-of-year date
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
    "drop_pri": "s.kind = 'drop_out' AND s.e_year = 1 AND s.grade BETWEEN 1 AND 6",
    "drop_jun": "s.kind = 'drop_out' AND s.e_year = 1 AND s.grade BETWEEN 7 AND 9",
    "drop_pri_b": "s.kind = 'drop_out' AND s.e_year = 1 AND s.e_base = 1 AND s.grade BETWEEN 1 AND 6",
    "drop_jun_b": "s.kind = 'drop_out' AND s.e_year = 1 AND s.e_base = 1 AND s.grade BETWEEN 7 AND 9",
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
            "drop_pri", "drop_jun", *CLASS_MEASURES, *(f"{p}_{lvl}" for p in ("stu", "tea") for lvl in LEVEL_COND),
        )
    },
    "base_pri": (("pri_all", "B"), ("drop_pri_b", "D")),
    "base_jun": (("jun_all", "B"), ("drop_jun_b", "D")),
    "entr1": (("new1", "E9"),),
    "entr7": (("new7", "E3"),),
}  # fmt: skip
# Measures summed per period from their member queries (population cells, flows: a few rows per period).
PERIOD_MEASURES = ("pop_pre", "pop_pri", "pop_jun", "pop_sen", "arr9", "left9", "arr3", "left3")


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
        "SELECT s.on_date, s.class_id, s.school_id, COUNT(*) AS size FROM indicators_statesnapshot s"
        " JOIN indicators_rundate d ON d.run_id = s.run_id AND d.on_date = s.on_date"
        " JOIN schools_schoolclass c ON c.id = s.class_id"
        f" WHERE s.run_id = %(run)s AND d.all_grades AND s.kind IN {IN} AND s.grade BETWEEN 1 AND 9"
        " AND c.school_year = d.class_year GROUP BY s.on_date, s.class_id, s.school_id"
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
    teachers = (
        "SELECT x.on_date, x.school_id, COUNT(*) AS n FROM (SELECT DISTINCT d.on_date, a.teacher_id, a.school_id"
        " FROM indicators_rundate d JOIN people_teacherassignment a ON a.start <= d.on_date"
        ' AND (a."end" IS NULL OR a."end" >= d.on_date) JOIN people_teacher t ON t.id = a.teacher_id'
        " WHERE d.run_id = %(run)s AND d.all_grades AND t.post_type = 'teacher'"
        " UNION ALL SELECT d.on_date, t.id AS teacher_id, t.school_id FROM indicators_rundate d"
        " CROSS JOIN people_teacher t WHERE d.run_id = %(run)s AND d.all_grades AND t.post_type = 'teacher'"
        " AND t.is_active AND t.school_id IS NOT NULL"
        " AND NOT EXISTS (SELECT 1 FROM people_teacherassignment a2 WHERE a2.teacher_id = t.id)) x"
        " GROUP BY x.on_date, x.school_id"
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
            f" v.parent_id, SUM(f.n) FROM indicators_runperiod p CROSS JOIN ({sources}) r"
            f" JOIN indicators_datefact f ON f.run_id = p.run_id AND f.measure = r.source AND f.on_date = {on_date}"
            " LEFT JOIN schools_school sc ON sc.id = f.school_id LEFT JOIN areas_area v ON v.id = f.village_id"
            " WHERE p.run_id = %(run)s"
            " GROUP BY p.school_year, p.as_of, r.measure, f.school_id, sc.township_id, f.village_id, v.parent_id",
            {"run": run_id},
        )
    for measure, grade, progressed in (("grad6", 6, False), ("grad9", 9, False), ("prog6", 6, True)):
        if measure not in measures:
            continue
        onward = (
            " JOIN indicators_statesnapshot s ON s.run_id = p.run_id AND s.on_date = p.as_of"
            f" AND s.student_id = e.student_id AND s.kind IN {IN} AND s.grade >= 7"
            if progressed
            else ""
        )
        execute(
            f"{head} SELECT %(run)s, p.school_year, p.as_of, %(measure)s, e.school_id, sc.township_id,"
            " st.hukou_village_id, v.parent_id, COUNT(*) FROM indicators_runperiod p"
            f" JOIN people_enrolmentevent e ON e.kind = 'graduate' AND e.grade = {grade}"
            " AND e.school_id IS NOT NULL AND e.date >= p.prev_start AND e.date <= p.prev_end"
            f" JOIN people_student st ON st.id = e.student_id{onward}"
            " LEFT JOIN schools_school sc ON sc.id = e.school_id LEFT JOIN areas_area v ON v.id = st.hukou_village_id"
            " WHERE p.run_id = %(run)s"
            " GROUP BY p.school_year, p.as_of, e.school_id, sc.township_id, st.hukou_village_id, v.parent_id",
            {"run": run_id, "measure": measure},
        )


def _needed_measures(indicators: Iterable[Indicator]) -> list[str]:
    seen: dict[str, None] = {}
    for ind in indicators:
        for m in (*ind.numerator, *ind.denominator_measures()):
            seen[m.lstrip("-")] = None
    return list(seen)


def _fill_facts(execute: Executor, run_id: int, period: Period, measures: list[str]) -> None:
    base = {"run": run_id, **period.params()}
    for measure in measures:
        if measure not in PERIOD_MEASURES:
            continue
        execute(
            "INSERT INTO indicators_fact (run_id, school_year, as_of, measure, school_id, school_township_id,"
            " village_id, village_township_id, n)"
            " SELECT %(run)s, %(year)s, %(as_of)s, %(measure)s, m.school_id, sc.township_id, m.village_id, v.parent_id,"
            f" SUM(m.n) FROM ({member_sql(measure, materialized=True)}) m"
            " LEFT JOIN schools_school sc ON sc.id = m.school_id LEFT JOIN areas_area v ON v.id = m.village_id"
            " GROUP BY m.school_id, sc.township_id, m.village_id, v.parent_id",
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
    num, den = _sum_expr(ind.numerator), _sum_expr(ind.denominator_measures())
    scale = "100.0" if ind.is_rate else "1.0"
    measures = ",".join(f"'{m.lstrip('-')}'" for m in (*ind.numerator, *ind.denominator_measures()))
    value = f"CASE WHEN COALESCE(g.den, 0) > 0 THEN {scale} * COALESCE(g.num, 0) / g.den END"
    head = (
        "INSERT INTO indicators_indicatorvalue (run_id, code, level, area_id, school_id, school_year, as_of, value,"
        " numerator, denominator, computed_at) "
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
            f"(SELECT f.school_year, f.as_of, {select_key}{num} AS num, {den} AS den {facts}"
            f" GROUP BY f.school_year, f.as_of{group_key})"
        )
        join_key = " AND g.k = a.id" if key else ""
        if level == "school":
            sql = (
                head + f"SELECT %(run)s, %(code)s, 'school', NULL, g.k, g.school_year, g.as_of, {value},"
                f" COALESCE(g.num, 0), COALESCE(g.den, 0), %(now)s FROM {grouped} g WHERE g.k IS NOT NULL"
            )
        else:
            sql = (
                head + f"SELECT %(run)s, %(code)s, '{level}', a.id, NULL, p.school_year, p.as_of, {value},"
                " COALESCE(g.num, 0), COALESCE(g.den, 0), %(now)s FROM areas_area a"
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
    vendor: str = "",
) -> int:
    """The whole computation as SQL statements (so it can also run on another engine, see bench/)."""
    for p in periods:
        execute(
            "INSERT INTO indicators_runperiod (run_id, school_year, as_of, base, entry9, entry3, prev_start, prev_end)"
            " VALUES (%(run)s, %(year)s, %(as_of)s, %(d_B)s, %(d_E9)s, %(d_E3)s, %(prev_start)s, %(prev_end)s)",
            {"run": run_id, **p.params()},
        )
    full = {d for p in periods for d in (p.as_of, p.base)}
    for d in sorted({d for p in periods for d in p.dates()}):
        dp = Period(SchoolYear.of(d), d).params()
        execute(
            "INSERT INTO indicators_rundate (run_id, on_date, all_grades, class_year, year_start, base, pre_blo, pre_bhi,"
            " pri_blo, pri_bhi, jun_blo, jun_bhi) VALUES (%(run)s, %(d)s, %(all_grades)s, %(year)s, %(start)s, %(d_B)s,"
            " %(pre_blo)s, %(pre_bhi)s, %(pri_blo)s, %(pri_bhi)s, %(jun_blo)s, %(jun_bhi)s)",
            {"run": run_id, "d": d, "all_grades": d in full, **dp},
        )
    if vendor == "postgresql":  # fresh statistics: a handful of rows, not the planner's guess of one
        execute("ANALYZE indicators_rundate", {})
        execute("ANALYZE indicators_runperiod", {})
    measures = _needed_measures(chosen)
    flows = any(m.startswith(("arr", "left")) for m in measures)
    _fill_states(execute, run_id, vendor, flows)
    if vendor == "postgresql":  # the planner must see the fresh rows, or it nests loops over them
        execute("ANALYZE indicators_statesnapshot", {})
        if flows:
            execute("ANALYZE indicators_flowevent", {})
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
    for table in ("fact", "datefact", "rundate", "runperiod"):
        execute(f"DELETE FROM indicators_{table} WHERE run_id = %(run)s", {"run": run_id})
    # States and flows stay while some stored figure comes from their run: the drill-down reads them.
    for table in ("flowevent", "statesnapshot"):
        execute(
            f"DELETE FROM indicators_{table} WHERE run_id <> %(run)s AND run_id NOT IN"
            " (SELECT DISTINCT v.run_id FROM indicators_indicatorvalue v WHERE v.run_id IS NOT NULL)",
            {"run": run_id},
        )
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
                _execute, run_id=run.pk, periods=periods, chosen=chosen, now=timezone.now(), vendor=connection.vendor
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


def stale_periods() -> list[Period]:
    """Periods with stored figures whose run's states are gone (figures computed before runs kept their states,
    or scratch tables emptied by a PostgreSQL crash): their drill-down would not list the figure's members."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT DISTINCT v.school_year, v.as_of FROM indicators_indicatorvalue v WHERE v.run_id IS NULL"
            " OR NOT EXISTS (SELECT 1 FROM indicators_statesnapshot s WHERE s.run_id = v.run_id)"
            " ORDER BY v.school_year, v.as_of"
        )
        rows = cursor.fetchall()
    return [Period(SchoolYear(year), _as_date(as_of)) for year, as_of in rows]


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
