"""The one write path of notifications."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from jiaoyun.core.audit import audit_record
from jiaoyun.core.choices import AuditAction, Role
from jiaoyun.core.errors import DomainError, PermissionDenied
from jiaoyun.core.types import User
from jiaoyun.core.workflow import locked
from jiaoyun.notices import channels, conf
from jiaoyun.notices.models import (
    PERSONAL_CHANNELS,
    Channel,
    Delivery,
    DeliveryStatus,
    Notification,
    Preference,
    Robot,
)


@dataclass(frozen=True)
class Message:
    """One notice to tell ``users`` under ``key`` (see ``notify``)."""

    users: Iterable[User]
    key: str
    title: str
    body: str = ""
    url: str = ""
    module: str = ""
    level: int = 0


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
    return notify_many([Message(users=users, key=key, title=title, body=body, url=url, module=module, level=level)])


@transaction.atomic
def notify_many(messages: Iterable[Message]) -> int:
    """``notify`` for many messages at once (e.g. the decisions of a bulletin): one query for the users already told
    under the messages' keys, one insert for all. Returns the number of new notifications."""
    wanted: dict[tuple[str, int], Message] = {}
    for m in messages:
        if not m.key or not m.title:
            raise ValueError("notify: key and title are required")
        for u in m.users:
            if u.is_active:
                wanted.setdefault((m.key, u.pk), m)
    if not wanted:
        return 0
    keys = {k for k, _ in wanted}
    told: set[tuple[str, int]] = set()
    for chunk in _chunks(sorted(keys), 500):
        told.update(
            Notification.objects.filter(key__in=chunk, user_id__in={pk for _, pk in wanted}).values_list(
                "key", "user_id"
            )
        )
    rows = [
        Notification(user_id=pk, key=key, title=m.title[:200], body=m.body, url=m.url[:300], module=m.module,
                     level=m.level)
        for (key, pk), m in wanted.items()
        if (key, pk) not in told
    ]  # fmt: skip
    Notification.objects.bulk_create(rows, ignore_conflicts=True, batch_size=1000)
    return len(rows)


