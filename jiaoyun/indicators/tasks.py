"""Background tasks: recompute the indicators (queued after imports and 学籍 edits, or on demand)."""

from __future__ import annotations

import datetime as dt

from django_tasks import task

from jiaoyun.core.schoolyear import SchoolYear
from jiaoyun.indicators.services import indicators_refresh


@task()
def indicators_refresh_task(
    from_year: int | None = None, to_year: int | None = None, as_of: str | None = None, triggered_by: str = "task"
) -> int:
    """Recompute the current school year (or ``from_year``..``to_year``, school years by their first calendar
    year, as JSON carries them); returns the rows written."""
    day = dt.date.fromisoformat(as_of) if as_of else None
    first, last = (SchoolYear(y) if y else None for y in (from_year, to_year))
    return indicators_refresh(from_year=first, to_year=last, as_of=day, triggered_by=triggered_by).rows


def indicators_refresh_soon(
    *, from_year: int | None = None, to_year: int | None = None, as_of: str | None = None, triggered_by: str = "task"
) -> bool:
    """Queue one recompute, unless the same one is already waiting (many edits, one run). True if queued."""
    from django_tasks_db.models import DBTaskResult

    waiting = DBTaskResult.objects.filter(task_path=indicators_refresh_task.module_path, status="READY")
    for key, value in (("from_year", from_year), ("to_year", to_year), ("as_of", as_of)):
        waiting = waiting.filter(**{f"args_kwargs__kwargs__{key}": value})
    if waiting.exists():
        return False
    indicators_refresh_task.enqueue(from_year=from_year, to_year=to_year, as_of=as_of, triggered_by=triggered_by)
    return True
