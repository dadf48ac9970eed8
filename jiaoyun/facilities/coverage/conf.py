"""Settings of the preschool layout ([U] values), overridable through ``settings.JIAOYUN``."""

from __future__ import annotations

from typing import Any

from django.conf import settings

DEFAULTS: dict[str, Any] = {
    # 一村一幼: a village is covered when a kindergarten or a preschool class lies in it or within this straight-line
    # distance (km, from the school's coordinates to the village's centre). No national figure exists for rural
    # villages; 2 km is about half an hour's walk with a three-year-old. A county sets its own.
    "COVERAGE_DISTANCE_KM": 2.0,
    # 一乡一中心: a public kindergarten is a township's centre when marked 中心校 (is_central) or named so.
    "COVERAGE_CENTRAL_NAMES": ("中心幼儿园",),
    # … and in the county seat any public kindergarten counts (the 县直 kindergartens are the seat's centre).
    "COVERAGE_SEAT_ANY_PUBLIC": True,
    # 普惠 capacity: the target share (percent) of children aged 3–5 with a seat in a 公办 or 普惠性民办
    # kindergarten. The county plan gives no number; 80% is the national 2020 target for 普惠性幼儿园覆盖率
    # (docs/finance.md → 学前布局).
    "COVERAGE_INCLUSIVE_TARGET": 80.0,
}


def get(key: str) -> Any:
    overrides = getattr(settings, "JIAOYUN", {}) or {}
    if key in overrides:
        return overrides[key]
    return DEFAULTS[key]
