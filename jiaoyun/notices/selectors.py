"""Reads of notifications: a user reads only their own."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from jiaoyun.core.types import User
from jiaoyun.notices.models import Delivery, DeliveryStatus, Notification, Preference, Robot


def notifications_for(user: User, *, unread_only: bool = False) -> QuerySet[Notification]:
    qs = Notification.objects.filter(user=user)
    return qs.filter(read_at__isnull=True) if unread_only else qs


def unread_count(user: User) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def preferences_for(user: User) -> QuerySet[Preference]:
    return Preference.objects.filter(user=user).order_by("channel")


def robots_for(user: User) -> list[Robot]:
    """The group robots a user's notifications go to (their township's and their section's)."""
    from jiaoyun.notices.services import user_township_id

    township = user_township_id(user)
    q = Q(township_id=township) if township else Q(pk__in=[])
    if getattr(user, "section", ""):
        q |= Q(section=user.section)
    return list(Robot.objects.filter(q, is_active=True).order_by("channel", "name"))


def delivery_log(*, status: str = "") -> QuerySet[Delivery]:
    """The delivery log (county administrator): what went where, tries and the last error. Addresses of
    webhooks are not shown."""
    qs = Delivery.objects.select_related("robot", "user").order_by("-created_at", "-id")
    return qs.filter(status=status) if status in DeliveryStatus.values else qs
