"""待办 of the quality module: a class teacher's records to select and 公示 to close, a school's records to
confirm, a student's own records due (each a fixed number of aggregate queries, read through the scope)."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count
from django.urls import reverse
from django.utils import timezone

from jiaoyun.core.scope import scope_for
from jiaoyun.core.todo import TodoItem
from jiaoyun.core.types import User
from jiaoyun.quality import selectors as sel
from jiaoyun.quality.choices import PortfolioState

MODULE = "综合素质评价"
S = PortfolioState


def class_teacher(*, user: User, today: dt.date | None = None) -> list[TodoItem]:
    today = today or timezone.localdate()
    term = sel.term_current(today)
    if term is None or not scope_for(user).class_ids:
        return []
    url = reverse("quality:evaluation")
    items = []
    waiting = (
        sel.portfolios(user, term=term).filter(state=S.RECORDING).annotate(n=Count("records")).filter(n__gt=0).count()
    )
    if waiting:
        items.append(TodoItem(key="quality:select", title="整理遴选学生写实记录", url=url, module=MODULE,
                              count=waiting, deadline=term.select_deadline, today=today))  # fmt: skip
    for pub in sel.publicity_visible(user).filter(term=term, closed_at__isnull=True, ends__lt=today):
        items.append(TodoItem(key="quality:publicity", title=f"{pub.school_class}公示期满，待结束公示",
                              url=reverse("quality:publicity", args=[pub.pk]), module=MODULE, deadline=pub.ends,
                              today=today))  # fmt: skip
    return items


def principal(*, user: User, today: dt.date | None = None) -> list[TodoItem]:
    today = today or timezone.localdate()
    term = sel.term_current(today)
    if term is None:
        return []
    waiting = sel.portfolios(user, term=term).filter(state=S.REVIEW).count()
    if not waiting:
        return []
    return [TodoItem(key="quality:confirm", title="审核确认综合素质评价（形成档案）", url=reverse("quality:evaluation"),
                     module=MODULE, count=waiting, deadline=term.confirm_deadline, today=today)]  # fmt: skip


def student(*, user: User, today: dt.date | None = None) -> list[TodoItem]:
    today = today or timezone.localdate()
    term = sel.term_current(today)
    if term is None or today > term.record_deadline or today < term.starts:
        return []
    own = sel.portfolios(user, term=term).first()
    if own is not None and own.state != S.RECORDING:
        return []
    count = own.records.count() if own is not None else 0
    return [TodoItem(key="quality:record", title="填写本学期写实记录", url=reverse("quality:evaluation"), module=MODULE,
                     subject=f"已记录{count}条", deadline=term.record_deadline, today=today)]  # fmt: skip
