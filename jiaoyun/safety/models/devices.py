"""Security devices (alarm, camera, access control) with per-device tokens, their events, and alerts."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models

from jiaoyun.safety.choices import AlertKind, DeviceEventKind, DeviceKind


class Device(models.Model):
    """A device that reports over HTTP with its own bearer token (only the SHA-256 of it is stored)."""

    school = models.ForeignKey("schools.School", verbose_name="学校", on_delete=models.CASCADE, related_name="devices")
    kind = models.CharField("类型", max_length=10, choices=DeviceKind.choices)
    name = models.CharField("名称", max_length=100)
    serial = models.CharField("设备编号", max_length=50, unique=True)
    token_hash = models.CharField("令牌摘要", max_length=64, unique=True, editable=False)
    heartbeat_interval = models.DurationField("心跳间隔", default=dt.timedelta(minutes=5))
    last_seen_at = models.DateTimeField("最近心跳", null=True, blank=True)
    is_online = models.BooleanField("在线", default=False)
    offline_since = models.DateTimeField("离线时间", null=True, blank=True)
    is_active = models.BooleanField("启用", default=True)
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    class Meta:
        verbose_name = "安防设备"
        verbose_name_plural = "安防设备"
        ordering = ["school", "kind", "serial"]
        indexes = [models.Index(fields=["is_active", "is_online"])]

    def __str__(self) -> str:
        return f"{self.name}（{self.serial}）"


class DeviceEvent(models.Model):
    """An event a device reported (alarm pressed, door forced, camera offline)."""

    device = models.ForeignKey(Device, verbose_name="设备", on_delete=models.CASCADE, related_name="events")
    kind = models.CharField("事件", max_length=20, choices=DeviceEventKind.choices)
    occurred_at = models.DateTimeField("发生时间")
    received_at = models.DateTimeField("接收时间")
    payload = models.JSONField("附加数据", default=dict, blank=True)

    class Meta:
        verbose_name = "设备事件"
        verbose_name_plural = "设备事件"
        ordering = ["-occurred_at", "-id"]

    def __str__(self) -> str:
        return f"{self.device} {self.get_kind_display()}"


class SafetyAlert(models.Model):
    """An alert for the safety staff: device offline or events, overdue hazards escalated."""

    school = models.ForeignKey("schools.School", verbose_name="学校", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField("类型", max_length=20, choices=AlertKind.choices)
    device = models.ForeignKey(Device, verbose_name="设备", null=True, blank=True, on_delete=models.CASCADE)
    hazard = models.ForeignKey("safety.Hazard", verbose_name="隐患", null=True, blank=True, on_delete=models.CASCADE)
    message = models.CharField("内容", max_length=300)
    created_at = models.DateTimeField("时间", db_index=True)
    acknowledged_at = models.DateTimeField("确认时间", null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="确认人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = "安全预警"
        verbose_name_plural = "安全预警"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.message


class DeviceNonce(models.Model):
    """A message nonce a device used, kept while a replay of it could still pass the time window.

    Also holds the markers that limit the audit of failed device authentication to one entry per device and
    address per minute (nonce ``!fail:<ip>:<minute>``). Purged by ``device_nonces_purge``.
    """

    serial = models.CharField("设备编号", max_length=50)
    nonce = models.CharField("随机数", max_length=100)
    sent_at = models.DateTimeField("消息时间", db_index=True)

    class Meta:
        verbose_name = "设备消息随机数"
        verbose_name_plural = "设备消息随机数"
        constraints = [models.UniqueConstraint(fields=["serial", "nonce"], name="device_nonce_unique")]

    def __str__(self) -> str:
        return f"{self.serial} {self.nonce}"
