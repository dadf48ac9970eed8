"""Delivery settings with defaults; override through ``settings.JIAOYUN``."""

from __future__ import annotations

from typing import Any

from django.conf import settings

DEFAULTS: dict[str, Any] = {
    # A failed send is tried again after BACKOFF, 2×BACKOFF, 4×BACKOFF … seconds (at most BACKOFF_CAP), and
    # given up (状态“发送失败”) after MAX_ATTEMPTS tries.
    "NOTICES_MAX_ATTEMPTS": 5,
    "NOTICES_BACKOFF_SECONDS": 60,
    "NOTICES_BACKOFF_CAP_SECONDS": 3600,
    # Seconds a webhook or the SMS gateway may take to answer.
    "NOTICES_TIMEOUT_SECONDS": 5,
    # Rows planned or sent per run of the delivery job (a group robot takes at most 20 messages a minute).
    "NOTICES_BATCH": 100,
    # The platform's address, put before the links in robot, email and SMS messages ("" = relative links).
    "NOTICES_SITE_URL": "",
    # The SMS gateway: a dotted path of a ``jiaoyun.notices.channels.SmsGateway`` class ("" = no SMS), its URL
    # and token (``HttpSmsGateway`` posts JSON with a bearer token).
    "NOTICES_SMS_GATEWAY": "",
    "NOTICES_SMS_URL": "",
    "NOTICES_SMS_TOKEN": "",
    # Bridged module alerts: how many days back the bridge looks for 控辍保学 step alerts and offline devices.
    "NOTICES_BRIDGE_DAYS": 7,
}


def get(key: str) -> Any:
    return getattr(settings, "JIAOYUN", {}).get(key, DEFAULTS[key])
