"""Background tasks of the learning module (one-line wrappers around services)."""

from __future__ import annotations

import datetime as dt

from django_tasks import task

from jiaoyun.learning.services.analytics import learning_stats_refresh


@task()
def learning_stats_task(start: str | None = None, end: str | None = None) -> int:
    """Recompute learning statistics (optionally only for dates between ``start`` and ``end``)."""
    return learning_stats_refresh(
        start=dt.date.fromisoformat(start) if start else None, end=dt.date.fromisoformat(end) if end else None
    )
