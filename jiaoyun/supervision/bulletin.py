"""The supervision section of the monthly 督查通报: work-plan progress and 整改, county-wide, by township.

It names 股室 and townships (and schools for an overdue 整改), never a person. Deterministic: the figures are those
of the last day of ``month`` (a milestone done or a 整改 closed later does not change an archived month).
"""

from __future__ import annotations

import datetime as dt

from jiaoyun.reports.bulletin import BulletinSection, BulletinTable
from jiaoyun.supervision.choices import ItemStatus
from jiaoyun.supervision.models import Milestone, Plan, Rectification


def _month_end(month: dt.date) -> dt.date:
    return (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)


def _status_at(stones: list[Milestone], percent: int, day: dt.date) -> str:
    done = [m.done_on is not None and m.done_on <= day for m in stones]
    if any(not d and m.due <= day for m, d in zip(stones, done, strict=True)):
        return ItemStatus.LATE
    if stones and all(done):
        return ItemStatus.DONE
    return ItemStatus.ON_TRACK


def section(*, month: dt.date, on: dt.date) -> BulletinSection | None:
    end = min(_month_end(month), on)
    plan = Plan.objects.filter(year=end.year).first()
    paragraphs: list[str] = []
    tables: list[BulletinTable] = []
    if plan is not None:
        items = list(plan.items.prefetch_related("milestones").order_by("part", "number"))
        statuses = {i.pk: _status_at(list(i.milestones.all()), i.percent, end) for i in items}
        n_late = sum(1 for s in statuses.values() if s == ItemStatus.LATE)
        n_done = sum(1 for s in statuses.values() if s == ItemStatus.DONE)
        paragraphs.append(
            f"截至{end.month}月{end.day}日，{plan.year}年工作计划共{len(items)}项任务，已完成{n_done}项，"
            f"逾期{n_late}项，其余按计划推进。"
        )
        late_rows: list[list[str | int]] = []
        for i in items:
            if statuses[i.pk] != ItemStatus.LATE:
                continue
            stone = next(m for m in i.milestones.all() if not (m.done_on and m.done_on <= end) and m.due <= end)
            late_rows.append([i.code, i.title, i.get_section_display(), stone.title, f"{stone.due:%Y-%m-%d}",
                              (end - stone.due).days])  # fmt: skip
        if late_rows:
            tables.append(
                BulletinTable("逾期计划任务", ["编号", "任务", "牵头股室", "节点", "期限", "逾期天数"], late_rows)
            )
    rects = list(Rectification.objects.filter(opened_on__lte=end).select_related("school", "school__township"))
    if rects:
        by_township: dict[str, list[int]] = {}
        sort: dict[str, tuple[int, str]] = {}
        for r in rects:
            t = r.school.township
            row = by_township.setdefault(t.name, [0, 0, 0, 0])
            sort[t.name] = (t.sort, t.name)
            closed = r.closed_on is not None and r.closed_on <= end
            row[0] += 1
            row[1] += int(closed)
            row[2] += int(closed and r.closed_on <= r.deadline)  # type: ignore[operator]
            row[3] += int(not closed and r.deadline < end)
        rows: list[list[str | int]] = [
            [name, *v] for name, v in sorted(by_township.items(), key=lambda kv: sort[kv[0]])
        ]
        total = [sum(r[k] for r in by_township.values()) for k in range(4)]
        paragraphs.append(
            f"督学责任区累计下达整改{total[0]}项，已销号{total[1]}项（按期{total[2]}项），逾期未销号{total[3]}项。"
        )
        tables.append(BulletinTable("整改落实情况", ["乡镇", "下达", "已销号", "按期销号", "逾期未销号"], rows))
    if not paragraphs:
        return None
    return BulletinSection(key="supervision", title="工作计划推进和整改落实情况", order=10,
                           paragraphs=paragraphs, tables=tables)  # fmt: skip
