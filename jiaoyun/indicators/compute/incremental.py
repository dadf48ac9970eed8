"""The incremental path (ADR 0043): a 学籍 correction applied to the figures of the kept runs.

A full run with ``keep`` leaves its calendar (``RunDay``, ``RunDate``, ``RunPeriod``), its period facts
(``Fact``) and its class sizes on the periods' as-of dates (``ClassSize``) in place: the *kept* state, one per
school year (a later run of the same school year replaces it). Every fact of a student-based measure is a sum
over students, so for the corrected students S:

    kept facts  +=  facts(S, after the write)  −  facts(S, before it)

``student_pass`` computes facts(S) with the run's own statements, the events restricted to S and the ranks
of the kept calendar: ``before`` in the writer's transaction before the events change, ``after`` once they
have (``events_written``). Two measures are not sums over students: a school's classes by size band (from the
kept class sizes, which are) and its teachers' share per level (teachers × level's students ÷ students: the
teachers are not touched by 学籍 corrections); both are recomputed for the schools touched. The values of the
periods touched are then rewritten from the kept facts. Population measures are not touched by students.

Scratch ids: the pass writes its facts under ``−2·run`` and the correction's signed facts, class sizes and
markers (one ``_student`` row per student whose ``before`` was taken) under ``−2·run − 1``, all in the
writer's transaction (a rollback takes them with it).
"""

# Every statement here is built from this package's fixed SQL fragments, table and column names and ids read
# from the database (ints); every value that varies is a bound parameter.
# ruff: noqa: S608

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.db import connection

from jiaoyun.core.schoolyear import SchoolYear
from jiaoyun.indicators.compute.facts import (
    CLASS_MEASURES,
    CLASS_SUMS,
    FLOW_MEASURES,
    PERIOD_MEASURES,
    TEACHER_LEVELS,
    TEACHER_SHARE,
    VALUES_HEAD,
    _case,
    _fill_date_facts,
    _fill_facts,
    _fill_period_facts,
    _needed_measures,
    _unpivot,
    class_params,
    keep_class_sizes,
    teachers_sql,
    values_selects,
)
from jiaoyun.indicators.compute.periods import Period
from jiaoyun.indicators.compute.spans import _as_date, _fill_days, _fill_spans, run_cuts
from jiaoyun.indicators.compute.sql import Executor
from jiaoyun.indicators.definitions import INDICATORS

MARK = "_student"
TEACHERS = "_teachers"  # kept per school and period: the full-time teachers a school's share divides
SCHOOL_MEASURES = (*CLASS_MEASURES, *TEACHER_LEVELS)  # recomputed per school, not summed over students
FACT_KEYS = "school_year, as_of, measure, school_id, school_township_id, village_id, village_township_id"


def _ids(values: Sequence[int]) -> str:
    return ", ".join(str(int(v)) for v in values) or "NULL"


def _rows(sql: str, params: dict | None = None) -> list[tuple]:  # type: ignore[type-arg]
    from jiaoyun.indicators.compute.sql import positional

    text, values = positional(sql, params or {})
    with connection.cursor() as cursor:
        cursor.execute(text, values)
        return list(cursor.fetchall())


def scratch(run_id: int) -> tuple[int, int]:
    """The ids of a kept run's pass and of its pending correction."""
    return -2 * run_id, -2 * run_id - 1


def kept_runs() -> list[int]:
    return [r for (r,) in _rows("SELECT DISTINCT run_id FROM indicators_runperiod WHERE run_id > 0 ORDER BY 1")]


def kept_periods(run_id: int) -> list[Period]:
    rows = _rows(
        "SELECT school_year, as_of, flow_end FROM indicators_runperiod WHERE run_id = %(run)s ORDER BY 1",
        {"run": run_id},
    )
    return [Period(SchoolYear(y), _as_date(a), flows_to=_as_date(f)) for y, a, f in rows]


