"""The forecast's section of the monthly 督查通报: townships where seats will be short in five years.

It reads the latest run computed by the end of the month (county-wide figures, no personal data), so the same
month gives the same section."""

from __future__ import annotations

import datetime as dt

from jiaoyun.forecast.model import LEVEL_LABELS
from jiaoyun.forecast.models import ForecastRun
from jiaoyun.forecast.selectors import county_lines, county_shortfalls
from jiaoyun.reports.bulletin import BulletinSection, BulletinTable


def _month_end(month: dt.date) -> dt.date:
    nxt = dt.date(month.year + (month.month == 12), month.month % 12 + 1, 1)
    return nxt - dt.timedelta(days=1)


def section(*, month: dt.date, on: dt.date) -> BulletinSection | None:
    end = _month_end(month)
    run = ForecastRun.objects.filter(created_at__date__lte=end).order_by("-created_at", "-id").first()
    if run is None:
        return None
    short = county_shortfalls(run=run)
    lines = county_lines(run=run)
    focus = lines[0].focus if lines else run.base_year
    tight = [ln for ln in lines if ln.status == "tight"]
    paragraphs = [
        f"按{run.created_at:%Y年%-m月%-d日}的学位预测（基准{run.base_year}学年，比率取自{run.window[0]}–{run.base_year}学年学籍），"
        f"到{focus}学年，{len({r.township_id for r in short})}个乡镇的{len(short)}个学段学位不足，"
        f"{len(tight)}个学段学位紧张（使用率超过95%）。"
        if short or tight
        else f"按{run.created_at:%Y年%-m月%-d日}的学位预测，到{focus}学年各乡镇各学段学位充足。"
    ]
    if short:
        paragraphs.append("请相关乡镇和计划财务股在项目库中安排新建、扩建项目，补足学位（“缺什么、补什么”）。")
    rows: list[list[str | int]] = [
        [r.name, LEVEL_LABELS[r.level], r.now, r.focus_children, r.focus_capacity, r.gap, f"{r.first_short}学年"]
        for r in short
    ]
    tables = (
        [
            BulletinTable(
                f"{focus}学年学位不足的乡镇",
                ["乡镇", "学段", "现有在校生", "预测在校生", "学位", "缺口", "首次不足"],
                rows,
            )
        ]
        if rows
        else []
    )
    return BulletinSection(key="forecast", title="学位预测", order=65, paragraphs=paragraphs, tables=tables)
