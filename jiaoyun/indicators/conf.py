"""Settings of the indicators module ([U] choices of REFERENCE.md §1), overridable via ``settings.JIAOYUN``.

Every key below may be set in ``settings.JIAOYUN`` under the same name, e.g.
``JIAOYUN = {..., "INDICATOR_SENIOR_AGES": (15, 18)}``.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings

DEFAULTS: dict[str, Any] = {
    # Age bands (周岁, inclusive) of the population bases.
    "INDICATOR_PRESCHOOL_AGES": (3, 5),
    "INDICATOR_PRIMARY_AGES": (6, 11),
    "INDICATOR_JUNIOR_AGES": (12, 14),
    "INDICATOR_SENIOR_AGES": (15, 17),
    # The date on which a child's age is taken (month, day of the census year). 31 December matches
    # PopulationCell, whose counts are ages at 31 December of the calendar year.
    "INDICATOR_AGE_REFERENCE_MONTH_DAY": (12, 31),
    # Which population register is the denominator of population-based rates: "hukou" or "resident".
    "INDICATOR_POPULATION_SOURCE": "hukou",
    # 九年/初中三年巩固率: adjust the cohort denominator by transfers in/out of the county and deaths.
    "INDICATOR_RETENTION_ADJUSTED": True,
    # 年辍学率: does a child who dropped out during the school year and was persuaded back (劝返复学) within it
    # count among the year's dropouts? True follows the definition of REFERENCE §1.5 (学年内辍学学生总数 ÷
    # 上学年初在校学生数, 《简明中小学教育词典》); False counts only those still out at the end of the window
    # (the 两基 flow formula, which nets returns out as 其他增加). Either way "仍失学 N" is shown beside the rate.
    "INDICATOR_DROPOUT_COUNT_RETURNED": True,
    # 高中阶段毛入学率: count the county's youths (hukou in the county) studying at senior level (普通高中, 中职)
    # outside it, by a 外县就读 event with that 就读学段 recorded in the school year or the two before. REFERENCE §1.3
    # defines the rate by 高中阶段在校生 and is silent on where; counties report against the plan's target with the
    # 学籍 of their own youths wherever they study (the provincial method "本省生源高中在学人数"), so the default
    # counts them. The page shows the difference ("含外县就读 N 人") either way.
    "INDICATOR_SENIOR_COUNT_OUT_OF_COUNTY": True,
    # Class-size bands (students per class) among primary and junior classes.
    "INDICATOR_LARGE_CLASS": (56, 65),
    "INDICATOR_SUPER_LARGE_CLASS_MIN": 66,
    # A figure within this many percentage points of its target is 临界 (at risk).
    "INDICATOR_AT_RISK_MARGIN": 1.0,
    # The plan rule "not below the city (保山市) average": the effective target is max(target, city value).
    "INDICATOR_TARGET_AT_LEAST_CITY": True,
    # PostgreSQL work_mem of a recompute's transaction (SET LOCAL), so its sorts and aggregates stay in memory.
    "INDICATOR_WORK_MEM": "256MB",
    # … and of its one pass over the events: enough for the spans' hash table (a few hundred thousand groups at
    # a hundred times the demo county), small enough for the table to stay in the CPU caches.
    "INDICATOR_SPANS_WORK_MEM": "32MB",
    # The incremental path (ADR 0043): a full recompute of every indicator keeps its facts, and a 学籍
    # correction updates the figures of the school years it touches in its own transaction. False: a correction
    # queues a full recompute of the current school year instead (the behaviour before the path existed).
    "INDICATOR_INCREMENTAL": True,
    # … for at most this many students in one write (an import of more queues the full recompute).
    "INDICATOR_INCREMENTAL_MAX_STUDENTS": 2000,
    # A drill-down page counts its figure's composition (and by-school breakdown) over the whole place from the
    # 学籍 chain; the counts are reused for this many seconds by the page's tabs and pages, and counted again at once
    # when the stored figure changes (docs/indicators.md). 0: counted on every view.
    "INDICATOR_DRILL_CACHE_SECONDS": 60,
    # How many school years the dashboard trends and a full recompute cover.
    "INDICATOR_TREND_YEARS": 10,
}


def get(key: str) -> Any:
    overrides = getattr(settings, "JIAOYUN", {}) or {}
    if key in overrides:
        return overrides[key]
    return DEFAULTS[key]
