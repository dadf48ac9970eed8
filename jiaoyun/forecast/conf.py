"""Settings of the enrolment forecast, overridable via ``settings.JIAOYUN`` under the same name.

e.g. ``JIAOYUN = {..., "FORECAST_WINDOW": 4}``. docs/forecast.md explains each.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings

DEFAULTS: dict[str, Any] = {
    # School years projected beyond the last observed one.
    "FORECAST_HORIZON": 10,
    # School-year transitions the rates are estimated from (the last N before the base year).
    "FORECAST_WINDOW": 3,
    # School years of history shown beside the projection (and available to the back-test).
    "FORECAST_HISTORY": 10,
    # Age (周岁 at 31 December, as PopulationCell counts them) whose population a level's first grade is set against.
    "FORECAST_ENTRY_AGE": {"preschool": 3, "primary": 6},
    # Population register read: "hukou" (户籍, what the police roll gives) or "resident" (常住).
    "FORECAST_POPULATION_SOURCE": "hukou",
    # Births: the yearly trend over the last N recorded years, held within ± the cap per year.
    "FORECAST_BIRTH_TREND_YEARS": 5,
    "FORECAST_BIRTH_TREND_CAP": 0.08,
    # Back-test: project this many years from an earlier base year and compare with what happened.
    "FORECAST_BACKTEST_YEARS": 5,
    # The year of the projection the page, the bulletin and the shortfall list look at ("in five years").
    "FORECAST_FOCUS_YEARS": 5,
    # The month whose scheduled run reads every census year from the events again (late records of closed years);
    # the other months' runs refresh only the latest census year.
    "FORECAST_REBUILD_MONTH": 10,
    # Seats used above this share count as 紧张 (tight) though not yet short.
    "FORECAST_TIGHT_SHARE": 0.95,
}


def get(key: str) -> Any:
    overrides = getattr(settings, "JIAOYUN", {}) or {}
    if key in overrides:
        return overrides[key]
    return DEFAULTS[key]
