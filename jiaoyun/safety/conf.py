"""Module settings ([U] values of REFERENCE.md §8), overridable through ``settings.JIAOYUN``."""

from __future__ import annotations

from typing import Any

from django.conf import settings

DEFAULTS: dict[str, Any] = {
    # GB/T 29315: video retention in days (≥30 under the 2012 edition; some read the 2022 edition as 90).
    "SAFETY_VIDEO_RETENTION_DAYS": 30,
    # Local rule: guards must be younger than this.
    "SAFETY_GUARD_MAX_AGE": 60,
    # 留样: at least this many grams per dish, kept at least this many hours.
    "SAFETY_SAMPLE_MIN_GRAMS": 125,
    "SAFETY_SAMPLE_MIN_HOURS": 48,
    # An overdue hazard climbs one level (school → township → county) at most once per this many days.
    "SAFETY_ESCALATION_DAYS": 7,
    # Default heartbeat interval of a device, in seconds.
    "SAFETY_DEVICE_INTERVAL_SECONDS": 300,
    # Device messages: refused when signed longer ago than this many seconds (and their nonces kept this long) …
    "SAFETY_DEVICE_MESSAGE_WINDOW_SECONDS": 300,
    # … or dated further in the future than this clock skew.
    "SAFETY_DEVICE_CLOCK_SKEW_SECONDS": 60,
    # A canteen inspection scoring below this (percent) counts as failing.
    "SAFETY_CANTEEN_PASS_SCORE": 80,
}


def get(key: str) -> Any:
    return settings.JIAOYUN.get(key, DEFAULTS[key])
