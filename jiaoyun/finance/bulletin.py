"""The finance section of the monthly bulletin: the latest budget year's legal checks (county-wide figures)."""

from __future__ import annotations

import datetime as dt

from jiaoyun.finance.checks import wan
from jiaoyun.finance.selectors import overview
from jiaoyun.reports.bulletin import BulletinSection, BulletinTable


def section(*, month: dt.date, on: dt.date) -> BulletinSection | None:
    """The checks of the latest budget year entered up to ``month``'s year; None when no year is entered."""
    data = overview(last=None)
    rows = [r for r in data.rows if r.year <= month.year]
    if not rows:
        return None
    latest = rows[-1]
    checks = data.checks[latest.year]
    failing = [c for c in checks if c.passed is False]
    first = (
        f"{latest.year}年度全县一般公共预算教育支出{wan(latest.education_expenditure)}，"
        f"财政经常性收入{wan(latest.recurrent_revenue)}。"
    )
    if failing:
        first += f"对照法定要求，有{len(failing)}项未达标：" + "；".join(c.title for c in failing) + "。"
    else:
        first += "“三个增长”“两个只增不减”等法定要求均已达到（无法计算的项目见下表）。"
    table = BulletinTable(
        caption=f"{latest.year}年度教育经费法定要求核算",
        headers=["检查项", "依据", "结果", "说明"],
        rows=[[f"{c.group}：{c.title}", c.basis, c.status, c.text] for c in checks],
    )
    return BulletinSection(key="finance", title="教育经费保障", order=55, paragraphs=[first], tables=[table])
