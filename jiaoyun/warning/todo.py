"""辍学预警 待办: the preventive follow-ups due (a class teacher's own, a township's, the county's), read through the
data scope with a fixed number of queries."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from jiaoyun.core.todo import TodoItem, names
from jiaoyun.core.types import User
from jiaoyun.warning import selectors

MODULE = "控辍保学"  # the follow-ups are a 控辍保学 ledger (ADR 0047)
LIMIT = 5


def followup_items(*, user: User, today: dt.date | None = None) -> list[TodoItem]:
    today = today or timezone.localdate()
    if not selectors.may_view(user):
        return []
    rows = selectors.followups_open(user=user)
    total = rows.count()
    if not total:
        return []
    items = [
        TodoItem(
            key="warning.followup",
            title="预防性跟进（家访/谈心）",
            subject=f"{f.student.name}（{f.school_class or ''}）",
            deadline=f.deadline,
            url=reverse("warning:pupil", args=[f.student_id]),
            module=MODULE,
            note=f.reason[:60],
            today=today,
        )  # fmt: skip
        for f in rows[:LIMIT]
    ]
    if total > LIMIT:
        rest = [f.student.name for f in rows[LIMIT : LIMIT + 3]]
        items.append(TodoItem(key="warning.more", title="其余待跟进", count=total - LIMIT, subject=names(rest),
                              url=reverse("dropout:followups") + "?status=open", module=MODULE, today=today,
                              order=1))  # fmt: skip
    return items


def class_teacher(*, user: User, today: dt.date | None = None) -> list[TodoItem]:
    return followup_items(user=user, today=today)


def township(*, user: User, today: dt.date | None = None) -> list[TodoItem]:
    return followup_items(user=user, today=today)


def principal(*, user: User, today: dt.date | None = None) -> list[TodoItem]:
    return followup_items(user=user, today=today)


def county(*, user: User, today: dt.date | None = None) -> list[TodoItem]:
    """基础教育股: the count of follow-ups overdue county-wide (one item), linking to the list."""
    today = today or timezone.localdate()
    if not selectors.may_view(user):
        return []
    overdue = selectors.followups_open(user=user).filter(deadline__lt=today).count()
    if not overdue:
        return []
    return [TodoItem(key="warning.overdue", title="逾期未跟进的预警学生", count=overdue, module=MODULE,
                     url=reverse("dropout:followups") + "?due=overdue", today=today, order=-1)]  # fmt: skip
