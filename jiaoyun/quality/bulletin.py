"""The quality section of the county's monthly 督查通报: competitions and awards of the month by township,
综合素质评价 completeness and the 1+X holding rate against its target (county-wide, no person named)."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Q

from jiaoyun.core.choices import ScopeLevel
from jiaoyun.core.dates import add_months
from jiaoyun.core.schoolyear import SchoolYear
from jiaoyun.core.scope import Scope
from jiaoyun.quality import selectors as sel
from jiaoyun.quality.choices import AWARDED, PortfolioState
from jiaoyun.quality.models import Competition, Entry, Portfolio
from jiaoyun.reports.bulletin import BulletinSection, BulletinTable

COUNTY = Scope(ScopeLevel.COUNTY)


def section(*, month: dt.date, on: dt.date) -> BulletinSection | None:
    start = month.replace(day=1)
    end = add_months(start, 1) - dt.timedelta(days=1)
    events = Competition.objects.filter(date__range=(start, end)).count()
    entries = Entry.objects.filter(competition__date__range=(start, end))
    awards = entries.filter(award__in=AWARDED).count()
    rows = [
        [r["label"], r["entries"], r["student_awards"], r["teacher_awards"], r["high_awards"]]
        for r in sel.award_counts(entries, "school__township_id", "school__township__name")
    ]
    paragraphs = []
    if events or entries.exists():
        paragraphs.append(f"本月登记竞赛{events}项，参赛{entries.count()}人次，获奖{awards}人次。")
    term = sel.term_current(end)
    if term is not None:
        counts = Portfolio.objects.filter(term=term).aggregate(
            started=Count("pk"),
            confirmed=Count("pk", filter=Q(state=PortfolioState.CONFIRMED, confirmed_at__date__lte=end)),
        )
        seniors = sel.seniors(COUNTY).count()
        if seniors:
            paragraphs.append(
                f"{term}普通高中学生综合素质评价：在校普高学生{seniors}人，已建立评价{counts['started']}人，"
                f"截至月底审核确认归档{counts['confirmed']}人。"
            )
    year = SchoolYear.of(end).start_year + 1
    holding = sel.holding_by_school(COUNTY, year=year, on=end)
    members, holders = sum(r.members for r in holding), sum(r.holders for r in holding)
    if members:
        target = sel.targets().get(year)
        goal = f"，目标{target}%" if target is not None else ""
        paragraphs.append(
            f"{year}届中职学生1+X证书持证率{holders * 100 / members:.1f}%（{holders}/{members}人{goal}）。"
        )
    if not paragraphs:
        return None
    tables = [BulletinTable(caption="本月各乡镇竞赛参赛与获奖（人次）",
                            headers=["乡镇", "参赛", "学生获奖", "教师获奖", "省级以上获奖"], rows=rows)] if rows else []  # fmt: skip
    return BulletinSection(key="quality", title="教育质量", order=70, paragraphs=paragraphs, tables=tables)
