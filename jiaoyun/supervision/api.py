"""JSON API of the supervision module (session auth; scope-filtered like the pages)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone
from ninja import Router, Schema
from ninja.errors import HttpError
from ninja.pagination import paginate

from jiaoyun.core.pagination import BoundedPageNumberPagination
from jiaoyun.core.types import AuthedRequest
from jiaoyun.supervision import selectors
from jiaoyun.supervision.models import Rectification
from jiaoyun.supervision.permissions import can_view, can_view_rectifications

router = Router(tags=["supervision"])


class ItemOut(Schema):
    id: int
    code: str
    part: str
    title: str
    section: str
    co_owners: list[str]
    percent: int
    status: str
    late_milestones: list[str]


class OverdueTaskOut(Schema):
    item_id: int
    code: str
    title: str
    section: str
    section_label: str
    milestone: str
    due: dt.date
    days_overdue: int


class RectOut(Schema):
    id: int
    school: str
    township: str
    finding: str
    deadline: dt.date
    status: str
    overdue: bool
    closed_on: dt.date | None


def _rect(r: Rectification, today: dt.date) -> dict[str, Any]:
    return {"id": r.pk, "school": r.school.name, "township": r.school.township.name, "finding": r.finding,
            "deadline": r.deadline, "status": r.status, "overdue": r.overdue_on(today), "closed_on": r.closed_on}  # fmt: skip


@router.get("/plan", response=list[ItemOut], summary="工作计划任务及状态（默认当年）")
def supervision_plan(request: AuthedRequest, year: int | None = None) -> Any:
    if not can_view(request.user):
        raise HttpError(403, "工作计划与督导仅县教育局、县领导和乡镇可查看")
    plan = selectors.plan_get(year=year)
    if plan is None:
        return []
    today = timezone.localdate()
    return [
        {"id": i.pk, "code": i.code, "part": i.part, "title": i.title, "section": i.section,
         "co_owners": list(i.co_owners or []), "percent": i.percent, "status": selectors.item_status(i, today),
         "late_milestones": [m.title for m in i.milestones.all() if m.done_on is None and m.due < today]}
        for i in selectors.plan_items(user=request.user, plan=plan)
    ]  # fmt: skip


@router.get("/overdue-tasks", response=list[OverdueTaskOut], summary="逾期的计划任务节点（全县）")
def supervision_overdue_tasks(request: AuthedRequest) -> Any:
    if not can_view(request.user):
        raise HttpError(403, "工作计划与督导仅县教育局、县领导和乡镇可查看")
    return selectors.overdue_tasks(on=timezone.localdate())


@router.get("/rectifications", response=list[RectOut], summary="整改事项（按数据范围）")
@paginate(BoundedPageNumberPagination, page_size=50)
def supervision_rectifications(request: AuthedRequest, status: str = "") -> Any:
    if not can_view_rectifications(request.user):
        raise HttpError(403, "整改跟踪仅县教育局、乡镇和学校可查看")
    today = timezone.localdate()
    rows = selectors.rectification_list(user=request.user, on=today, filters={"status": status})
    return [_rect(r, today) for r in rows]


@router.get("/rectifications/{rect_id}", response=RectOut, summary="一项整改")
def supervision_rectification(request: AuthedRequest, rect_id: int) -> Any:
    try:
        r = selectors.rectification_get(user=request.user, pk=rect_id)
    except Rectification.DoesNotExist:
        raise HttpError(404, "整改事项不存在或不在您的范围内") from None
    return _rect(r, timezone.localdate())