def _chunks(items: list[str], size: int) -> Iterator[list[str]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


@transaction.atomic
def notifications_mark_read(*, user: User, ids: Iterable[int] | None = None) -> int:
    """Mark the user's own notifications read (``ids`` None: all of them). Another user's ids are ignored."""
    qs = Notification.objects.filter(user=user, read_at__isnull=True)
    if ids is not None:
        qs = qs.filter(pk__in=list(ids))
    return qs.update(read_at=timezone.now())


# ---------------------------------------------------------------- delivery (robots, email, SMS)


def user_township_id(user: User) -> int | None:
    """The township a user works in: their area's township (a village's parent) or their school's."""
    from jiaoyun.areas.choices import AreaLevel

    area = getattr(user, "area", None)
    if area is not None:
        if area.level == AreaLevel.TOWNSHIP:
            return int(area.pk)
        if area.level == AreaLevel.VILLAGE:
            return area.parent_id
    school = getattr(user, "school", None)
    return school.township_id if school is not None else None


def backoff_seconds(attempts: int) -> int:
    """The pause after the ``attempts``-th failed try: BACKOFF × 2^(attempts−1), at most BACKOFF_CAP."""
    base = int(conf.get("NOTICES_BACKOFF_SECONDS"))
    cap = int(conf.get("NOTICES_BACKOFF_CAP_SECONDS"))
    return int(min(cap, base * 2 ** max(0, attempts - 1)))


@transaction.atomic
def deliveries_plan(*, now: dt.datetime | None = None) -> int:
    """Route the notifications not yet routed: to the user's own channels (preferences) and to the group robot
    of the user's township or section. A robot gets a key once. Returns the number of deliveries created."""
    now = now or timezone.now()
    batch = int(conf.get("NOTICES_BATCH")) * 10
    pending = list(
        Notification.objects.select_for_update(skip_locked=True, of=("self",))
        .filter(routed_at__isnull=True)
        .select_related("user", "user__area", "user__school")
        .order_by("id")[:batch]
    )
    if not pending:
        return 0
    robots = list(Robot.objects.filter(is_active=True))
    prefs: dict[int, list[Preference]] = {}
    for p in Preference.objects.filter(user_id__in={n.user_id for n in pending}, is_active=True):
        prefs.setdefault(p.user_id, []).append(p)
    rows: dict[tuple[str, str], Delivery] = {}
    for n in pending:
        common = {"key": n.key, "module": n.module, "level": n.level, "title": n.title, "url": n.url,
                  "next_attempt_at": now}  # fmt: skip
        for p in prefs.get(n.user_id, []):
            if p.takes(module=n.module, level=n.level):
                route = f"user:{n.user_id}:{p.channel}"
                rows.setdefault((route, n.key), Delivery(route=route, channel=p.channel, user_id=n.user_id,
                                                         body=n.body, **common))  # fmt: skip
        township = user_township_id(n.user)
        for r in robots:
            mine = (r.township_id is not None and r.township_id == township) or (
                bool(r.section) and r.section == n.user.section
            )
            if mine and r.takes(module=n.module, level=n.level):
                route = f"robot:{r.pk}"
                rows.setdefault((route, n.key), Delivery(route=route, channel=r.channel, robot=r, **common))
    Delivery.objects.bulk_create(list(rows.values()), ignore_conflicts=True)
    Notification.objects.filter(pk__in=[n.pk for n in pending]).update(routed_at=now)
    return len(rows)


def _send_one(d: Delivery, *, now: dt.datetime) -> None:
    if d.channel == Channel.DINGTALK and d.robot is not None:
        channels.send_dingtalk(webhook=d.robot.webhook, secret=d.robot.secret, title=d.title, url=d.url,
                               timestamp_ms=int(now.timestamp() * 1000))  # fmt: skip
    elif d.channel == Channel.WECOM and d.robot is not None:
        channels.send_wecom(webhook=d.robot.webhook, title=d.title, url=d.url)
    elif d.channel == Channel.EMAIL and d.user is not None:
        channels.send_email(address=d.user.email, title=d.title, body=d.body, url=d.url)
    elif d.channel == Channel.SMS and d.user is not None:
        channels.send_sms(phone=d.user.phone, title=d.title, url=d.url)
    else:
        raise channels.DeliveryError("接收方已不存在")


def deliveries_send(*, now: dt.datetime | None = None) -> dict[str, int]:
    """Send the deliveries that are due (set-based: one query picks a batch, locked so two workers never send
    the same row). A failure is retried after ``backoff_seconds``; after NOTICES_MAX_ATTEMPTS it is given up."""
    now = now or timezone.now()
    limit = int(conf.get("NOTICES_BATCH"))
    most = int(conf.get("NOTICES_MAX_ATTEMPTS"))
    counts = {"sent": 0, "retry": 0, "failed": 0}
    with transaction.atomic():
        due = list(
            Delivery.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(status=DeliveryStatus.PENDING, next_attempt_at__lte=now)
            .select_related("robot", "user")
            .order_by("next_attempt_at", "id")[:limit]
        )
        for d in due:
            d.attempts += 1
            try:
                _send_one(d, now=now)
            except channels.DeliveryError as exc:
                d.last_error = str(exc)[:300]
                if d.attempts >= most:
                    d.status = DeliveryStatus.FAILED
                    counts["failed"] += 1
                else:
                    d.next_attempt_at = now + dt.timedelta(seconds=backoff_seconds(d.attempts))
                    counts["retry"] += 1
            else:
                d.status, d.sent_at, d.last_error = DeliveryStatus.SENT, now, ""
                counts["sent"] += 1
            d.save(update_fields=["attempts", "status", "sent_at", "last_error", "next_attempt_at"])
    return counts


@transaction.atomic
def delivery_retry(*, actor: User, delivery: Delivery) -> Delivery:
    """The county administrator sends a given-up delivery again (its tries start over)."""
    if getattr(actor, "role", None) != Role.COUNTY_ADMIN or not getattr(actor, "can_write", False):
        raise PermissionDenied("只有县局管理员可以重新发送")
    delivery = locked(delivery)
    if delivery.status != DeliveryStatus.FAILED:
        raise DomainError("只有发送失败的记录可以重新发送", field="状态")
    delivery.status, delivery.attempts, delivery.next_attempt_at = DeliveryStatus.PENDING, 0, timezone.now()
    delivery.save(update_fields=["status", "attempts", "next_attempt_at"])
    audit_record(actor=actor, action=AuditAction.UPDATE, obj=delivery, note="重新发送")
    return delivery


@transaction.atomic
def preference_set(
    *, actor: User, channel: str, is_active: bool, modules: Iterable[str] = (), min_level: int = 0
) -> Preference:
    """A user sets their own channel (email or SMS) and what goes to it."""
    if channel not in PERSONAL_CHANNELS:
        raise DomainError(f"渠道“{channel}”不能由个人设置（群机器人由管理员配置）", field="渠道")
    if is_active and channel == Channel.EMAIL and not actor.email:
        raise DomainError("账号未填写电子邮箱，不能开启邮件提醒", field="电子邮件")
    if is_active and channel == Channel.SMS and not actor.phone:
        raise DomainError("账号未填写手机号，不能开启短信提醒", field="短信")
    if min_level < 0 or min_level > 9:
        raise DomainError("最低升级层级应为0～9", field="最低升级层级")
    pref, created = Preference.objects.get_or_create(user=actor, channel=channel)
    before = {"is_active": pref.is_active, "modules": pref.modules, "min_level": pref.min_level}
    pref.is_active, pref.modules, pref.min_level = is_active, ",".join(sorted(set(modules))), min_level
    pref.save()
    after = {"is_active": pref.is_active, "modules": pref.modules, "min_level": pref.min_level}
    audit_record(actor=actor, action=AuditAction.CREATE if created else AuditAction.UPDATE, obj=pref,
                 changes={k: [before[k], after[k]] for k in after if before[k] != after[k] or created})  # fmt: skip
    return pref


def notices_run() -> str:
    """The periodic job: bridge the modules' alerts, route new notifications, send what is due."""
    from jiaoyun.notices.bridge import alerts_bridge

    bridged = alerts_bridge()
    planned = deliveries_plan()
    sent = deliveries_send()
    return f"转入站内消息{bridged}条；分发{planned}条；送达{sent['sent']}条、待重试{sent['retry']}条、失败{sent['failed']}条"
