"""Device registry with per-device tokens, heartbeats and events, offline detection, alerts."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import DateTimeField, ExpressionWrapper, F, Q
from django.utils import timezone

from jiaoyun.core.audit import audit_record, snapshot
from jiaoyun.core.choices import AuditAction
from jiaoyun.core.errors import DomainError
from jiaoyun.core.types import User
from jiaoyun.safety import conf, device_protocol
from jiaoyun.safety.choices import AlertKind, DeviceEventKind, DeviceKind
from jiaoyun.safety.models import Device, DeviceEvent, DeviceNonce, SafetyAlert
from jiaoyun.safety.permissions import require_manage
from jiaoyun.safety.services._util import clean_or_raise
from jiaoyun.schools.models import School

EVENT_ALERT = {
    DeviceEventKind.ALARM_PRESSED: AlertKind.ALARM_PRESSED,
    DeviceEventKind.DOOR_FORCED: AlertKind.DOOR_FORCED,
    DeviceEventKind.CAMERA_OFFLINE: AlertKind.CAMERA_OFFLINE,
}
# Clock skew tolerated for a device-reported time.
MAX_FUTURE = dt.timedelta(minutes=5)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def new_token() -> str:
    return "dev_" + secrets.token_urlsafe(32)


@transaction.atomic
def device_register(
    *, actor: User, school: School, kind: str, name: str, serial: str, interval_seconds: int | None = None
) -> tuple[Device, str]:
    """Register a device; returns it with its token, which is shown once and stored only as a hash."""
    require_manage(actor, school)
    if kind not in DeviceKind.values:
        raise DomainError("设备类型无效", field="类型")
    seconds = interval_seconds or int(conf.get("SAFETY_DEVICE_INTERVAL_SECONDS"))
    if seconds < 1:
        raise DomainError("心跳间隔至少1秒", field="心跳间隔")
    if Device.objects.filter(serial=serial.strip()).exists():
        raise DomainError(f"设备编号“{serial}”已登记", field="设备编号")
    token = new_token()
    device = Device(
        school=school,
        kind=kind,
        name=name.strip(),
        serial=serial.strip(),
        token_hash=token_hash(token),
        heartbeat_interval=dt.timedelta(seconds=seconds),
    )
    clean_or_raise(device, exclude=["token_hash"])
    device.save()
    changes = {**snapshot(device), "heartbeat_interval": seconds}
    audit_record(actor=actor, action=AuditAction.CREATE, obj=device, changes=changes)
    return device, token


@transaction.atomic
def device_token_rotate(*, actor: User, device: Device) -> str:
    """Issue a new token (the old one stops working at once)."""
    require_manage(actor, device.school)
    token = new_token()
    device.token_hash = token_hash(token)
    device.save(update_fields=["token_hash"])
    audit_record(actor=actor, action=AuditAction.UPDATE, obj=device, note="更换设备令牌")
    return token


def device_authenticate(token: str) -> Device | None:
    """The active device owning ``token``, or None."""
    if not token or len(token) > 200:
        return None
    digest = token_hash(token)
    device = Device.objects.select_related("school").filter(token_hash=digest, is_active=True).first()
    if device is None or not hmac.compare_digest(device.token_hash, digest):
        return None
    return device


class DeviceAuthError(Exception):
    """A device message refused before it reaches a service (the reason is in Chinese, for the device's log)."""


def _window() -> dt.timedelta:
    return dt.timedelta(seconds=int(conf.get("SAFETY_DEVICE_MESSAGE_WINDOW_SECONDS")))


def _nonce_insert(serial: str, nonce: str, sent_at: dt.datetime) -> bool:
    """Store a nonce; False when this device already used it (the unique constraint decides, also under races)."""
    try:
        with transaction.atomic():
            DeviceNonce.objects.create(serial=serial[:50], nonce=nonce[:100], sent_at=sent_at)
    except IntegrityError:
        return False
    return True


def device_auth_failure_record(*, serial: str, ip: str | None, reason: str, now: dt.datetime | None = None) -> bool:
    """Audit a failed device authentication, at most once per device (serial as sent) and address per minute.
    Returns whether an entry was written."""
    now = now or timezone.now()
    marker = f"!fail:{ip or '-'}:{int(now.timestamp()) // 60}"
    if not _nonce_insert(serial or "-", marker, now):
        return False
    device = Device.objects.filter(serial=serial).first() if serial else None
    audit_record(
        actor=None,
        action=AuditAction.LOGIN_FAILED,
        obj=device,
        object_type="safety.Device",
        object_id=str(device.pk) if device else "",
        object_repr=(str(device) if device else f"未知设备“{serial[:50]}”")[:200],
        note=f"设备认证失败：{reason}（同一设备同一地址每分钟只记一条）",
        ip=ip,
    )
    return True


def device_message_authenticate(
    *,
    serial: str,
    timestamp: str,
    nonce: str,
    signature: str,
    method: str,
    path: str,
    body: bytes,
    now: dt.datetime | None = None,
) -> Device:
    """Check one signed device message (``device_protocol``): known active device, valid HMAC, signed within the
    window (``SAFETY_DEVICE_MESSAGE_WINDOW_SECONDS``, ``SAFETY_DEVICE_CLOCK_SKEW_SECONDS`` ahead at most) and a
    nonce not seen before. Raises ``DeviceAuthError``; the nonce is stored only for an authentic, timely message."""
    now = now or timezone.now()
    if not (serial and timestamp and nonce and signature):
        raise DeviceAuthError(
            f"缺少签名头（{device_protocol.SERIAL}、{device_protocol.TIMESTAMP}、"
            f"{device_protocol.NONCE}、{device_protocol.SIGNATURE}）"
        )
    if not device_protocol.NONCE_RE.match(nonce):
        raise DeviceAuthError("随机数格式无效（16–100位字母、数字、_或-）")
    if not timestamp.isdigit() or len(timestamp) > 12:
        raise DeviceAuthError("时间戳格式无效（应为Unix秒数）")
    device = Device.objects.select_related("school").filter(serial=serial, is_active=True).first()
    expected = (
        device_protocol.signature(device_protocol.signing_key(device.token_hash), method, path, timestamp, nonce, body)
        if device is not None
        else ""
    )
    if device is None or not hmac.compare_digest(expected, signature.strip().lower()):
        raise DeviceAuthError("设备编号或签名无效")
    sent_at = dt.datetime.fromtimestamp(int(timestamp), tz=dt.UTC)
    if sent_at < now - _window():
        raise DeviceAuthError(f"消息已过期（签名时间早于{_window().seconds}秒前）")
    if sent_at > now + dt.timedelta(seconds=int(conf.get("SAFETY_DEVICE_CLOCK_SKEW_SECONDS"))):
        raise DeviceAuthError("消息时间超前于服务器时间，请校准设备时钟")
    if not _nonce_insert(device.serial, nonce, sent_at):
        raise DeviceAuthError("重复的消息（随机数已使用），已拒绝")
    return device


def device_nonces_purge(*, now: dt.datetime | None = None) -> int:
    """Delete the nonces (and audit markers) older than the window: a message that old is refused anyway."""
    now = now or timezone.now()
    skew = dt.timedelta(seconds=int(conf.get("SAFETY_DEVICE_CLOCK_SKEW_SECONDS")))
    deleted, _ = DeviceNonce.objects.filter(sent_at__lt=now - _window() - skew).delete()
    return deleted


def _seen(device: Device, at: dt.datetime) -> None:
    """Mark the device seen at ``at`` (never moving ``last_seen_at`` backwards)."""
    Device.objects.filter(Q(last_seen_at__isnull=True) | Q(last_seen_at__lte=at), pk=device.pk).update(
        last_seen_at=at, is_online=True, offline_since=None
    )


@transaction.atomic
def device_heartbeat(*, device: Device, at: dt.datetime | None = None) -> Device:
    now = timezone.now()
    at = min(at or now, now)
    _seen(device, at)
    device.refresh_from_db()
    return device


@transaction.atomic
def device_event_record(
    *, device: Device, kind: str, occurred_at: dt.datetime | None = None, payload: dict[str, Any] | None = None
) -> DeviceEvent:
    """Store an event reported by a device and raise an alert for the school."""
    if kind not in DeviceEventKind.values:
        raise DomainError(f"未知事件类型“{kind}”", field="kind")
    now = timezone.now()
    occurred = occurred_at or now
    if occurred > now + MAX_FUTURE:
        raise DomainError("事件时间晚于服务器时间", field="at")
    event = DeviceEvent.objects.create(
        device=device, kind=kind, occurred_at=occurred, received_at=now, payload=payload or {}
    )
    _seen(device, min(occurred, now))
    label = DeviceEventKind(kind).label
    SafetyAlert.objects.create(
        school_id=device.school_id,
        kind=EVENT_ALERT[DeviceEventKind(kind)],
        device=device,
        created_at=now,
        message=f"{device.school}：{device.name}报告“{label}”（{timezone.localtime(occurred):%m-%d %H:%M}）",
    )
    return event


@transaction.atomic
def devices_check_offline(*, now: dt.datetime | None = None) -> int:
    """Flag every active device silent past its heartbeat interval as offline, with one alert each. Also purges
    the device-message nonces that have outlived the time window (``device_nonces_purge``)."""
    now = now or timezone.now()
    device_nonces_purge(now=now)
    due = ExpressionWrapper(F("last_seen_at") + F("heartbeat_interval"), output_field=DateTimeField())
    due_new = ExpressionWrapper(F("created_at") + F("heartbeat_interval"), output_field=DateTimeField())
    qs = (
        Device.objects.select_for_update()
        .filter(is_active=True)
        .exclude(is_online=False, offline_since__isnull=False)
        .annotate(due=due, due_new=due_new)
        .filter(Q(last_seen_at__isnull=False, due__lt=now) | Q(last_seen_at__isnull=True, due_new__lt=now))
    )
    rows = list(qs.select_related("school").only("pk", "name", "serial", "school__name", "last_seen_at"))
    if not rows:
        return 0
    Device.objects.filter(pk__in=[d.pk for d in rows]).update(is_online=False, offline_since=now)
    alerts = []
    for d in rows:
        silent = f"最近心跳{timezone.localtime(d.last_seen_at):%m-%d %H:%M}" if d.last_seen_at else "从未上报心跳"
        message = f"{d.school.name}：{d.name}（{d.serial}）离线，{silent}"
        alerts.append(SafetyAlert(school_id=d.school_id, kind=AlertKind.DEVICE_OFFLINE, device=d, created_at=now,
                                  message=message))  # fmt: skip
    SafetyAlert.objects.bulk_create(alerts)
    return len(rows)


@transaction.atomic
def alert_acknowledge(*, actor: User, alert: SafetyAlert) -> SafetyAlert:
    require_manage(actor, alert.school)
    if alert.acknowledged_at is None:
        alert.acknowledged_at = timezone.now()
        alert.acknowledged_by = actor
        alert.save(update_fields=["acknowledged_at", "acknowledged_by"])
        audit_record(actor=actor, action=AuditAction.UPDATE, obj=alert, note="确认预警")
    return alert


SIMULATOR_PREFIX = "SIM-"
SIMULATOR_KINDS = (DeviceKind.ALARM, DeviceKind.CAMERA, DeviceKind.ACCESS)


@transaction.atomic
def devices_provision_simulator(*, count: int, interval_seconds: int = 30) -> list[tuple[Device, str]]:
    """Simulator devices ``SIM-0001``… spread over the active schools, each with a fresh token.

    Only devices whose serial starts with ``SIM-`` are created or re-keyed; real devices are never touched.
    """
    if count < 1:
        raise DomainError("设备数量至少为1", field="devices")
    schools = list(School.objects.filter(is_active=True).order_by("code")[:count])
    if not schools:
        raise DomainError("没有在办学校，无法创建模拟设备")
    out: list[tuple[Device, str]] = []
    for n in range(count):
        serial = f"{SIMULATOR_PREFIX}{n + 1:04d}"
        kind = SIMULATOR_KINDS[n % len(SIMULATOR_KINDS)]
        token = new_token()
        device, _ = Device.objects.update_or_create(
            serial=serial,
            defaults={
                "school": schools[n % len(schools)],
                "kind": kind,
                "name": f"模拟{DeviceKind(kind).label}{n + 1}",
                "token_hash": token_hash(token),
                "heartbeat_interval": dt.timedelta(seconds=interval_seconds),
                "is_active": True,
            },
        )
        out.append((device, token))
    audit_record(
        actor=None,
        action=AuditAction.UPDATE,
        object_type="safety.Device",
        object_repr=f"设备模拟器：{count}台模拟设备",
        note="设备模拟器生成令牌",
    )
    return out
