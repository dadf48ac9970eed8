"""Settings of the projects module ([U]: the county may change them in ``settings.JIAOYUN``)."""

from __future__ import annotations

from typing import Any

from django.conf import settings

DEFAULTS: dict[str, Any] = {
    # A late milestone is escalated one level for each full stretch of this many days it stays late
    # (owner → 计划财务股 → 县局管理员/局长).
    "FACILITIES_ESCALATE_DAYS": 7,
    # The 2021 plan's counts (四(一)): 县城新建幼儿园6所（其中民办3所）, 农村新建和改扩建幼儿园22所.
    "FACILITIES_PLAN_TARGETS": {"seat_kg": 6, "seat_kg_private": 3, "rural_kg": 22},
    # Payments due: a contract with money left to pay whose project reached 竣工验收 this many days ago or more
    # is listed on the 计划财务股's 待办.
    "FACILITIES_PAYMENT_DUE_DAYS": 30,
}


def get(key: str) -> Any:
    return getattr(settings, "JIAOYUN", {}).get(key, DEFAULTS[key])