def supersede(execute: Executor, run_id: int) -> None:
    """A run kept its state: the earlier kept state of its school years goes (their as-of dates' values stay
    as they were computed), and so does the calendar of a run left with no school year."""
    years = f"SELECT school_year FROM indicators_runperiod WHERE run_id = {int(run_id)}"
    older = f"run_id > 0 AND run_id <> {int(run_id)}"
    execute(f"DELETE FROM indicators_fact WHERE {older} AND school_year IN ({years})", {})
    execute(
        f"DELETE FROM indicators_classsize WHERE {older} AND EXISTS (SELECT 1 FROM indicators_runperiod p"
        " WHERE p.run_id = indicators_classsize.run_id AND p.as_of = indicators_classsize.on_date"
        f" AND p.school_year IN ({years}))",
        {},
    )
    execute(f"DELETE FROM indicators_runperiod WHERE {older} AND school_year IN ({years})", {})
    alive = "SELECT run_id FROM indicators_runperiod"
    for table in ("runday", "rundate", "classsize"):
        execute(f"DELETE FROM indicators_{table} WHERE run_id > 0 AND run_id NOT IN ({alive})", {})


def keep_teachers(execute: Executor, run_id: int) -> None:
    """The full-time teachers of each school on the run's as-of dates, kept as facts (``TEACHERS``): 学籍
    corrections do not change them, and at scale counting them again per correction would cost more than
    the rest of it."""
    as_of = "d.run_id = %(cal)s AND d.on_date IN (SELECT p.as_of FROM indicators_runperiod p WHERE p.run_id = %(cal)s)"
    execute(
        f"INSERT INTO indicators_fact (run_id, {FACT_KEYS}, n) SELECT %(cal)s, p.school_year, p.as_of,"
        f" '{TEACHERS}', t.school_id, sc.township_id, NULL, NULL, t.n FROM ({teachers_sql(as_of)}) t"
        " JOIN indicators_runperiod p ON p.run_id = %(cal)s AND p.as_of = t.on_date"
        " LEFT JOIN schools_school sc ON sc.id = t.school_id",
        {"cal": run_id},
    )


def drop_kept(execute: Executor) -> None:
    """Forget every kept state (the incremental path switched off): the next full run starts afresh."""
    for table in ("fact", "classsize", "runday", "rundate", "runperiod"):
        execute(f"DELETE FROM indicators_{table}", {})


def _extend_calendar(execute: Executor, run_id: int, students: Sequence[int]) -> None:
    """Days the corrected students' events or birth dates need beyond the kept calendar, ranked as a full run
    would rank them."""
    (lo, hi), (first, last) = (
        _rows(
            "SELECT MIN(CASE WHEN e.student_birth < e.date THEN e.student_birth ELSE e.date END),"
            " MAX(CASE WHEN e.student_birth > e.date THEN e.student_birth ELSE e.date END)"
            f" FROM people_enrolmentevent e WHERE e.student_id IN ({_ids(students)})"
        )[0],
        _rows("SELECT MIN(day), MAX(day) FROM indicators_runday WHERE run_id = %(run)s", {"run": run_id})[0],
    )
    if lo is None or first is None:
        return
    lo, hi, first, last = (_as_date(d) for d in (lo, hi, first, last))
    if lo >= first and hi <= last:
        return
    dates = [
        _as_date(d)
        for (d,) in _rows("SELECT on_date FROM indicators_rundate WHERE run_id = %(run)s ORDER BY 1", {"run": run_id})
    ]
    cuts = run_cuts(dates)
    if lo < first:
        _fill_days(execute, run_id, dates, cuts, lo, first - dt.timedelta(days=1))
    if hi > last:
        _fill_days(execute, run_id, dates, cuts, last + dt.timedelta(days=1), hi)


