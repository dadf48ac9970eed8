"""Demo data of the indicators module: the 2021 plan targets of the county, then a full recompute."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from jiaoyun.areas.choices import AreaLevel
from jiaoyun.areas.models import Area
from jiaoyun.core.schoolyear import SchoolYear
from jiaoyun.indicators.compute import Period, default_as_of
from jiaoyun.indicators.models import Target
from jiaoyun.indicators.services import indicators_compute

PLAN_2021 = {"preschool_gross": 85.0, "retention_9y": 97.0, "senior_gross": 92.0}
# 施甸县教育体育局2021年工作计划 (published 2020-11-30), 三、工作目标: "学前三年毛入园率达到85%以上，九年义务教育巩固率
# 达到97%以上，高中阶段毛入学率达到92%以上，各项指标达全市平均水平".
PLAN_SOURCE = "施甸县教育体育局2021年工作计划 三、工作目标（各项指标达全市平均水平）"
OLD_PLAN_SOURCE = "2021年工作要点 三、目标任务（且不低于保山市平均水平）"


def seed_targets() -> None:
    """The 2021 plan targets for the county; they stand for later years until a new target is set."""
    county = Area.objects.filter(level=AreaLevel.COUNTY).first()
    if county is None:
        return
    for code, value in PLAN_2021.items():
        Target.objects.update_or_create(
            code=code, area=county, school_year=2021, defaults={"value": value, "source": PLAN_SOURCE}
        )


def generate(*, rng: random.Random, scale: int, stdout: Any, today: dt.date) -> None:
    seed_targets()
    current = SchoolYear.of(today)
    years = [current.shift(-k) for k in range(9, -1, -1)]
    periods = [Period(y, today if y == current else default_as_of(y, today)) for y in years]
    run = indicators_compute(periods=periods, triggered_by="demo_data")
    stdout.write(f"指标：{len(periods)}个学年，写入{run.rows}行，用时{run.seconds}秒\n")
