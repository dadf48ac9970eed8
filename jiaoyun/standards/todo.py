"""待办 of the standards module for the 督导室 and the 基础教育股: what keeps the county below the 优质均衡 line,
checklist items not yet assessed, and demonstration-school applications waiting for the 县评审."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from jiaoyun.core.todo import TodoItem
from jiaoyun.core.types import User
from jiaoyun.standards import selectors
from jiaoyun.standards.choices import CheckStatus, DemoStatus, Part
from jiaoyun.standards.models import CheckItem, CheckResult, DemoApplication
from jiaoyun.standards.permissions import is_section

MODULE = "优质均衡"


def section(*, user: User, today: dt.date | None = None) -> list[TodoItem]:
    if not is_section(user):
        return []
    today = today or timezone.localdate()
    year = selectors.latest_year()
    items: list[TodoItem] = []
    if year is not None:
        summary = selectors.balance_summary(year=year)
        for part in Part.values:
            s = summary[part]
            short = s["schools"] - s["schools_meeting"]
            if short:
                items.append(TodoItem(
                    key=f"standards.schools.{part}", title=f"{Part(part).label}资源配置未达标学校", count=short,
                    module=MODULE, url=reverse("standards:balance") + f"?year={year}&part={part}&only=failing",
                    today=today,
                ))  # fmt: skip
        assessed = CheckResult.objects.filter(year=year).exclude(status=CheckStatus.PENDING).count()
        pending = CheckItem.objects.filter(is_active=True).count() - assessed
        if pending > 0:
            items.append(
                TodoItem(
                    key="standards.checklist",
                    title="优质均衡自评清单未评估项目",
                    count=pending,
                    module=MODULE,
                    url=reverse("standards:checklist") + f"?year={year}",
                    today=today,
                )
            )
    waiting = DemoApplication.objects.filter(status=DemoStatus.APPLIED).count()
    if waiting:
        items.append(TodoItem(key="standards.demo_review", title="示范校申报待县评审", count=waiting, module=MODULE,
                              url=reverse("standards:demonstration"), today=today))  # fmt: skip
    return items