def student_pass(execute: Executor, run_id: int, students: Sequence[int], sign: int) -> None:
    """The facts and class sizes of ``students`` as their events are now, on the kept run's calendar, added
    to the pending correction with ``sign`` (−1 before the write, +1 after it)."""
    periods = kept_periods(run_id)
    work, pending = scratch(run_id)
    _extend_calendar(execute, run_id, students)
    _fill_spans(execute, run_id, periods, "", only=f"e.student_id IN ({_ids(students)})")
    _fill_date_facts(execute, work, cal=run_id, parts=("states",))
    keep_class_sizes(execute, {"run": work, "cal": run_id, "keep": pending}, sign)
    measures = [
        m for m in (*_needed_measures(INDICATORS), "stu_total") if m not in (*SCHOOL_MEASURES, *PERIOD_MEASURES)
    ]
    _fill_period_facts(execute, work, [m for m in measures if m not in FLOW_MEASURES], cal=run_id)
    moved = _rows("SELECT COUNT(*) FROM jy_flows")[0][0]
    flows = [m for m in measures if m in FLOW_MEASURES] if moved else []  # most corrections move nobody
    for p in periods:
        _fill_facts(execute, work, p, flows)
    execute(
        f"INSERT INTO indicators_fact (run_id, {FACT_KEYS}, n) SELECT %(pending)s, {FACT_KEYS}, {int(sign)} * n"
        " FROM indicators_fact WHERE run_id = %(work)s",
        {"pending": pending, "work": work},
    )
    for table in ("fact", "datefact"):
        execute(f"DELETE FROM indicators_{table} WHERE run_id = %(work)s", {"work": work})
    execute("DROP TABLE jy_flows", {})
    execute("DROP TABLE jy_spans", {})


def before(execute: Executor, run_id: int, students: Sequence[int]) -> None:
    """The corrected students' contribution before the write, taken away; a marker per student."""
    student_pass(execute, run_id, students, -1)
    _, pending = scratch(run_id)
    for k in range(0, len(students), 1000):
        chunk = students[k : k + 1000]
        execute(
            f"INSERT INTO indicators_fact (run_id, {FACT_KEYS}, n) VALUES "
            + ", ".join(f"({pending}, 0, '2000-01-01', '{MARK}', {int(s)}, NULL, NULL, NULL, 0)" for s in chunk),
            {},
        )


def has_before(run_id: int, students: Sequence[int]) -> bool:
    _, pending = scratch(run_id)
    found = _rows(
        f"SELECT COUNT(DISTINCT school_id) FROM indicators_fact WHERE run_id = %(pending)s AND measure = '{MARK}'"
        f" AND school_id IN ({_ids(students)})",
        {"pending": pending},
    )[0][0]
    return int(found) == len(set(students))


def discard(execute: Executor, run_id: int) -> None:
    _, pending = scratch(run_id)
    for table in ("fact", "classsize"):
        execute(f"DELETE FROM indicators_{table} WHERE run_id = %(pending)s", {"pending": pending})


def after(execute: Executor, run_id: int, students: Sequence[int], now: dt.datetime) -> int:
    """The contribution after the write added; the pending correction folded into the kept state; the school
    measures of the schools touched and the values of the periods touched rewritten. Returns the values
    written."""
    student_pass(execute, run_id, students, +1)
    _, pending = scratch(run_id)
    ids = {"run": run_id, "pending": pending}
    real = f"run_id = %(pending)s AND measure <> '{MARK}'"
    # The kept rows of every key the correction touches, and its signed rows, become one row per key (none
    # where they add up to 0: a full run has no fact that counts nobody).
    _fold(execute, "fact", FACT_KEYS, dict(ids))
    _fold(execute, "classsize", "on_date, class_id, school_id", dict(ids))
    schools = [
        s
        for (s,) in _rows(
            f"SELECT school_id FROM indicators_fact WHERE {real} AND school_id IS NOT NULL"
            " UNION SELECT school_id FROM indicators_classsize WHERE run_id = %(pending)s",
            ids,
        )
    ]
    dates = sorted(
        _as_date(d)
        for (d,) in _rows(
            f"SELECT as_of FROM indicators_fact WHERE {real}"
            " UNION SELECT on_date FROM indicators_classsize WHERE run_id = %(pending)s",
            ids,
        )
    )
    touched = _rows(
        f"SELECT DISTINCT school_township_id, village_township_id, village_id FROM indicators_fact WHERE {real}", ids
    )
    towns = {t for row in touched for t in row[:2]} | {
        t for (t,) in _rows(f"SELECT township_id FROM schools_school WHERE id IN ({_ids(schools)})")
    }
    keys = {
        "school": schools,
        "township": sorted(t for t in towns if t is not None),
        "village": sorted({v for *_, v in touched if v is not None}),
    }
    discard(execute, run_id)
    if schools:
        _school_measures(execute, run_id, schools)
    if not dates:
        return 0
    return _rewrite_values(execute, run_id, dates, keys, now)


