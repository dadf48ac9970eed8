"""The run's calendar and its one pass over the events (``jy_spans``, ``jy_flows``)."""

# Every statement here is built from this package's fixed SQL fragments, table and column names and the
# choices of people.choices (code, not input); every value that varies is a bound parameter.
# ruff: noqa: S608

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.db import connection

from jiaoyun.core.schoolyear import SchoolYear
from jiaoyun.indicators import conf
from jiaoyun.indicators.compute.members import IN, SENIOR_LEVELS, SNAPSHOT_KINDS
from jiaoyun.indicators.compute.periods import Period
from jiaoyun.indicators.compute.sql import Executor


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
    cuts = run_cuts(dates)
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
    _fill_days(execute, run_id, dates, cuts, first, last)


def run_cuts(dates: Sequence[dt.date]) -> list[dt.date]:
    """The age bands' birth-date limits of a run's dates, sorted (``RunDay.bkey`` is a day's rank among them)."""
    return sorted({c for d in dates for c in _band_cuts(d).values()})


def _fill_days(
    execute: Executor, run_id: int, dates: Sequence[dt.date], cuts: Sequence[dt.date], first: dt.date, last: dt.date
) -> None:
    """The calendar's days from ``first`` to ``last``: each day's rank among the run dates and the band limits."""
    rows, day = [], first
    i = bisect.bisect_left(dates, day)
    j = bisect.bisect_left(cuts, day)
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


# ``SET LOCAL work_mem = …`` with the setting's value bound (SET itself takes no parameters).
SET_WORK_MEM = "SELECT set_config('work_mem', %(mem)s, true)"


def _fill_spans(
    execute: Executor,
    run_id: int,
    periods: list[Period],
    vendor: str,
    slices: Sequence[str] = (),
    only: str = "",
) -> None:
    """One pass over the events, grouped by everything the measures look at (``jy_spans``, a temporary table).

    A state's run dates are the ranks in [lo, hi): from its event's date to the next event's. Kept: states in
    school or dropped out that hold on some run date, grade 6 and 9 graduations, and moves of grades 1–9 into
    or out of the county (``flow``; one to outside the county is counted at the school left). The event's date
    is kept only for dropouts, graduations and moves, so ordinary states of a class collapse into a few rows.
    States in school in grade 7 or above keep the school year and school of the student's primary graduation
    (the chain's ``grad6_*``) when it was in the state's school year or the one before: 升入初中 reads them.

    ``slices`` (PostgreSQL, see ``heap_slices``): conditions that cut the events into parts grouped separately,
    one per parallel worker, then merged. ``only``: a condition on the events ``e`` keeping some students'
    (the incremental path, ``compute.incremental``)."""
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
        f" WHERE {{slice}}{only + ' AND ' if only else ''}{useful} AND c1.run_id = %(run)s AND c1.day = e.date"
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
        execute(SET_WORK_MEM, {"mem": conf.get("INDICATOR_SPANS_WORK_MEM")})
    execute(f"CREATE TEMP TABLE jy_spans AS {select}", {"run": run_id, **bounds})
    if vendor == "postgresql":
        execute("SET LOCAL enable_sort = DEFAULT", {})
        execute("SET LOCAL parallel_tuple_cost = DEFAULT", {})
        execute(SET_WORK_MEM, {"mem": conf.get("INDICATOR_WORK_MEM")})
    execute("DROP TABLE IF EXISTS jy_flows", {})
    execute("CREATE TEMP TABLE jy_flows AS SELECT * FROM jy_spans WHERE flow <> '' AND grade BETWEEN 1 AND 9", {})


def _as_date(value: Any) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))
