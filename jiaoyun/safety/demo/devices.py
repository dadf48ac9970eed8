"""Security devices with heartbeats (one alarm silent for two hours, so offline with an alert)."""

from __future__ import annotations

import datetime as dt
import random

from jiaoyun.safety import services
from jiaoyun.safety.choices import DeviceKind
from jiaoyun.safety.models import (
    Device,
)
from jiaoyun.safety.services.devices import new_token, token_hash
from jiaoyun.schools.choices import SchoolKind
from jiaoyun.schools.models import School


def generate(rng: random.Random, schools: list[School], now: dt.datetime, keep: School) -> tuple[int, int]:
    devices = []
    five = dt.timedelta(minutes=5)
    for s in schools:
        if s.pk != keep.pk and rng.random() < 0.12:
            continue  # some schools have no registered device yet
        kinds = (
            [DeviceKind.ALARM, DeviceKind.CAMERA]
            + ([DeviceKind.CAMERA] if rng.random() < 0.5 else [])
            + ([DeviceKind.ACCESS] if s.kind != SchoolKind.TEACHING_POINT and rng.random() < 0.6 else [])
        )
        for k, kind in enumerate(kinds, 1):
            devices.append(
                Device(
                    school=s,
                    kind=kind,
                    name={
                        DeviceKind.ALARM: "门卫室一键报警",
                        DeviceKind.CAMERA: f"{k}号摄像头",
                        DeviceKind.ACCESS: "校门人脸门禁",
                    }[kind],
                    serial=f"{kind[:3].upper()}-{s.code}-{k}",
                    token_hash=token_hash(new_token()),
                    heartbeat_interval=five,
                    last_seen_at=now - dt.timedelta(seconds=rng.randint(5, 240)),
                    is_online=True,
                )
            )
    Device.objects.bulk_create(devices, batch_size=1000)
    # One alarm silent for two hours (not at the scenario school), two cameras silent for a day.
    alarm = Device.objects.filter(kind=DeviceKind.ALARM).exclude(school=keep).order_by("?").first() if devices else None
    if alarm is not None:
        Device.objects.filter(pk=alarm.pk).update(last_seen_at=now - dt.timedelta(hours=2))
    cams = list(Device.objects.filter(kind=DeviceKind.CAMERA).exclude(school=keep).values_list("pk", flat=True)[:400])
    for pk in rng.sample(cams, k=min(2, len(cams))):
        Device.objects.filter(pk=pk).update(last_seen_at=now - dt.timedelta(days=1))
    offline = services.devices_check_offline(now=now)
    return len(devices), offline
