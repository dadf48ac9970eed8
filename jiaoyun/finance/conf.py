"""Settings of the finance module ([U] values of REFERENCE.md §9), overridable through ``settings.JIAOYUN``.

The 生均公用经费基准定额 is data that changes by year and level: ``FINANCE_BENCHMARKS`` maps a level to
``[(first year, 元/生/年), …]``; the amount of a year is that of the latest entry not after it. The defaults
are the national floors for the 中西部 (Yunnan): 2016 unified 城乡 base 小学 600 / 初中 800, 特教 6000; from
2022 小学 650 / 初中 850, 特教 7000 (docs/finance.md gives the sources). A province's higher 定额 (or one for
普通高中, 中职, 学前) goes into ``settings.JIAOYUN``.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings

DEFAULTS: dict[str, Any] = {
    "FINANCE_BENCHMARKS": {
        "primary": [(2016, Decimal("600")), (2022, Decimal("650"))],
        "junior": [(2016, Decimal("800")), (2022, Decimal("850"))],
        "special": [(2016, Decimal("6000")), (2022, Decimal("7000"))],
    },
    # The entered 在校生数 and the registry's may differ (students out of the registry, counting day); above this
    # share (percent) of difference the page flags the year.
    "FINANCE_STUDENTS_TOLERANCE": Decimal("2"),
    # How many budget years the dashboard shows.
    "FINANCE_YEARS_SHOWN": 8,
}


def get(key: str) -> Any:
    overrides = getattr(settings, "JIAOYUN", {}) or {}
    if key in overrides:
        return overrides[key]
    return DEFAULTS[key]


def benchmark(level: str, year: int) -> Decimal | None:
    """The 生均公用经费基准定额 of ``level`` in ``year`` (元/生/年), or None when the county has none for it."""
    amount: Decimal | None = None
    for first, value in sorted(get("FINANCE_BENCHMARKS").get(level, ())):
        if first <= year:
            amount = Decimal(str(value))
    return amount
