"""The 辍学预警 section of the monthly 督查通报: county counts by township, no child named."""

from __future__ import annotations

import calendar
import datetime as dt

from jiaoyun.reports.bulletin import BulletinSection, BulletinTable
from jiaoyun.warning import selectors


def section(*, month: dt.date, on: dt.date) -> BulletinSection | None:
    end = month.replace(day=calendar.monthrange(month.year, month.month)[1])
    counts = selectors.risk_summary(on=end)
    day = selectors.latest_day(end)
    if day is None:
        return None
    from jiaoyun.areas.models import Area

    names = dict(Area.objects.filter(pk__in=counts).values_list("pk", "name"))
    ordered = sorted(counts.items(), key=lambda item: (-item[1], names.get(item[0], "")))
    rows: list[list[str | int]] = [[names.get(t, str(t)), n] for t, n in ordered]
    version = selectors.version_in_use()
    paragraphs = [
        f"截至{end.month}月{end.day}日，最近一次辍学风险评估（{day}）预警学生{sum(counts.values())}人。"
        "预防性跟进的发起、家访、解决、误报和逾期情况计入“控辍保学”部分。",
    ]
    if version is not None:
        paragraphs.append(
            f"使用中的预警模型：{version.get_kind_display()}（{version.data_from}–{version.data_to}学年数据）。"
        )
    return BulletinSection(
        key="warning", title="辍学预警", order=80, paragraphs=paragraphs,
        tables=[BulletinTable(caption="各乡镇预警学生数", headers=["乡镇", "预警学生（人）"], rows=rows)] if rows else [],
    )  # fmt: skip
