"""Date facts, period facts and indicator values, from the spans."""

# Every statement here is built from this package's fixed SQL fragments, table and column names and the
# choices of people.choices (code, not input); every value that varies is a bound parameter.
# ruff: noqa: S608

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence

from jiaoyun.indicators import conf
from jiaoyun.indicators.compute.members import IN, LEVEL_COND, SENIOR_LEVELS, SNAPSHOT_KINDS, _windows, member_sql
from jiaoyun.indicators.compute.periods import Period
from jiaoyun.indicators.compute.sql import Executor
from jiaoyun.indicators.definitions import Indicator
from jiaoyun.indicators.models import IndicatorValue
from jiaoyun.people.choices import EventFlow

Level = IndicatorValue.AreaLevel

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
COVERS = "d.run_id = %(cal)s AND d.idx >= s.lo AND d.idx < s.hi"
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
    # kept for the incremental path only: a school's students, the teachers' share divides by them
    "stu_total": (("stu_total", "D"),),
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


DATE_PARTS = ("states", "classes", "teachers")


def _fill_date_facts(
    execute: Executor, run_id: int, *, cal: int | None = None, parts: Iterable[str] = DATE_PARTS
) -> None:
    """Every state measure on every date of the run, by school and hukou village: one pass over the states.

    ``cal``: the run whose calendar (``RunDate``, ``RunPeriod``) the spans' ranks refer to, if not ``run_id``
    (the incremental path writes the facts of a few students beside a kept run). ``parts``: which to fill, of
    ``DATE_PARTS`` and "sizes": the class sizes on the periods' as-of dates, kept for the incremental path
    (``ClassSize``)."""
    parts = set(parts)
    ids = {"run": run_id, "cal": run_id if cal is None else cal}
    head = "INSERT INTO indicators_datefact (run_id, on_date, measure, school_id, village_id, n)"
    if "states" in parts:
        _fill_state_facts(execute, ids, head)
    if "sizes" in parts:
        keep_class_sizes(execute, ids)
    if "classes" in parts:
        _fill_class_facts(execute, ids, head)
    if "teachers" in parts:
        _fill_teacher_facts(execute, ids, head)


def _fill_state_facts(execute: Executor, ids: dict[str, int], head: str) -> None:
    sums = ", ".join(f"SUM(CASE WHEN {cond} THEN s.c ELSE 0 END) AS {m}" for m, cond in DATE_MEASURES.items())
    cols = {m: m for m in DATE_MEASURES}
    flags = [f"CASE WHEN {cond} THEN 1 ELSE 0 END" for cond in STATE_FLAGS.values()]
    groups = STATE_GROUPS.format(
        flags=", ".join(f"{f} AS {name}" for f, name in zip(flags, STATE_FLAGS, strict=True)), keys=", ".join(flags)
    )
    execute(
        f"{head} SELECT %(run)s, u.on_date, u.measure, u.school_id, u.village_id, u.n FROM"
        f" (SELECT g.on_date, m.measure, g.school_id, g.village_id, {_case(cols)} AS n FROM"
        f" (SELECT s.on_date, s.school_id, s.village_id, {sums} FROM ({groups}) s"
        " LEFT JOIN schools_school sc ON sc.id = s.school_id"
        f" GROUP BY s.on_date, s.school_id, s.village_id) g CROSS JOIN ({_unpivot(DATE_MEASURES)}) m) u"
        " WHERE u.n > 0",
        ids,
    )


# Class sizes of grades 1–9 on each full date (classes of the date's school year).
SIZES = (
    "SELECT d.on_date, s.class_id, s.school_id, SUM(s.n) AS size FROM jy_spans s"
    f" JOIN indicators_rundate d ON {COVERS} AND d.all_grades JOIN schools_schoolclass c ON c.id = s.class_id"
    f" WHERE s.kind IN {IN} AND s.grade BETWEEN 1 AND 9"
    " AND c.school_year = d.class_year GROUP BY d.on_date, s.class_id, s.school_id"
)
CLASS_SUMS = ", ".join(f"SUM(CASE WHEN {cond} THEN 1 ELSE 0 END) AS {m}" for m, cond in CLASS_MEASURES.items())


