"""The incremental path's writes (ADR 0043): a committed 学籍 correction reaches the kept figures in its own
transaction.

``people.services`` sends ``events_changing`` before it writes a student's events (or the birth date and hukou
village their events carry) and ``events_written`` after; the indicators app calls ``indicators_before_events``
and ``indicators_after_events`` from them. Both run in the writer's transaction, serialised with each other and
with full recomputes by the recompute's advisory lock (PostgreSQL), so a correction's figures commit with it.
When the path cannot apply a correction (switched off, no kept run yet, too many students at once, a write
whose state before was not taken) ``indicators_after_events`` says so and the caller queues the full recompute
of the current school year, as before; the nightly full recompute rebuilds the kept state either way.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db import connection
from django.utils import timezone

from jiaoyun.indicators import conf
from jiaoyun.indicators.compute import incremental
from jiaoyun.indicators.compute.sql import _execute

LOCK_KEY = 4_000_001  # the full recompute's


def _lock() -> None:
    if connection.vendor == "postgresql":
        _execute("SELECT pg_advisory_xact_lock(%(key)s)", {"key": LOCK_KEY})


def enabled() -> bool:
    return bool(conf.get("INDICATOR_INCREMENTAL"))


def _fits(student_ids: Sequence[int] | None) -> bool:
    return student_ids is not None and 0 < len(set(student_ids)) <= conf.get("INDICATOR_INCREMENTAL_MAX_STUDENTS")


def indicators_before_events(*, student_ids: Sequence[int] | None) -> None:
    """Inside the writer's transaction, before the events change: take away the students' contribution."""
    if not enabled() or student_ids is None or not _fits(student_ids):
        return
    _lock()
    students = sorted(set(student_ids))
    for run_id in incremental.kept_runs():
        incremental.before(_execute, run_id, students)


def indicators_after_events(*, student_ids: Sequence[int] | None) -> bool:
    """Inside the writer's transaction, after the events changed: add the students' contribution and rewrite
    the figures of the periods they touch. False if the correction could not be applied (the caller queues a
    full recompute)."""
    if not enabled():
        return False
    _lock()
    runs = incremental.kept_runs()
    students = sorted(set(student_ids or ()))
    if not runs or not _fits(student_ids) or not all(incremental.has_before(r, students) for r in runs):
        for run_id in runs:
            incremental.discard(_execute, run_id)
        return False
    now = timezone.now()
    for run_id in runs:
        incremental.after(_execute, run_id, students, now)
    return True
