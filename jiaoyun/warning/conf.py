"""Settings of 辍学预警 ([U] values) with defaults; override through ``settings.JIAOYUN``."""

from __future__ import annotations

from typing import Any

from django.conf import settings

DEFAULTS: dict[str, Any] = {
    # The county's follow-up capacity: the share of pupils (top k by risk) that can be visited in a year.
    "WARNING_CAPACITY": 0.02,
    # The gate: a learned model is used only if its mean AUC on the held-out years beats the baseline's by at
    # least this much, its mean recall at capacity is not lower, and its ECE is at most the tolerance.
    "WARNING_GATE_MIN_GAIN": 0.01,
    "WARNING_ECE_TOLERANCE": 0.005,
    # Two targetings are "as good" when their mean recall at capacity differ by at most this much (the simpler wins).
    "WARNING_AS_GOOD": 0.02,
    # The yearly snapshot: features on this (month, day) of the school year, outcome = 辍学 in the next 12 months.
    "WARNING_SNAPSHOT": (10, 1),
    # The labelled school years used (the latest ones): older registers are less complete and less like today.
    "WARNING_YEARS": 6,
    # The absence windows (days): the recent one and the one before it (the trend compares them).
    "WARNING_ABSENCE_DAYS": 30,
    # Days a preventive follow-up has to be done (家访/谈心) once opened.
    "WARNING_FOLLOWUP_DAYS": 14,
    # Baseline (ABC rules): points per indicator; a pupil is flagged at ``WARNING_BASELINE_FLAG`` points.
    "WARNING_BASELINE_ABSENT_DAYS": 5,  # A: unexcused/any absence days in the recent window
    "WARNING_BASELINE_LOW_SCORE": 60.0,  # C: term result below this (percent)
    "WARNING_BASELINE_FLAG": 2,
    # Ten bins of the reliability curve / ECE.
    "WARNING_ECE_BINS": 10,
}


def get(key: str) -> Any:
    return settings.JIAOYUN.get(key, DEFAULTS[key])
