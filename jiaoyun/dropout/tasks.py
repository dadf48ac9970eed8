"""Background jobs (django.tasks): one-line wrappers around services."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django_tasks import task


@task()
def crossmatch_task(actor_id: int | None = None, as_of: str | None = None) -> dict[str, int]:
    from jiaoyun.core.models import User
    from jiaoyun.dropout.services import crossmatch_run

    actor = User.objects.filter(pk=actor_id).first() if actor_id else None
    day = dt.date.fromisoformat(as_of) if as_of else timezone.localdate()
    return dict(crossmatch_run(actor=actor, as_of=day).figures)


@task()
def monthly_task(month: str | None = None) -> str:
    """The monthly run (deadlines, statistics, bulletin of the previous month) for one month, on demand; the
    regular run on the 1st is the ``dropout_monthly`` job of ``jiaoyun.core.schedule``."""
    from jiaoyun.dropout.services.monthly import monthly_run

    return monthly_run(month=month)
