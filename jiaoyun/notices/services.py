"""The one write path of notifications."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from jiaoyun.core.types import User
from jiaoyun.notices.models import Notification


@transaction.atomic
def notify(
    *,
    users: Iterable[User],
    key: str,
    title: str,
    body: str = "",
    url: str = "",
    module: str = "",
    level: int = 0,
) -> int:
    """Tell ``users`` (inactive accounts are skipped); a user already told under ``key`` is not told again.
    Returns the number of new notifications. Set-based: one insert for all users."""
    if not key or not title:
        raise ValueError("notify: key and title are required")
    wanted = {u.pk: u for u in users if u.is_active}
    if not wanted:
        return 0
    told = set(Notification.objects.filter(key=key, user_id__in=wanted).values_list("user_id", flat=True))
    rows = [
        Notification(user_id=pk, key=key, title=title[:200], body=body, url=url[:300], module=module, level=level)
        for pk in wanted
        if pk not in told
    ]
    Notification.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)


@transaction.atomic
def notifications_mark_read(*, user: User, ids: Iterable[int] | None = None) -> int:
    """Mark the user's own notifications read (``ids`` None: all of them). Another user's ids are ignored."""
    qs = Notification.objects.filter(user=user, read_at__isnull=True)
    if ids is not None:
        qs = qs.filter(pk__in=list(ids))
    return qs.update(read_at=timezone.now())
