"""工作目标 待办 for the home pages: the county's indicators behind their targets this school year (未达标 and
临界), each linking to its figures on the indicator dashboard. Aggregate figures of the county: readable by every
county-level user (ADR 0020); a fixed number of queries (the stored figures of one place)."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from jiaoyun.areas.choices import AreaLevel
from jiaoyun.areas.models import Area
from jiaoyun.core.schoolyear import SchoolYear
from jiaoyun.core.scope import scope_for
from jiaoyun.core.todo import TodoItem, with_query
from jiaoyun.core.types import User
from jiaoyun.indicators.selectors import indicator_rows

MODULE = "工作目标"
BEHIND = ("not_met", "at_risk")
# The indicators of 控辍保学 and enrolment, the 基础教育股's own.
BASIC_CODES = (
    "primary_net",
    "junior_gross",
    "retention_junior",
    "dropout_primary",
    "dropout_junior",
    "progression_primary",
    "large_class",
    "super_large_class",
)


def behind_items(*, user: User, today: dt.date | None = None, codes: tuple[str, ...] | None = None) -> list[TodoItem]:
    """The county's indicators whose value is behind this school year's target (the plan's end of year as the
    deadline), those not met before those at risk."""
    today = today or timezone.localdate()
    if not scope_for(user).is_county:
        return []
    county = Area.objects.filter(level=AreaLevel.COUNTY).first()
    if county is None:
        return []
    year = SchoolYear.of(today)
    rows = [r for r in indicator_rows(year=year, area=county, codes=list(codes) if codes else None)
            if r.status in BEHIND]  # fmt: skip
    rows.sort(key=lambda r: BEHIND.index(r.status))
    dashboard = reverse("indicators:dashboard")
    return [
        TodoItem(key=f"indicators.{r.status}", title=f"指标{r.status_label}：{r.indicator.name}",
                 subject=f"现值 {r.value_text}，目标 {r.target:g}{'%' if r.indicator.unit == '%' else ''}",
                 deadline=year.end, note=r.gap_text, module=MODULE,
                 url=with_query(dashboard, year=year.start_year, code=r.code), today=today)
        for r in rows
    ]  # fmt: skip


def section(*, user: User, today: dt.date | None = None) -> list[TodoItem]:
    """督导室: every indicator behind its target."""
    return behind_items(user=user, today=today)


def basic(*, user: User, today: dt.date | None = None) -> list[TodoItem]:
    """基础教育股: the enrolment and 控辍保学 indicators behind their targets."""
    return behind_items(user=user, today=today, codes=BASIC_CODES)
