"""A recompute run: the pipeline of statements, in one transaction, recorded as an ``IndicatorRun``."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterable, Sequence

from django.db import connection, transaction
from django.utils import timezone

from jiaoyun.indicators import conf
from jiaoyun.indicators.compute import slicing
from jiaoyun.indicators.compute.facts import (
    _fill_date_facts,
    _fill_facts,
    _fill_period_facts,
    _fill_values,
    _needed_measures,
)
from jiaoyun.indicators.compute.periods import Period, check_as_of
from jiaoyun.indicators.compute.spans import SET_WORK_MEM, _fill_dates, _fill_spans, calendar_bounds
from jiaoyun.indicators.compute.sql import Executor, _execute
from jiaoyun.indicators.definitions import INDICATORS, Indicator
from jiaoyun.indicators.models import IndicatorRun


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
    codes = {f"code_{n}": i.code for n, i in enumerate(chosen)}
    in_codes = ", ".join(f"%({name})s" for name in codes)
    for p in periods:
        execute(
            "DELETE FROM indicators_indicatorvalue WHERE school_year = %(year)s AND as_of = %(as_of)s"  # noqa: S608
            f" AND code IN ({in_codes})",  # placeholders only: the codes are bound
            {"year": p.year.start_year, "as_of": p.as_of, **codes},
        )
    rows = sum(_fill_values(execute, run_id, ind, now) for ind in chosen)
    for table in ("fact", "datefact", "runday", "rundate", "runperiod"):
        execute(f"DELETE FROM indicators_{table} WHERE run_id = %(run)s", {"run": run_id})  # noqa: S608 (fixed names)
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
                _execute(SET_WORK_MEM, {"mem": conf.get("INDICATOR_WORK_MEM")})
            rows = pipeline(
                _execute,
                run_id=run.pk,
                periods=periods,
                chosen=chosen,
                now=timezone.now(),
                bounds=calendar_bounds(),
                vendor=connection.vendor,
                slices=slicing.heap_slices() if connection.vendor == "postgresql" else (),
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