def _rewrite_values(
    execute: Executor, run_id: int, dates: list[dt.date], keys: dict[str, list[int]], now: dt.datetime
) -> int:
    """The values of the periods read on ``dates``: the county's, and those of the areas and schools ``keys``
    names, one statement per level for every indicator."""
    params = {"run": run_id, "now": now, **{f"as_of_{n}": d for n, d in enumerate(dates)}}
    on = ", ".join(f"%(as_of_{n})s" for n in range(len(dates)))
    period = (
        f"as_of IN ({on}) AND school_year IN"
        f" (SELECT school_year FROM indicators_runperiod WHERE run_id = %(run)s AND as_of IN ({on}))"
    )
    selects: dict[str, list[str]] = {}
    for ind in INDICATORS:
        for level, sql in values_selects(ind, dates, keys).items():
            selects.setdefault(level, []).append(sql)
    rows = 0
    for level, parts in selects.items():
        column = "school_id" if level == "school" else "area_id"
        some = "" if level == "county" else f" AND {column} IN ({_ids(keys.get(level, ()))})"
        execute(f"DELETE FROM indicators_indicatorvalue WHERE level = '{level}' AND {period}{some}", params)
        rows += execute(VALUES_HEAD + " UNION ALL ".join(parts), params)
    return rows


def _fold(execute: Executor, table: str, keys: str, ids: dict[str, int]) -> None:
    """Net the pending correction's rows per key and add them to the kept rows of that key: one row per key,
    none where the sum is 0. The rows are counts (whole numbers): the sums are exact in any order."""
    names = [c.strip() for c in keys.split(",")]
    mine = f" AND measure <> '{MARK}'" if table == "fact" else ""
    delta: dict[tuple, float] = {}  # type: ignore[type-arg]
    for *key, n in _rows(
        f"SELECT {keys}, SUM(n) FROM indicators_{table} WHERE run_id = %(pending)s{mine} GROUP BY {keys}", ids
    ):
        delta[tuple(_as_key(k) for k in key)] = float(n)
    if not delta:
        return
    # The kept rows that may share a key (a superset, matched exactly below), by the indexed columns.
    filters = []
    for c in ("measure", "on_date", "as_of", "school_id", "village_id"):
        if c in names:
            i = names.index(c)
            seen = {k[i] for k in delta}
            inside = [v for v in seen if v is not None]
            params = {f"{c}_{n}": v for n, v in enumerate(sorted(inside, key=str))}
            ids.update(params)  # type: ignore[arg-type]
            cond = [f"{c} IN ({', '.join(f'%({p})s' for p in params)})"] if params else []
            cond += [f"{c} IS NULL"] if None in seen else []
            filters.append("(" + " OR ".join(cond) + ")")
    kept = _rows(
        f"SELECT id, {keys}, n FROM indicators_{table} WHERE run_id = %(run)s AND {' AND '.join(filters)}", ids
    )
    gone, total = [], dict(delta)
    for pk, *key, n in kept:
        k = tuple(_as_key(v) for v in key)
        if k in delta:
            gone.append(pk)
            total[k] += float(n)
    for i in range(0, len(gone), 1000):
        execute(f"DELETE FROM indicators_{table} WHERE id IN ({_ids(gone[i : i + 1000])})", {})
    rows = [(k, n) for k, n in total.items() if n != 0]
    for i in range(0, len(rows), 500):
        chunk = rows[i : i + 500]
        values = {f"v{j}_{c}": v for j, (k, _) in enumerate(chunk) for c, v in enumerate(k)}
        values |= {f"n{j}": n if table == "fact" else int(n) for j, (_, n) in enumerate(chunk)}
        tuples = ", ".join(
            "(%(run)s, " + ", ".join(f"%(v{j}_{c})s" for c in range(len(names))) + f", %(n{j})s)"
            for j in range(len(chunk))
        )
        execute(f"INSERT INTO indicators_{table} (run_id, {keys}, n) VALUES {tuples}", {"run": ids["run"], **values})


