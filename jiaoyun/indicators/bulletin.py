"""目标指标's section of the county's monthly 督查通报: the county's figures against the targets of the plan,
read from the stored values (``selectors.indicator_rows``) as computed on or before the month's last day."""

from __future__ import annotations

import calendar
import datetime as dt

from jiaoyun.reports.bulletin import BulletinSection, BulletinTable


def section(*, month: dt.date, on: dt.date) -> BulletinSection | None:
    from jiaoyun.core.schoolyear import SchoolYear
    from jiaoyun.indicators import selectors as sel
    from jiaoyun.indicators.models import IndicatorValue

    last = month.replace(day=calendar.monthrange(month.year, month.month)[1])
    year = SchoolYear.of(last)
    as_of = (
        IndicatorValue.objects.filter(school_year=year.start_year, as_of__lte=last)
        .order_by("-as_of")
        .values_list("as_of", flat=True)
        .first()
    )
    county = sel.county_get()
    if as_of is None or county is None:
        return None
    rows = sel.indicator_rows(year=year, area=county, as_of=as_of)
    table_rows: list[list[str | int]] = [
        [r.indicator.name, r.value_text, "—" if r.target is None else f"{r.target:g}%", r.status_label] for r in rows
    ]
    met = sum(1 for r in rows if r.status == "met")
    behind = [r.indicator.name for r in rows if r.status in ("not_met", "at_risk")]
    text = f"{year.label}全县教育指标（{as_of.year}年{as_of.month}月{as_of.day}日统计）{len(rows)}项中，达到目标{met}项"
    text += f"，未达目标：{'、'.join(behind)}。" if behind else "。"
    table = BulletinTable(caption="全县主要教育指标与目标", headers=["指标", "数值", "目标", "状态"], rows=table_rows)
    return BulletinSection(key="indicators", title="工作目标完成情况", order=20, paragraphs=[text], tables=[table])
