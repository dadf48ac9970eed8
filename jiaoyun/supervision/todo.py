"""督导 待办: an owner's plan milestones due, a 责任督学's visits and verifications due, a township's (or school's)
整改 due, and the county's overdue counts. Each provider takes a fixed number of queries."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse

from jiaoyun.core.choices import Role
from jiaoyun.core.todo import TodoItem, names, with_query
from jiaoyun.core.types import User
from jiaoyun.supervision.choices import OVERDUE, RECT_ACTIVE, RectStatus
from jiaoyun.supervision.models import Milestone, Rectification, Zone, ZoneVisit
from jiaoyun.supervision.selectors import rect_q

MODULE = "督导"
LIMIT = 6
AHEAD_DAYS = 30  # a milestone is listed from this many days before its due day


def _month_end(day: dt.date) -> dt.date:
    return (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)


def owner(*, user: User, today: dt.date) -> list[TodoItem]:
    """The plan milestones of the user's 股室 (lead or co-owner) not done and due within 30 days or overdue."""
    if user.role != Role.BUREAU_STAFF or not user.section:
        return []
    # co_owners is a JSON list (no ``contains`` lookup on SQLite): the year's open milestones are few, read once.
    qs = (
        Milestone.objects.filter(
            item__plan__year=today.year, done_on__isnull=True, due__lte=today + dt.timedelta(days=AHEAD_DAYS)
        )
        .select_related("item")
        .order_by("due", "id")
    )
    rows = [m for m in qs if m.item.section == user.section or user.section in (m.item.co_owners or [])]
    items = [TodoItem(key="supervision.task", title="计划任务节点", subject=f"{m.item.code} {m.item.title}：{m.title}",
                      deadline=m.due, url=reverse("supervision:item", args=[m.item_id]), module=MODULE, today=today)
             for m in rows[:LIMIT]]  # fmt: skip
    if len(rows) > LIMIT:
        items.append(TodoItem(key="supervision.task.more", title="其余计划任务", url=reverse("supervision:plan"),
                              module=MODULE, today=today, order=1))  # fmt: skip
    return items


def inspector(*, user: User, today: dt.date) -> list[TodoItem]:
    """A 责任督学: this month's visits still due (by area) and the 整改 awaiting his verification."""
    zones = list(Zone.objects.filter(inspector_id=user.pk).prefetch_related("schools").order_by("name"))
    items = []
    if zones:
        start = today.replace(day=1)
        visited = set(ZoneVisit.objects.filter(zone__in=zones, date__gte=start, date__lte=today)
                      .values_list("zone_id", "school_id"))  # fmt: skip
        for z in zones:
            due = [s.name for s in z.schools.all() if (z.pk, s.pk) not in visited]
            if due:
                items.append(TodoItem(key="supervision.visit", title=f"本月督导（{z.name}）", count=len(due),
                                      subject=names(due, unit="所"), deadline=_month_end(today), module=MODULE,
                                      url=reverse("supervision:zone", args=[z.pk]), today=today))  # fmt: skip
    waiting = list(Rectification.objects.filter(verifier_id=user.pk, status=RectStatus.SUBMITTED)
                   .select_related("school").order_by("deadline", "id")[:LIMIT])  # fmt: skip
    for r in waiting:
        items.append(TodoItem(key="supervision.verify", title="核验整改", subject=f"{r.school.name}：{r.finding[:30]}",
                              deadline=r.deadline, url=reverse("supervision:rectification", args=[r.pk]),
                              module=MODULE, today=today))  # fmt: skip
    return items


def township(*, user: User, today: dt.date) -> list[TodoItem]:
    """The 整改 of the township (or the school) not yet submitted, the earliest deadline first."""
    qs = Rectification.objects.filter(rect_q(user), status__in=(RectStatus.OPEN, RectStatus.IN_PROGRESS))
    rows = list(qs.select_related("school").order_by("deadline", "id")[: LIMIT + 1])
    items = [TodoItem(key="supervision.rectify", title="落实整改", subject=f"{r.school.name}：{r.finding[:30]}",
                      deadline=r.deadline, url=reverse("supervision:rectification", args=[r.pk]), module=MODULE,
                      note=r.get_status_display(), today=today) for r in rows[:LIMIT]]  # fmt: skip
    if len(rows) > LIMIT:
        items.append(TodoItem(key="supervision.rectify.more", title="其余整改事项", module=MODULE, today=today,
                              url=with_query(reverse("supervision:rectifications"), status="active"), order=1))  # fmt: skip
    return items


def strip(*, user: User, today: dt.date) -> list[TodoItem]:
    """The county's counts: plan milestones overdue and 整改 overdue (two aggregate queries)."""
    late = Milestone.objects.filter(item__plan__year=today.year, done_on__isnull=True, due__lt=today).count()
    overdue = Rectification.objects.filter(status__in=RECT_ACTIVE, deadline__lt=today).count()
    items = []
    if late:
        items.append(TodoItem(key="supervision.late", title="逾期计划任务节点", count=late, module=MODULE,
                              url=with_query(reverse("supervision:plan"), status="late"), today=today, order=-1))  # fmt: skip
    if overdue:
        items.append(TodoItem(key="supervision.overdue", title="逾期整改", count=overdue, module=MODULE,
                              url=with_query(reverse("supervision:rectifications"), status=OVERDUE), today=today,
                              order=-1))  # fmt: skip
    return items
