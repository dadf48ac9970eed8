"""Module settings ([U] values of REFERENCE.md §3) with defaults; override through ``settings.JIAOYUN``."""

from __future__ import annotations

from typing import Any

from django.conf import settings

DEFAULTS: dict[str, Any] = {
    # 适龄儿童少年: aged MIN..MAX (周岁) on the entry cut-off date (month, day) of the school year.
    "DROPOUT_AGE_MIN": 6,
    "DROPOUT_AGE_MAX": 15,
    "DROPOUT_CUTOFF_MONTH_DAY": (8, 31),
    # 名在人不在: unexcused absence on this many consecutive school days makes a suspected dropout.
    "DROPOUT_ABSENCE_DAYS": 5,
    # Days allowed for each step of the 四步法 (宣传教育, 责令改正, 行政处罚, 诉讼/强制执行).
    "DROPOUT_STEP_DAYS": {1: 7, 2: 15, 3: 30, 4: 60},
    # An overdue step climbs one level up each line at most once per this many days.
    "DROPOUT_ESCALATION_DAYS": 7,
    # 巩固观察: months of follow-up after a return before the case may be closed (销号).
    "DROPOUT_OBSERVE_MONTHS": 3,
    # Document numbers: 〔year〕 prefix per document kind.
    "DROPOUT_DOC_PREFIX": {"return_notice": "施教复", "correction_notice": "施教责"},
    # Monthly bulletin: 约谈 when a township has at least this many overdue steps or cases still out;
    # 限期整改 for schools with at least this many overdue steps.
    "DROPOUT_INTERVIEW_OVERDUE": 5,
    "DROPOUT_INTERVIEW_STILL_OUT": 10,
    "DROPOUT_RECTIFY_OVERDUE": 1,
    # 表扬: no overdue step and at least this share (percent) of confirmed cases back in school.
    "DROPOUT_COMMEND_RATE": 80.0,
}


def get(key: str) -> Any:
    return settings.JIAOYUN.get(key, DEFAULTS[key])
