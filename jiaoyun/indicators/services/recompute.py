"""The recompute service: runs the compute pipeline in one transaction and keeps its ``IndicatorRun`` record.

The SQL engine (``jiaoyun.indicators.compute``) writes only the stat tables of a run, set-based; the run record
(started, finished or failed, rows, seconds) is written here, so every ORM write of the app is in its services.
"""

from __future__ import annotations

import time
from collections.abc import Iterable

from django.db import connection, transaction
from django.utils import timezone

from jiaoyun.indicators import conf
from jiaoyun.indicators.compute import incremental, slicing
from jiaoyun.indicators.compute.periods import Period, check_as_of
from jiaoyun.indicators.compute.run import pipeline
from jiaoyun.indicators.compute.spans import SET_WORK_MEM, calendar_bounds
from jiaoyun.indicators.compute.sql import _execute
from jiaoyun.indicators.definitions import INDICATORS
from jiaoyun.indicators.models import IndicatorRun


def indicators_compute(
    *, periods: list[Period], codes: Iterable[str] | None = None, triggered_by: str = ""
) -> IndicatorRun:
    """Recompute the indicators of the given periods, replacing their stored values (one transaction)."""
    started = time.perf_counter()
    chosen = [i for i in INDICATORS if codes is None or i.code in set(codes)]
    # Every indicator: the run keeps its state for the incremental path (ADR 0043), which then follows it.
    keep = codes is None and bool(conf.get("INDICATOR_INCREMENTAL"))
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
                keep=keep,
            )
            if codes is None and not keep:  # the path is switched off: no kept state may go stale
                incremental.drop_kept(_execute)
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
