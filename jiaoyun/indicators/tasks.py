"""Background tasks: recompute the indicators (enqueued after imports, or on demand)."""

from __future__ import annotations

import datetime as dt

from django_tasks import task

from jiaoyun.indicators.services import indicators_refresh


@task()
def indicators_refresh_task(
    from_year: int | None = None, to_year: int | None = None, as_of: str | None = None, triggered_by: str = "task"
) -> int:
    """Recompute the current school year (or ``from_year``..``to_year``); returns the rows written."""
    day = dt.date.fromisoformat(as_of) if as_of else None
    return indicators_refresh(from_year=from_year, to_year=to_year, as_of=day, triggered_by=triggered_by).rows
