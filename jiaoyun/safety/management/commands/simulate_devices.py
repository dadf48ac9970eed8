"""Drive real heartbeats and events through the device endpoint of a running server (loopback only).

python manage.py simulate_devices --url http://127.0.0.1:8000 --devices 5 --duration 10
"""

from __future__ import annotations

import http.client
import json
import math
import random
import time
from collections import Counter
from typing import Any
from urllib.parse import urlparse

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from jiaoyun.core.errors import DomainError
from jiaoyun.safety import conf, device_protocol
from jiaoyun.safety.choices import DeviceKind
from jiaoyun.safety.services import devices_provision_simulator

LOOPBACK = {"127.0.0.1", "localhost", "::1"}
EVENT_FOR_KIND = {
    DeviceKind.ALARM: "alarm_pressed",
    DeviceKind.ACCESS: "door_forced",
    DeviceKind.CAMERA: "camera_offline",
}


def post(
    url: str,
    device: tuple[str, str] | None,
    body: dict[str, Any],
    timeout: float = 5.0,
    *,
    timestamp: int | None = None,
    nonce: str | None = None,
) -> int:
    """POST ``body`` signed as ``device`` = (serial, token), or unsigned when None (``device_protocol``).

    Plain ``http.client`` to the host of ``url`` (http or https only; ``handle`` allows loopback hosts only)."""
    target = urlparse(url)
    if target.scheme not in ("http", "https") or not target.hostname:
        raise CommandError("只能向 http/https 地址发送")
    data = json.dumps(body).encode("utf-8")
    headers = {"Content-Type": "application/json"}
    if device is not None:
        serial, token = device
        headers |= device_protocol.sign(
            serial=serial, token=token, method="POST", path=target.path, body=data, timestamp=timestamp, nonce=nonce
        )
    connection_class = http.client.HTTPSConnection if target.scheme == "https" else http.client.HTTPConnection
    connection = connection_class(target.hostname, target.port, timeout=timeout)
    try:
        connection.request("POST", target.path or "/", body=data, headers=headers)
        return int(connection.getresponse().status)
    finally:
        connection.close()


class Command(BaseCommand):
    help = "模拟安防设备向 /devices/ 接口发送心跳和事件（仅限本机地址）"

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("--url", default="http://127.0.0.1:8000", help="服务器地址（仅限127.0.0.1/localhost）")
        parser.add_argument("--devices", type=int, default=5, help="模拟设备数量（1–200）")
        parser.add_argument("--duration", type=float, default=10.0, help="运行秒数（最多3600）")
        parser.add_argument("--interval", type=float, default=1.0, help="每轮心跳间隔秒数")
        parser.add_argument("--event-rate", type=float, default=0.1, help="每台设备每轮上报事件的概率")
        parser.add_argument("--seed", type=int, default=None)

    def handle(self, *args, **opts):  # type: ignore[no-untyped-def]
        parsed = urlparse(opts["url"])
        if parsed.scheme not in ("http", "https") or parsed.hostname not in LOOPBACK:
            raise CommandError("--url 只能指向本机回环地址（127.0.0.1、localhost、::1）")
        n = opts["devices"]
        if not 1 <= n <= 200:
            raise CommandError("--devices 应在1到200之间")
        duration = min(max(opts["duration"], 0.0), 3600.0)
        interval = max(opts["interval"], 0.05)
        rng = random.Random(opts["seed"])  # noqa: S311 - simulated traffic, reproducible by --seed; no secret
        base = opts["url"].rstrip("/")
        try:
            devices = devices_provision_simulator(count=n, interval_seconds=max(int(interval * 5), 5))
        except DomainError as exc:
            raise CommandError(str(exc))
        self.stdout.write(f"模拟设备{len(devices)}台，目标 {base}/devices/，运行{duration:g}秒")

        stats: Counter[str] = Counter()
        # Messages the endpoint must refuse: unsigned, signed by one device for another, replayed, stale.
        first = (devices[0][0].serial, devices[0][1])
        heartbeat_url = f"{base}/devices/heartbeat"
        stats[f"无签名→{post(heartbeat_url, None, {'serial': first[0]})}"] += 1
        if len(devices) > 1:
            other = devices[1][0].serial
            stats[f"冒用签名→{post(heartbeat_url, first, {'serial': other})}"] += 1
        nonce = "sim-replay-" + timezone.now().strftime("%Y%m%d%H%M%S%f")
        replayed = {"serial": first[0]}
        stats[f"首次发送→{post(heartbeat_url, first, replayed, nonce=nonce)}"] += 1
        stats[f"重放消息→{post(heartbeat_url, first, replayed, nonce=nonce)}"] += 1
        window = int(conf.get("SAFETY_DEVICE_MESSAGE_WINDOW_SECONDS"))
        stale = int(time.time()) - window - 60
        stats[f"过期消息→{post(heartbeat_url, first, replayed, timestamp=stale)}"] += 1

        rounds = max(1, math.ceil(duration / interval)) if duration > 0 else 1
        deadline = time.monotonic() + duration
        for r in range(rounds):
            for device, token in devices:
                now = timezone.now().isoformat()
                status = post(heartbeat_url, (device.serial, token), {"serial": device.serial, "at": now})
                stats[f"心跳→{status}"] += 1
                if rng.random() < opts["event_rate"]:
                    kind = EVENT_FOR_KIND[DeviceKind(device.kind)]
                    body = {
                        "serial": device.serial,
                        "kind": kind,
                        "at": now,
                        "payload": {"simulated": True, "round": r},
                    }
                    stats[f"事件{kind}→{post(f'{base}/devices/events', (device.serial, token), body)}"] += 1
            if time.monotonic() >= deadline:
                break
            time.sleep(max(0.0, min(interval, deadline - time.monotonic())))

        self.stdout.write(f"{'请求':<28}{'次数':>6}")
        for key, count in sorted(stats.items()):
            self.stdout.write(f"{key:<28}{count:>6}")
