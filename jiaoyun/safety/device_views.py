"""The device endpoint: each message is signed by the device (HMAC-SHA256 keyed with its token, see
``jiaoyun.safety.device_protocol`` and docs/security/devices.md) and carries a timestamp and a nonce.

    POST /devices/heartbeat  {"serial": "…", "at": "2026-11-28T10:00:00+08:00"}            → 200
    POST /devices/events     {"serial": "…", "kind": "alarm_pressed", "at": "…", "payload": {}} → 201

Missing or invalid signature headers, unknown device, a message signed outside the time window or a nonce seen
before → 401 (audited, at most once per device and address per minute); a body naming another device → 403.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from jiaoyun.core.errors import DomainError
from jiaoyun.safety import device_protocol
from jiaoyun.safety.models import Device
from jiaoyun.safety.services import (
    DeviceAuthError,
    device_auth_failure_record,
    device_event_record,
    device_heartbeat,
    device_message_authenticate,
)

MAX_BODY = 64 * 1024


def _error(status: int, detail: str) -> JsonResponse:
    resp = JsonResponse({"detail": detail}, status=status)
    if status == 401:
        resp["WWW-Authenticate"] = 'JY-HMAC-SHA256 realm="devices"'
    return resp


def _parse(request: HttpRequest) -> tuple[Device | None, dict[str, Any] | JsonResponse]:
    if len(request.body) > MAX_BODY:
        return None, _error(400, "请求体过大")
    serial = request.headers.get(device_protocol.SERIAL, "").strip()
    try:
        device = device_message_authenticate(
            serial=serial,
            timestamp=request.headers.get(device_protocol.TIMESTAMP, "").strip(),
            nonce=request.headers.get(device_protocol.NONCE, "").strip(),
            signature=request.headers.get(device_protocol.SIGNATURE, "").strip(),
            method=request.method or "POST",
            path=request.path,
            body=request.body,
        )
    except DeviceAuthError as exc:
        device_auth_failure_record(serial=serial[:50], ip=request.META.get("REMOTE_ADDR"), reason=str(exc))
        return None, _error(401, str(exc))
    try:
        body = json.loads(request.body or b"{}")
    except (ValueError, UnicodeDecodeError):
        return device, _error(400, "请求体不是有效的JSON")
    if not isinstance(body, dict):
        return device, _error(400, "请求体应为JSON对象")
    named = body.get("serial")
    if named is not None and named != device.serial:
        return device, _error(403, "该签名不属于此设备")
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


Message = tuple[Device, dict[str, Any], dt.datetime | None]


def _message(request: HttpRequest) -> Message | JsonResponse:
    """The authenticated device, its JSON body and the time it names; or the error response."""
    device, body = _parse(request)
    if isinstance(body, JsonResponse):
        return body
    if device is None:  # not reached: _parse returns a device with every body
        return _error(401, "设备未通过认证")
    at = _when(body)
    if isinstance(at, JsonResponse):
        return at
    return device, body, at


def _endpoint(handle: Callable[[Device, dict[str, Any], dt.datetime | None], JsonResponse]) -> Callable[..., Any]:
    """A device endpoint: POST only, no CSRF token (the signature authenticates), ``handle`` gets the message."""

    @csrf_exempt
    @require_POST
    @functools.wraps(handle)
    def view(request: HttpRequest) -> JsonResponse:
        message = _message(request)
        return message if isinstance(message, JsonResponse) else handle(*message)

    return view


@_endpoint
def heartbeat(device: Device, body: dict[str, Any], at: dt.datetime | None) -> JsonResponse:
    device = device_heartbeat(device=device, at=at)
    return JsonResponse({"ok": True, "serial": device.serial, "online": device.is_online})


@_endpoint
def events(device: Device, body: dict[str, Any], at: dt.datetime | None) -> JsonResponse:
    payload = body.get("payload") or {}
    if not isinstance(payload, dict):
        return _error(400, "payload应为JSON对象")
    try:
        event = device_event_record(device=device, kind=str(body.get("kind", "")), occurred_at=at, payload=payload)
    except DomainError as exc:
        return _error(400, str(exc))
    return JsonResponse({"ok": True, "id": event.pk}, status=201)
