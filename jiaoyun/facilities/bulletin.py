"""The projects section of the monthly 督查通报: progress of the plan's projects as they stood at the end of the
month, the late ones with their reasons, and the money paid by source. County-wide, no person named."""

from __future__ import annotations

import calendar
import datetime as dt
from decimal import Decimal

from django.db.models import Exists, OuterRef, Q, Sum

from jiaoyun.facilities.choices import FundingSource, MilestoneKind, PlanTarget
from jiaoyun.facilities.models import Milestone, Payment, Project, ProjectFunding
from jiaoyun.reports.bulletin import BulletinSection, BulletinTable


def _wan(amount: Decimal) -> str:
    return f"{amount / 10000:,.2f}"


def section(*, month: dt.date, on: dt.date) -> BulletinSection | None:
    end = month.replace(day=calendar.monthrange(month.year, month.month)[1])
    projects = Project.objects.filter(plan_year__lte=end.year)
    total = projects.count()
    if not total:
        return None
    done = Milestone.objects.filter(actual__isnull=False, actual__lte=end)
    started = projects.filter(Exists(done.filter(project=OuterRef("pk"), kind=MilestoneKind.STARTED))).count()
    in_use = projects.filter(Exists(done.filter(project=OuterRef("pk"), kind=MilestoneKind.IN_USE))).count()
    late_ms = (
        Milestone.objects.filter(project__in=projects, planned__lte=end)
        .filter(Q(actual__isnull=True) | Q(actual__gt=end))
        .select_related("project__township")
        .order_by("project__township__sort", "project__township__code", "project__name", "project_id", "kind")
    )
    first: dict[int, Milestone] = {}
    for m in late_ms:
        first.setdefault(m.project_id, m)
    paragraphs = [
        f"截至{end.month}月底，全县在库建设项目{total}个，已开工{started}个，已投入使用{in_use}个，"
        f"进度滞后{len(first)}个。"
    ]
    for key, label in PlanTarget.choices:
        if not key:
            continue
        group = projects.filter(target=key)
        n = group.count()
        if n:
            used = group.filter(Exists(done.filter(project=OuterRef("pk"), kind=MilestoneKind.IN_USE))).count()
            paragraphs.append(f"{label}：已立项{n}所，已投入使用{used}所。")
    tables = []
    if first:
        rows: list[list[str | int]] = [
            [m.project.township.name, m.project.name, m.get_kind_display(), (end - m.planned).days,  # type: ignore[operator]
             m.note or "未说明"]
            for m in first.values()
        ]  # fmt: skip
        tables.append(BulletinTable(caption="进度滞后项目", headers=["乡镇", "项目", "滞后节点", "滞后天数（月末）", "原因"],
                                    rows=rows))  # fmt: skip
    budget = dict(ProjectFunding.objects.filter(project__in=projects).values("source").annotate(s=Sum("amount"))
                  .values_list("source", "s"))  # fmt: skip
    paid = dict(Payment.objects.filter(contract__project__in=projects, date__lte=end).values("source")
                .annotate(s=Sum("amount")).values_list("source", "s"))  # fmt: skip
    money_rows: list[list[str | int]] = []
    for source, label in FundingSource.choices:
        b, p = budget.get(source) or Decimal(0), paid.get(source) or Decimal(0)
        if b or p:
            rate = f"{p / b * 100:.1f}%" if b else "—"
            money_rows.append([str(label), _wan(b), _wan(p), rate])
    if money_rows:
        tables.append(BulletinTable(caption="项目资金到位与支付（万元）", headers=["资金来源", "安排", "已支付", "支付率"],
                                    rows=money_rows))  # fmt: skip
    return BulletinSection(key="facilities", title="学校建设项目进展", order=50, paragraphs=paragraphs, tables=tables)
