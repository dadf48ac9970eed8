"""The 优质均衡 section of the county's monthly 督查通报: county-wide figures, no personal data, deterministic."""

from __future__ import annotations

import datetime as dt

from jiaoyun.reports.bulletin import BulletinSection, BulletinTable
from jiaoyun.standards import balance as B
from jiaoyun.standards import selectors
from jiaoyun.standards.choices import Part


def _year_of(month: dt.date) -> int | None:
    """The latest school year with data that had started by the end of ``month`` (a school year starts in
    September)."""
    start = month.year if month.month >= 9 else month.year - 1
    ys = [y for y in selectors.years() if y <= start]
    return max(ys) if ys else None


def section(*, month: dt.date, on: dt.date) -> BulletinSection | None:
    year = _year_of(month)
    if year is None:
        return None
    summary = selectors.balance_summary(year=year)
    paragraphs: list[str] = []
    rows: list[list[str | int]] = []
    for part in Part.values:
        s = summary[part]
        if not s["schools"]:
            continue
        label = Part(part).label
        limit = B.cv_limit(part)
        over = [B.BY_CODE[c].short for c, v in s["coefficients"].items() if v > limit + 1e-12]
        paragraphs.append(
            f"{year}学年{label}参评学校{s['schools']}所，资源配置达标{s['schools_meeting']}所；"
            + (
                f"校际差异系数超过{limit}的指标：{'、'.join(over)}。"
                if over
                else f"7项指标校际差异系数均不超过{limit}。"
            )
        )
        for c in B.CODES:
            v = s["coefficients"].get(c, 0.0)
            rows.append(
                [label, B.BY_CODE[c].label, f"{v:.3f}", f"{limit:.2f}", "达到" if v <= limit + 1e-12 else "未达到"]
            )
    if not paragraphs:
        return None
    return BulletinSection(
        key="standards",
        title="义务教育优质均衡",
        order=60,
        paragraphs=paragraphs,
        tables=[BulletinTable(caption="校际差异系数", headers=["学段", "指标", "差异系数", "上限", "结论"], rows=rows)],
    )