def class_params() -> dict[str, object]:
    big_lo, big_hi = conf.get("INDICATOR_LARGE_CLASS")
    return {"big_lo": big_lo, "big_hi": big_hi, "super_min": conf.get("INDICATOR_SUPER_LARGE_CLASS_MIN")}


def keep_class_sizes(execute: Executor, ids: dict[str, int], sign: int = 1) -> None:
    """The class sizes of the spans on the calendar run's as-of dates, kept for the incremental path under the
    run ``keep`` (the calendar run's own by default), signed (−1: a correction's sizes before it)."""
    execute(
        "INSERT INTO indicators_classsize (run_id, on_date, class_id, school_id, n)"
        f" SELECT %(keep)s, k.on_date, k.class_id, k.school_id, {int(sign)} * k.size FROM ({SIZES}) k"
        " WHERE k.on_date IN (SELECT p.as_of FROM indicators_runperiod p WHERE p.run_id = %(cal)s)",
        {"keep": ids["cal"], **ids},
    )


def _fill_class_facts(execute: Executor, ids: dict[str, int], head: str) -> None:
    execute(
        f"{head} SELECT %(run)s, u.on_date, u.measure, u.school_id, NULL, u.n FROM"
        f" (SELECT g.on_date, m.measure, g.school_id, {_case({m: m for m in CLASS_MEASURES})} AS n FROM"
        f" (SELECT k.on_date, k.school_id, {CLASS_SUMS} FROM ({SIZES}) k GROUP BY k.on_date, k.school_id) g"
        f" CROSS JOIN ({_unpivot(CLASS_MEASURES)}) m) u WHERE u.n > 0",
        {**ids, **class_params()},
    )


def teachers_sql(full_dates: str = "d.run_id = %(cal)s AND d.all_grades", schools: str = "") -> str:
    """Full-time teachers per (date, school) on the run dates matching ``full_dates`` (a condition on ``d``),
    of the schools matching ``schools`` (a condition on ``{a}.school_id``; every school if empty).

    A teacher with one assignment at a school is counted by (school, start, end) before the dates are joined;
    one with several there (overlapping records) once per date; one without any, at their school."""
    only = {a: f" AND {schools.format(a=a)}" if schools else "" for a in ("a", "t")}
    covers = 'd.on_date >= {a}.start AND ({a}."end" IS NULL OR {a}."end" >= d.on_date)'
    other = (
        "EXISTS (SELECT 1 FROM people_teacherassignment a2 WHERE a2.teacher_id = a.teacher_id"
        " AND a2.school_id = a.school_id AND a2.id <> a.id)"
    )
    return (
        "SELECT x.on_date, x.school_id, SUM(x.n) AS n FROM ("
        'SELECT d.on_date, g.school_id, g.n FROM (SELECT a.school_id, a.start, a."end", COUNT(*) AS n'
        " FROM people_teacherassignment a JOIN people_teacher t ON t.id = a.teacher_id"
        f" WHERE t.post_type = 'teacher' AND NOT {other}{only['a']} GROUP BY a.school_id, a.start, a.\"end\") g"
        f" JOIN indicators_rundate d ON {full_dates} AND {covers.format(a='g')}"
        " UNION ALL SELECT y.on_date, y.school_id, COUNT(*) AS n FROM (SELECT DISTINCT d.on_date, a.teacher_id,"
        f" a.school_id FROM indicators_rundate d JOIN people_teacherassignment a ON {covers.format(a='a')}"
        f" JOIN people_teacher t ON t.id = a.teacher_id WHERE {full_dates} AND t.post_type = 'teacher'"
        f" AND {other}{only['a']}) y GROUP BY y.on_date, y.school_id"
        " UNION ALL SELECT d.on_date, t.school_id, COUNT(*) AS n FROM indicators_rundate d"
        f" CROSS JOIN people_teacher t WHERE {full_dates} AND t.post_type = 'teacher'"
        f" AND t.is_active AND t.school_id IS NOT NULL{only['t']}"
        " AND NOT EXISTS (SELECT 1 FROM people_teacherassignment a3 WHERE a3.teacher_id = t.id)"
        " GROUP BY d.on_date, t.school_id) x GROUP BY x.on_date, x.school_id"
    )


