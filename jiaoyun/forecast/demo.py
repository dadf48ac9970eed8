"""Demo: one forecast run from the demo county's registry and population.

Nothing is adjusted for the forecast: the demo's seat township 甸阳镇 has births growing 5 % a year, pupils moving
in from the other townships and migrant children arriving, against seats set 10–30 % above today's roll, so its
学前 and 小学 seats run short within five years while the shrinking remote townships keep room to spare."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from jiaoyun.forecast.selectors import county_shortfalls
from jiaoyun.forecast.services import forecast_compute


def generate(*, rng: random.Random, scale: int, stdout: Any, today: dt.date) -> None:
    run = forecast_compute(today=today, triggered_by="demo")
    short = [f"{r.name}{r.level_label}" for r in county_shortfalls(run=run)]
    stdout.write(
        f"  学位预测：基准{run.base_year}学年，预测{run.horizon}年，用时{run.seconds}秒；"
        f"五年后学位不足：{'、'.join(short) or '无'}\n"
    )
