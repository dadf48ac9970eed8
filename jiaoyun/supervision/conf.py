"""Module settings ([U] values: local practice, not regulation), overridable through ``settings.JIAOYUN``."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings

DEFAULTS: dict[str, Any] = {
    # An overdue plan task or 整改 climbs one alert level per this many days overdue (逐级: owner → 督导室 → 局长).
    "SUPERVISION_ESCALATION_DAYS": 7,
    # The highest alert level (0 the owner, 1 + 督导室, 2 + the 县局管理员/局长).
    "SUPERVISION_MAX_LEVEL": 2,
    # Default weights of a new year's assessment (points; the 督导室 edits them on the assessment page).
    "SUPERVISION_WEIGHTS": {
        "township": {"targets": 25, "dropout": 20, "safety": 15, "projects": 15, "plan": 10, "rectify": 15},
        "school": {"targets": 20, "dropout": 25, "safety": 25, "plan": 10, "rectify": 20},
    },
    # A 整改's default deadline: this many days after the visit that found it.
    "SUPERVISION_RECTIFY_DAYS": 30,
}


def get(key: str) -> Any:
    return getattr(settings, "JIAOYUN", {}).get(key, DEFAULTS[key])


def default_weights() -> dict[str, dict[str, Decimal]]:
    return {level: {k: Decimal(str(v)) for k, v in w.items()} for level, w in get("SUPERVISION_WEIGHTS").items()}
