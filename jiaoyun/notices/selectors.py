"""Reads of notifications: a user reads only their own."""

from __future__ import annotations

from django.db.models import QuerySet

from jiaoyun.core.types import User
from jiaoyun.notices.models import Notification


def notifications_for(user: User, *, unread_only: bool = False) -> QuerySet[Notification]:
    qs = Notification.objects.filter(user=user)
    return qs.filter(read_at__isnull=True) if unread_only else qs


def unread_count(user: User) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).count()
