"""The device endpoint: devices authenticate with ``Authorization: Bearer <token>`` and post JSON.

    POST /devices/heartbeat  {"serial": "…", "at": "2026-11-28T10:00:00+08:00"}            → 200
    POST /devices/events     {"serial": "…", "kind": "alarm_pressed", "at": "…", "payload": {}} → 201

Missing or wrong token → 401; a token used for another device's serial → 403.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from jiaoyun.core.errors import DomainError
from jiaoyun.safety.models import Device
from jiaoyun.safety.services import device_authenticate, device_event_record, device_heartbeat

MAX_BODY = 64 * 1024


def _error(status: int, detail: str) -> JsonResponse:
    resp = JsonResponse({"detail": detail}, status=status)
    if status == 401:
        resp["WWW-Authenticate"] = 'Bearer realm="devices"'
    return resp


def _parse(request: HttpRequest) -> tuple[Device | None, dict[str, Any] | JsonResponse]:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None, _error(401, "缺少设备令牌（Authorization: Bearer <token>）")
    device = device_authenticate(token.strip())
    if device is None:
        return None, _error(401, "设备令牌无效")
    if len(request.body) > MAX_BODY:
        return device, _error(400, "请求体过大")
    try:
        body = json.loads(request.body or b"{}")
    except (ValueError, UnicodeDecodeError):
        return device, _error(400, "请求体不是有效的JSON")
    if not isinstance(body, dict):
        return device, _error(400, "请求体应为JSON对象")
    serial = body.get("serial")
    if serial is not None and serial != device.serial:
        return device, _error(403, "该令牌不属于此设备")
    return device, body


def _when(body: dict[str, Any]) -> dt.datetime | None | JsonResponse:
    raw = body.get("at")
    if raw in (None, ""):
        return None
    parsed = parse_datetime(str(raw)) if isinstance(raw, str) else None
    if parsed is None:
        return _error(400, "时间“at”格式无效，应为ISO 8601")
    if timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed)
    return parsed


@csrf_exempt
@require_POST
def heartbeat(request: HttpRequest) -> JsonResponse:
    device, body = _parse(request)
    if isinstance(body, JsonResponse):
        return body
    assert device is not None
    at = _when(body)
    if isinstance(at, JsonResponse):
        return at
    device = device_heartbeat(device=device, at=at)
    return JsonResponse({"ok": True, "serial": device.serial, "online": device.is_online})


@csrf_exempt
@require_POST
def events(request: HttpRequest) -> JsonResponse:
    device, body = _parse(request)
    if isinstance(body, JsonResponse):
        return body
    assert device is not None
    at = _when(body)
    if isinstance(at, JsonResponse):
        return at
    payload = body.get("payload") or {}
    if not isinstance(payload, dict):
        return _error(400, "payload应为JSON对象")
    try:
        event = device_event_record(device=device, kind=str(body.get("kind", "")), occurred_at=at, payload=payload)
    except DomainError as exc:
        return _error(400, str(exc))
    return JsonResponse({"ok": True, "id": event.pk}, status=201)
