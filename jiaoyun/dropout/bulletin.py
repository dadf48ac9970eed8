"""控辍保学's section of the county's monthly 督查通报: the same figures as the 控辍保学 monthly bulletin
(``services.reporting.bulletin_figures``, one counting function per figure, ADR 0031)."""

from __future__ import annotations

import datetime as dt

from jiaoyun.reports.bulletin import BulletinSection, BulletinTable


def _rate(value: float | None) -> str:
    return "—" if value is None else f"{value}%"


def section(*, month: dt.date, on: dt.date) -> BulletinSection | None:
    from jiaoyun.dropout.services.common import month_bounds
    from jiaoyun.dropout.services.reporting import bulletin_figures

    f = bulletin_figures(month=month, generated_on=month_bounds(month)[1])
    t = f["totals"]
    paragraphs = [
        f"本月全县新增疑似及确认辍学（失学）{t['new']}人，复学安置{t['returned']}人，月末仍未返校{t['still_out']}人，"
        f"累计确认{t['total']}人，劝返率{_rate(t['return_rate'])}；四步法逾期未办结步骤{t['overdue']}个。",
        f"口径：{f['captions']['still_out']}。",
    ]
    rows: list[list[str | int]] = [
        [r["rank"], r["name"], r["new"], r["returned"], r["still_out"], r["overdue"], _rate(r["return_rate"])]
        for r in f["townships"]
    ]
    table = BulletinTable(caption="各乡镇控辍保学情况（按仍未返校、逾期步骤排名）",
                          headers=["排名", "乡镇", "新增", "复学安置", "仍未返校", "逾期步骤", "劝返率"], rows=rows)  # fmt: skip
    tables = [table]
    p = f["preventive"]
    pt = p["totals"]
    if p["townships"]:
        paragraphs.append(
            f"预防性跟进（辍学预警）：本月发起{pt['opened']}人次；反馈已家访{pt['visited']}人次、已解决{pt['resolved']}人次、"
            f"误报{pt['false_alarm']}人次、发现已离校转入案件{pt['left']}人次；月末逾期未反馈{pt['overdue']}人次。"
        )
        tables.append(BulletinTable(
            caption="各乡镇预防性跟进情况（人次）",
            headers=["乡镇", "发起", "已家访", "已解决", "误报", "转入案件", "逾期未反馈"],
            rows=[[r["name"], r["opened"], r["visited"], r["resolved"], r["false_alarm"], r["left"], r["overdue"]]
                  for r in p["townships"]],
        ))  # fmt: skip
    return BulletinSection(key="dropout", title="控辍保学", order=30, paragraphs=paragraphs, tables=tables)
