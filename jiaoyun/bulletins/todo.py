"""督查通报 待办 for the home pages: the decisions an addressee has to report on (with their deadlines), and for the
督导室 the reports waiting to be verified and the overdue decisions. One or two queries each."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone

from jiaoyun.bulletins.choices import Addressee, DecisionState
from jiaoyun.bulletins.models import Decision
from jiaoyun.bulletins.permissions import addressee_of, is_supervision
from jiaoyun.core.todo import TodoItem, with_query
from jiaoyun.core.types import User

MODULE = "督查通报"
LIMIT = 5


def addressee(*, user: User, today: dt.date | None = None) -> list[TodoItem]:
    """The user's own unit's decisions still to report on (已下达, 逾期), the earliest deadline first."""
    today = today or timezone.localdate()
    mine = addressee_of(user)
    if mine is None:
        return []
    kind, ident = mine
    fields: dict[str, str] = {
        Addressee.TOWNSHIP: "township_id",
        Addressee.SCHOOL: "school_id",
        Addressee.SECTION: "section",
    }
    field = fields[kind]
    qs = Decision.objects.filter(addressee_kind=kind, state__in=(DecisionState.ISSUED, DecisionState.OVERDUE),
                                 **{field: ident}).select_related("bulletin")  # fmt: skip
    return [
        TodoItem(
            key="bulletins.decision",
            title=f"反馈{d.get_kind_display()}整改情况",
            subject=d.matter_label,
            deadline=d.deadline,
            url=reverse("bulletins:decision", args=[d.pk]),
            module=MODULE,
            note=d.bulletin.number,
            today=today,
        )  # fmt: skip
        for d in qs.order_by("deadline", "id")[:LIMIT]
    ]


def supervision(*, user: User, today: dt.date | None = None) -> list[TodoItem]:
    """For the 督导室: the reports to verify and the overdue decisions (one aggregate query)."""
    today = today or timezone.localdate()
    if not is_supervision(user):
        return []
    n = Decision.objects.aggregate(reported=Count("id", filter=Q(state=DecisionState.REPORTED)),
                                   overdue=Count("id", filter=Q(state=DecisionState.OVERDUE)))  # fmt: skip
    items = []
    url = reverse("bulletins:decisions")
    if n["reported"]:
        items.append(TodoItem(key="bulletins.verify", title="核验通报决定的整改反馈", count=n["reported"], module=MODULE,
                              url=with_query(url, state=DecisionState.REPORTED), today=today, order=-1))  # fmt: skip
    if n["overdue"]:
        items.append(TodoItem(key="bulletins.overdue", title="逾期未整改的通报决定", count=n["overdue"], module=MODULE,
                              url=with_query(url, state=DecisionState.OVERDUE), today=today, order=-1))  # fmt: skip
    return items
