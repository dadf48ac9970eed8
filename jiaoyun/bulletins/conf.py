"""Settings of the monthly 督查通报 with defaults; override through ``settings.JIAOYUN``.

The escalation ladder (逐级追究, seed part 五 "对工作不力、未能按期完成任务的进行约谈、通报,并限期整改,如整改仍未
完成目标任务的,将逐级追究相关责任人的责任") is data: each rung is a level with its decision, the days given to
rectify, and whether the decision is also reported (通报) to the addressee's next level up.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings

DEFAULTS: dict[str, Any] = {
    "BULLETIN_LADDER": [
        {"level": 1, "kind": "notice", "days": 30, "report_up": False},
        {"level": 2, "kind": "interview", "days": 30, "report_up": False},
        {"level": 3, "kind": "rectify", "days": 30, "report_up": True},
    ],
    # A decision on the same addressee and matter in the bulletins of this many months before makes a new one a
    # repeat (整改仍未完成目标任务): it climbs one rung above the earlier one. One that went overdue always counts.
    "BULLETIN_REPEAT_MONTHS": 3,
    # 校园安全: a township with at least this many hazards overdue at the month's end is 通报批评.
    "BULLETIN_SAFETY_OVERDUE": 3,
}


def get(key: str) -> Any:
    return getattr(settings, "JIAOYUN", {}).get(key, DEFAULTS[key])


def ladder() -> list[dict[str, Any]]:
    return sorted((dict(r) for r in get("BULLETIN_LADDER")), key=lambda r: int(r["level"]))


def rung(level: int) -> dict[str, Any]:
    rungs = ladder()
    for r in rungs:
        if int(r["level"]) == level:
            return r
    return rungs[-1] if level > int(rungs[-1]["level"]) else rungs[0]


def level_of(kind: str) -> int:
    for r in ladder():
        if r["kind"] == kind:
            return int(r["level"])
    raise KeyError(kind)


def top_level() -> int:
    return int(ladder()[-1]["level"])
