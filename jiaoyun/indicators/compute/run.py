"""A recompute run: the pipeline of statements, in one transaction, recorded as an ``IndicatorRun``."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from jiaoyun.indicators.compute.facts import (
    DATE_PARTS,
    _fill_date_facts,
    _fill_facts,
    _fill_period_facts,
    _fill_values,
    _needed_measures,
)
from jiaoyun.indicators.compute.incremental import keep_teachers, supersede
from jiaoyun.indicators.compute.periods import Period
from jiaoyun.indicators.compute.spans import _fill_dates, _fill_spans
from jiaoyun.indicators.compute.sql import Executor
from jiaoyun.indicators.definitions import Indicator


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
    keep: bool = False,
) -> int:
    """The whole computation as SQL statements (so it can also run on another engine, see bench/).

    ``keep``: leave the run's calendar, period facts and class sizes in place for the incremental path
    (``compute.incremental``), and drop those an earlier run kept for the same school years."""
    _fill_dates(execute, run_id, periods, bounds)
    if vendor == "postgresql":  # fresh statistics: a handful of rows, not the planner's guess
        for table in ("rundate", "runperiod", "runday"):
            execute(f"ANALYZE indicators_{table}", {})
    measures = _needed_measures(chosen)
    if keep:
        measures.append("stu_total")
    _fill_spans(execute, run_id, periods, vendor, slices)
    if vendor == "postgresql":  # temporary tables are never analysed by autovacuum
        execute("ANALYZE jy_spans", {})
        execute("ANALYZE jy_flows", {})
    _fill_date_facts(execute, run_id, parts=(*DATE_PARTS, "sizes") if keep else DATE_PARTS)
    _fill_period_facts(execute, run_id, measures)
    for p in periods:
        _fill_facts(execute, run_id, p, measures)
    codes = {f"code_{n}": i.code for n, i in enumerate(chosen)}
    in_codes = ", ".join(f"%({name})s" for name in codes)
    for p in periods:
        execute(
            "DELETE FROM indicators_indicatorvalue WHERE school_year = %(year)s AND as_of = %(as_of)s"  # noqa: S608
            f" AND code IN ({in_codes})",  # placeholders only: the codes are bound
            {"year": p.year.start_year, "as_of": p.as_of, **codes},
        )
    rows = sum(_fill_values(execute, run_id, ind, now) for ind in chosen)
    scratch = ("datefact",) if keep else ("fact", "datefact", "runday", "rundate", "runperiod")
    for table in scratch:
        execute(f"DELETE FROM indicators_{table} WHERE run_id = %(run)s", {"run": run_id})  # noqa: S608 (fixed names)
    if keep:
        keep_teachers(execute, run_id)
        supersede(execute, run_id)
    execute("DROP TABLE jy_flows", {})
    execute("DROP TABLE jy_spans", {})
    return rows
