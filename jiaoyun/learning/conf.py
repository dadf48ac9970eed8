"""Module settings ([U] values) with defaults; override through ``settings.JIAOYUN``."""

from __future__ import annotations

from typing import Any

from django.conf import settings

DEFAULTS: dict[str, Any] = {
    # homePage of the county platform used in xAPI ``account`` actors (name = a pupil's pseudonymous learning account,
    # ``LearnerPseudonym.name``, or a teacher's 教职工号).
    "XAPI_HOMEPAGE": "https://jiaoyun.shidian.gov.cn",
    # Largest batch of statements accepted in one POST (bigger batches are refused with 413).
    "XAPI_MAX_BATCH": 1000,
    # Default and largest page of a statement query (``limit``).
    "XAPI_PAGE_SIZE": 100,
    "XAPI_MAX_PAGE_SIZE": 500,
    # Activity ids or context.platform values marking an in-class (课堂) record rather than online learning.
    "XAPI_IN_CLASS_PLATFORMS": ("课堂", "classroom"),
    "XAPI_IN_CLASS_EXTENSION": "https://jiaoyun.shidian.gov.cn/xapi/extensions/in-class",
}


def get(key: str) -> Any:
    return getattr(settings, "JIAOYUN", {}).get(key, DEFAULTS[key])