def _as_key(value: object) -> object:
    if isinstance(value, str) and len(value) == 10 and value[4] == "-":  # SQLite returns dates as text
        return _as_date(value)
    return value


def _school_measures(execute: Executor, run_id: int, schools: Sequence[int]) -> None:
    """Classes by size band and the teachers' shares of ``schools``, from the kept class sizes and facts."""
    ids = {"run": run_id, "cal": run_id, **class_params()}
    only = f"IN ({_ids(schools)})"
    names = ", ".join(f"'{m}'" for m in SCHOOL_MEASURES)
    execute(f"DELETE FROM indicators_fact WHERE run_id = %(run)s AND measure IN ({names}) AND school_id {only}", ids)
    head = f"INSERT INTO indicators_fact (run_id, {FACT_KEYS}, n)"
    sizes = (
        "SELECT on_date, class_id, school_id, SUM(n) AS size FROM indicators_classsize"
        f" WHERE run_id = %(run)s AND school_id {only} GROUP BY on_date, class_id, school_id"
    )
    execute(
        f"{head} SELECT %(run)s, p.school_year, p.as_of, u.measure, u.school_id, sc.township_id, NULL, NULL, u.n FROM"
        f" (SELECT g.on_date, m.measure, g.school_id, {_case({m: m for m in CLASS_MEASURES})} AS n FROM"
        f" (SELECT k.on_date, k.school_id, {CLASS_SUMS} FROM ({sizes}) k GROUP BY k.on_date, k.school_id) g"
        f" CROSS JOIN ({_unpivot(CLASS_MEASURES)}) m) u"
        " JOIN indicators_runperiod p ON p.run_id = %(run)s AND p.as_of = u.on_date"
        " LEFT JOIN schools_school sc ON sc.id = u.school_id WHERE u.n > 0",
        ids,
    )
    per_school = ", ".join(
        f"SUM(CASE WHEN f.measure = '{m}' THEN f.n ELSE 0 END) AS {m}" for m in ("stu_total", *TEACHER_LEVELS.values())
    )
    execute(
        f"{head} SELECT %(run)s, u.school_year, u.as_of, u.measure, u.school_id, sc.township_id, NULL, NULL,"
        f" {TEACHER_SHARE} FROM"
        f" (SELECT g.school_year, g.as_of, m.measure, g.school_id, t.n AS nt, g.stu_total AS ns,"
        f" {_case(TEACHER_LEVELS)} AS nl FROM (SELECT f.school_year, f.as_of, f.school_id, {per_school}"
        f" FROM indicators_fact f WHERE f.run_id = %(run)s AND f.school_id {only}"
        " GROUP BY f.school_year, f.as_of, f.school_id) g"
        f" JOIN indicators_fact t ON t.run_id = %(run)s AND t.measure = '{TEACHERS}' AND t.as_of = g.as_of"
        " AND t.school_id = g.school_id"
        f" CROSS JOIN ({_unpivot(TEACHER_LEVELS)}) m) u"
        " LEFT JOIN schools_school sc ON sc.id = u.school_id WHERE u.nl > 0",
        ids,
    )
