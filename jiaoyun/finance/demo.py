"""Demo data of the finance module: the 计财股 login and six budget years of believable county figures.

The figures are of the size of a county of about 340 000 people (一般公共预算教育支出 about 6–8 亿元, 财政经常性收入
about 9–12 亿元); the 在校生数 are the registry's counts (the indicators are computed before this hook), so the
entered and the registry's counts agree within a few pupils. One year (three years back) fails two checks: its
education spending grew more slowly than the recurrent revenue, and the teachers' pay fell below the civil
servants' — the story a 计财股 has to explain in its report to the county government.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.contrib.auth.hashers import make_password
from django.utils import timezone

from jiaoyun.core.choices import Role, Section
from jiaoyun.core.models import User
from jiaoyun.finance import conf
from jiaoyun.finance.models import FinanceYear, LevelFigure
from jiaoyun.finance.selectors import registry_students
from jiaoyun.schools.choices import Level

PASSWORD = "Jiaoyun2021"  # noqa: S105 - the published demo password (demo data only)
YEARS = 6
# Pupils per level when the registry has no count for a year (scale 1).
FALLBACK = {"preschool": 9000, "primary": 24000, "junior": 12000, "senior": 5200, "vocational": 2600, "special": 120}
# 生均一般公共预算教育经费 (元) of the first year, and 生均公用经费 where there is no 基准定额.
PER_STUDENT = {"preschool": 6200, "primary": 10800, "junior": 13900, "senior": 12800, "vocational": 15600,
               "special": 42000}  # fmt: skip
PUBLIC_NO_BENCHMARK = {"preschool": 560, "senior": 1000, "vocational": 1150}
CENT = Decimal("0.01")


def _yuan(x: float) -> Decimal:
    return Decimal(str(x)).quantize(CENT, ROUND_HALF_UP)


def ensure_user() -> User:
    """The 计财股 demo login (the projects module may have created it already)."""
    user, created = User.objects.get_or_create(
        username="finance",
        defaults={"role": Role.BUREAU_STAFF, "section": Section.FINANCE, "display_name": "计划财务股",
                  "password": make_password(PASSWORD), "password_changed_at": timezone.now()},
    )  # fmt: skip
    return user


def generate(*, rng: random.Random, scale: int, stdout: Any, today: dt.date) -> None:
    ensure_user()
    if FinanceYear.objects.exists():
        return
    last = today.year - 1  # the budget years that have closed
    years = list(range(last - YEARS + 1, last + 1))
    failing = last - 2
    registry = registry_students(years)
    spending, revenue = 610_000_000.0 * scale, 905_000_000.0 * scale
    teacher, civil = 86_400.0, 85_100.0
    created = 0
    for n, year in enumerate(years):
        if n:
            g_rev = rng.uniform(0.055, 0.07)
            g_edu = rng.uniform(0.02, 0.035) if year == failing else g_rev + rng.uniform(0.01, 0.03)
            spending, revenue = spending * (1 + g_edu), revenue * (1 + g_rev)
            civil *= 1 + rng.uniform(0.03, 0.045)
            teacher = civil * 0.985 if year == failing else max(teacher * 1.02, civil * rng.uniform(1.005, 1.02))
        counts = {lv: registry.get(year, {}).get(lv) or int(FALLBACK[lv] * scale * rng.uniform(0.97, 1.03))
                  for lv in Level.values}  # fmt: skip
        fy = FinanceYear.objects.create(
            year=year,
            education_expenditure=_yuan(spending),
            recurrent_revenue=_yuan(revenue),
            students=sum(counts.values()) + rng.randint(-40, 40),
            teacher_pay=_yuan(teacher),
            civil_servant_pay=_yuan(civil),
            source=f"施甸县{year}年财政决算、教育经费统计快报（演示数据）",
        )
        share = 0.86 * spending / sum(PER_STUDENT[lv] * counts[lv] for lv in Level.values)
        rows = []
        for lv in Level.values:
            # 公用经费 per pupil rises about 3.5% a year and stays above the year's 基准定额
            floor, first = conf.benchmark(lv, year), conf.benchmark(lv, years[0])
            base = float(first) * 1.1 if first is not None else PUBLIC_NO_BENCHMARK.get(lv)
            unit = base * 1.035**n if base else None
            if unit and floor is not None:
                unit = max(unit, float(floor) * 1.02)
            rows.append(
                LevelFigure(
                    year=fy,
                    level=lv,
                    expenditure=_yuan(PER_STUDENT[lv] * counts[lv] * share),
                    public_funds=_yuan(unit * counts[lv]) if unit else None,
                    students=counts[lv],
                )
            )
        LevelFigure.objects.bulk_create(rows)
        created += 1
    stdout.write(f"教育经费：{created}个年度（{years[0]}–{years[-1]}年）\n")