TEACHER_LEVELS = {f"tea_{lvl}": f"stu_{lvl}" for lvl in LEVEL_COND}
# A school's teachers shared between its levels in proportion to its students (nt teachers, nl of ns students).
TEACHER_SHARE = "1.0 * u.nt * u.nl / u.ns"


def _fill_teacher_facts(execute: Executor, ids: dict[str, int], head: str) -> None:
    """Full-time teachers on each full date, shared between a school's levels in proportion to its students."""
    per_school = ", ".join(
        f"SUM(CASE WHEN f.measure = '{m}' THEN f.n ELSE 0 END) AS {m}" for m in ("stu_total", *TEACHER_LEVELS.values())
    )
    execute(
        f"{head} SELECT %(run)s, u.on_date, u.measure, u.school_id, NULL, {TEACHER_SHARE} FROM"
        f" (SELECT g.on_date, m.measure, g.school_id, t.n AS nt, g.stu_total AS ns, {_case(TEACHER_LEVELS)} AS nl"
        f" FROM (SELECT f.on_date, f.school_id, {per_school} FROM indicators_datefact f WHERE f.run_id = %(run)s"
        " GROUP BY f.on_date, f.school_id) g"
        f" JOIN ({teachers_sql()}) t ON t.on_date = g.on_date AND t.school_id = g.school_id"
        f" CROSS JOIN ({_unpivot(TEACHER_LEVELS)}) m) u WHERE u.nl > 0",
        ids,
    )


