"""项目建设 待办 for the 计划财务股 (and the county administrator's strip): the late milestones, the longest late
first, each with the project and its deadline; and the payments due (contracts with money left to pay on projects
accepted (竣工验收) ``FACILITIES_PAYMENT_DUE_DAYS`` ago or more). Reads go through the project scope; each function
takes a fixed number of queries."""

from __future__ import annotations

import datetime as dt

from django.db.models import DecimalField, OuterRef, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone

from jiaoyun.core.todo import TodoItem, with_query
from jiaoyun.core.types import User
from jiaoyun.facilities import conf
from jiaoyun.facilities.choices import MilestoneKind
from jiaoyun.facilities.models import Contract, Milestone, Payment
from jiaoyun.facilities.permissions import can_read, can_write
from jiaoyun.facilities.selectors import late_projects, project_q

MODULE = "项目建设"
LIMIT = 6


def late_items(user: User, today: dt.date, *, limit: int = LIMIT) -> list[TodoItem]:
    rows = late_projects(user=user, today=today)
    items = [
        TodoItem(key="facilities.late", title=f"“{r['milestone'].get_kind_display()}”滞后{r['days']}天",
                 subject=r["project"].name, deadline=r["milestone"].planned, module=MODULE,
                 url=reverse("facilities:project", args=[r["project"].pk]), note=r["note"] or "尚未说明滞后原因",
                 today=today)
        for r in rows[:limit]
    ]  # fmt: skip
    if len(rows) > limit:
        items.append(TodoItem(key="facilities.more", title="其余滞后项目", count=len(rows) - limit, module=MODULE,
                              url=with_query(reverse("facilities:projects"), late=1), today=today, order=1))  # fmt: skip
    return items


def payment_items(user: User, today: dt.date, *, limit: int = LIMIT) -> list[TodoItem]:
    days = int(conf.get("FACILITIES_PAYMENT_DUE_DAYS"))
    accepted = Milestone.objects.filter(project=OuterRef("project"), kind=MilestoneKind.ACCEPTED).values("actual")
    paid = Payment.objects.filter(contract=OuterRef("pk")).values("contract").annotate(s=Sum("amount")).values("s")
    contracts = list(
        Contract.objects.filter(project_q(user, prefix="project__"))
        .annotate(
            accepted=Subquery(accepted),
            paid=Coalesce(Subquery(paid), Value(0), output_field=DecimalField(max_digits=14, decimal_places=2)),
        )
        .filter(accepted__isnull=False, accepted__lte=today - dt.timedelta(days=days))
        .select_related("project")
        .order_by("accepted", "id")
    )
    due = [c for c in contracts if c.paid < c.amount]  # type: ignore[attr-defined]
    return [
        TodoItem(key="facilities.payment", title="竣工验收后尚有合同款未付", subject=f"{c.project.name}：{c.title}",
                 deadline=c.accepted + dt.timedelta(days=days), module=MODULE,  # type: ignore[attr-defined]
                 url=reverse("facilities:project", args=[c.project_id]),
                 note=f"未付{c.amount - c.paid:,.2f}元（{c.contractor}）", today=today)  # type: ignore[attr-defined]
        for c in due[:limit]
    ]  # fmt: skip


def section(*, user: User, today: dt.date | None = None) -> list[TodoItem]:
    """计划财务股: late milestones and payments due."""
    today = today or timezone.localdate()
    if not can_write(user):
        return []
    return late_items(user, today) + payment_items(user, today)


def strip(*, user: User, today: dt.date | None = None) -> list[TodoItem]:
    """The county strip: how many projects are late, one item linking to them."""
    today = today or timezone.localdate()
    if not can_read(user):
        return []
    n = len(late_projects(user=user, today=today))
    if not n:
        return []
    return [TodoItem(key="facilities.late_count", title="进度滞后的建设项目", count=n, module=MODULE,
                     url=with_query(reverse("facilities:projects"), late=1), today=today)]  # fmt: skip
