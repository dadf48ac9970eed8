"""Background jobs (django.tasks): one-line wrappers around services."""

from __future__ import annotations

from django_tasks import task


@task()
def quota_compute_task(actor_id: int, year: int) -> int:
    """Recompute the year's quota snapshots and subject gaps (e.g. after the autumn census import)."""
    from jiaoyun.core.models import User
    from jiaoyun.teachers.services import quota_compute

    return quota_compute(actor=User.objects.get(pk=actor_id), year=year)