def _fill_period_facts(execute: Executor, run_id: int, measures: list[str], *, cal: int | None = None) -> None:
    """The periods' facts from the date facts, and the graduation measures: one statement each for all periods
    (``cal``: as in ``_fill_date_facts``)."""
    ids = {"run": run_id, "cal": run_id if cal is None else cal}
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
            f" WHERE p.run_id = %(cal)s AND f.run_id = %(run)s AND f.measure = r.source AND f.on_date = {on_date}"
            " GROUP BY p.school_year, p.as_of, r.measure, f.school_id, sc.township_id, f.village_id, v.parent_id",
            ids,
        )
    for measure, grade in (("grad6", 6), ("grad9", 9)):  # graduations of the year before, from the spans
        if measure in measures:
            execute(
                f"{head} SELECT %(run)s, p.school_year, p.as_of, %(measure)s, s.school_id, sc.township_id,"
                " s.village_id, v.parent_id, SUM(s.n) FROM indicators_runperiod p"
                f" JOIN jy_spans s ON s.kind = 'graduate' AND s.grade = {grade} AND s.school_id IS NOT NULL"
                " AND s.event_date >= p.prev_start AND s.event_date <= p.prev_end"
                " LEFT JOIN schools_school sc ON sc.id = s.school_id LEFT JOIN areas_area v ON v.id = s.village_id"
                " WHERE p.run_id = %(cal)s"
                " GROUP BY p.school_year, p.as_of, s.school_id, sc.township_id, s.village_id, v.parent_id",
                {**ids, "measure": measure},
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
            " WHERE p.run_id = %(cal)s"
            " GROUP BY p.school_year, p.as_of, s.school_id, sc.township_id, s.village_id, v.parent_id",
            {**ids, "measure": measure},
        )
    if "prog6" in measures:  # … of them, those in school in grade 7 or above on the as-of date
        execute(
            f"{head} SELECT %(run)s, p.school_year, p.as_of, 'prog6', s.g6_school_id, sc.township_id, s.village_id,"
            " v.parent_id, SUM(s.n) FROM indicators_runperiod p"
            " JOIN indicators_rundate d ON d.run_id = p.run_id AND d.on_date = p.as_of"
            " JOIN jy_spans s ON s.g6_year = p.school_year - 1 AND s.g6_school_id IS NOT NULL"
            " AND d.idx >= s.lo AND d.idx < s.hi"
            " LEFT JOIN schools_school sc ON sc.id = s.g6_school_id LEFT JOIN areas_area v ON v.id = s.village_id"
            " WHERE p.run_id = %(cal)s"
            " GROUP BY p.school_year, p.as_of, s.g6_school_id, sc.township_id, s.village_id, v.parent_id",
            ids,
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


def _fill_values(
    execute: Executor, run_id: int, ind: Indicator, now: dt.datetime, as_of: Sequence[dt.date] = ()
) -> int:
    """The values of one indicator from the run's facts, for every period of the run (or those read on the
    dates ``as_of``)."""
    dates = {f"as_of_{n}": d for n, d in enumerate(as_of)}
    params = {"run": run_id, "now": now, **dates}
    return sum(execute(VALUES_HEAD + sql, params) for sql in values_selects(ind, as_of).values())


VALUES_HEAD = (
    "INSERT INTO indicators_indicatorvalue (run_id, code, level, area_id, school_id, school_year, as_of, value,"
    " numerator, denominator, extra, flow_end, computed_at) "
)


def values_selects(
    ind: Indicator, as_of: Sequence[dt.date] = (), keys: Mapping[str, Sequence[int]] | None = None
) -> dict[str, str]:
    """Per level, the SELECT of an indicator's values from the facts of the run ``%(run)s`` (periods read on
    ``as_of``, bound as ``%(as_of_<n>)s``, if given; only the areas or schools of ``keys[level]`` if given)."""
    num, den = _sum_expr(ind.numerator_measures()), _sum_expr(ind.denominator_measures())
    ext = _sum_expr(ind.extra) if ind.extra else "NULL"
    scale = "100.0" if ind.is_rate else "1.0"
    measures = ",".join(
        f"'{m.lstrip('-')}'" for m in (*ind.numerator_measures(), *ind.denominator_measures(), *ind.extra)
    )
    value = f"CASE WHEN COALESCE(g.den, 0) > 0 THEN {scale} * COALESCE(g.num, 0) / g.den END"
    # typed NULLs: one indicator's SELECT may be joined to another's by UNION ALL
    ext_value = "COALESCE(g.ext, 0)" if ind.extra else "CAST(NULL AS DOUBLE PRECISION)"
    only = f" AND {{t}}.as_of IN ({', '.join(f'%(as_of_{n})s' for n in range(len(as_of)))})" if as_of else ""
    facts = f"FROM indicators_fact f WHERE f.run_id = %(run)s AND f.measure IN ({measures}){only.format(t='f')}"
    code = f"'{ind.code}'"  # the definitions' own identifier
    out = {}
    for level in ind.levels:
        if level == Level.SCHOOL:
            key = "f.school_id"
        elif level == Level.VILLAGE:
            key = "f.village_id"
        elif level == Level.TOWNSHIP:
            key = "f.village_township_id" if ind.township_key_hukou else "f.school_township_id"
        else:
            key = None
        some = ""
        if key and keys is not None:
            some = f" AND {key} IN ({', '.join(str(int(k)) for k in keys.get(level, ())) or 'NULL'})"
        select_key = f"{key} AS k, " if key else ""
        group_key = f", {key}" if key else ""
        grouped = (
            f"(SELECT f.school_year, f.as_of, {select_key}{num} AS num, {den} AS den, {ext} AS ext {facts}{some}"
            f" GROUP BY f.school_year, f.as_of{group_key})"
        )
        join_key = " AND g.k = a.id" if key else ""
        if level == Level.SCHOOL:
            out[level] = (
                f"SELECT %(run)s, {code}, 'school', CAST(NULL AS BIGINT), g.k, g.school_year, g.as_of, {value},"
                f" COALESCE(g.num, 0), COALESCE(g.den, 0), {ext_value}, p.flow_end, %(now)s FROM {grouped} g"
                " JOIN indicators_runperiod p ON p.run_id = %(run)s AND p.school_year = g.school_year"
                f" AND p.as_of = g.as_of WHERE g.k IS NOT NULL{only.format(t='p')}"
            )
        else:
            out[level] = (
                f"SELECT %(run)s, {code}, '{level}', a.id, CAST(NULL AS BIGINT), p.school_year, p.as_of, {value},"
                f" COALESCE(g.num, 0), COALESCE(g.den, 0), {ext_value}, p.flow_end, %(now)s FROM areas_area a"
                " JOIN indicators_runperiod p ON p.run_id = %(run)s"
                f" LEFT JOIN {grouped} g ON g.school_year = p.school_year AND g.as_of = p.as_of{join_key}"
                f" WHERE a.level = '{level}'{only.format(t='p')}{some.replace(key, 'a.id') if key else ''}"
            )
    return out
