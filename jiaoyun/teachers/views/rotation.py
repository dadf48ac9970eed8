"""Pages of the teachers' exchange (交流轮岗): the year's plan, its moves and their completion."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.http import HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from jiaoyun.core.types import AuthedRequest
from jiaoyun.people.choices import Subject
from jiaoyun.reports.export import Column, export_response, wants_export
from jiaoyun.teachers import forms, selectors, services
from jiaoyun.teachers.choices import MoveStatus, PlanStatus
from jiaoyun.teachers.permissions import in_personnel_chain, is_personnel, require_rotation, sees_draft_rotation
from jiaoyun.teachers.services.rotation import plan_problems
from jiaoyun.teachers.views.common import Action, act
from jiaoyun.web.charts import COUNT, bar, category_chart
from jiaoyun.web.htmx import render_page
from jiaoyun.web.paging import paginate

MOVE_COLUMNS = [
    Column("教师", lambda m: m.teacher.name),
    Column("学科", lambda m: m.get_subject_display()),
    Column("骨干", lambda m: "是" if m.backbone else ""),
    Column("派出学校", lambda m: m.from_school.name),
    Column("接收学校", lambda m: m.to_school.name),
    Column("安排理由", lambda m: m.reason),
    Column("状态", lambda m: m.get_status_display()),
    Column("到岗日期", lambda m: m.done_date or ""),
]


def rotation(request: AuthedRequest) -> HttpResponse:
    require_rotation(request.user)
    plans = list(selectors.rotation_plans())
    year = forms.YearForm.year_of(request.GET, plans[0].year if plans else forms.current_year())
    plan = next((p for p in plans if p.year == year), None)
    moves = selectors.rotation_moves(user=request.user, plan=plan, filters=request.GET) if plan else None
    if plan and moves is not None and wants_export(request):
        return export_response(
            request,
            rows=moves,
            columns=MOVE_COLUMNS,
            filename=f"{plan.year}学年交流轮岗",
            object_type="teachers.RotationMove",
        )
    chart = None
    if plan:
        rows = selectors.rotation_by_township(user=request.user, plan=plan)
        chart = category_chart(
            [r["to_school__township__name"] for r in rows],
            [bar("计划", [r["planned"] for r in rows]), bar("已到岗", [r["done"] for r in rows])],
            unit=COUNT,
        )
    today = timezone.localdate()
    return render_page(
        request,
        "teachers/rotation.html",
        {
            "plans": plans,
            "plan": plan,
            "year": year,
            "page": paginate(request, moves) if moves is not None else None,
            "filters": request.GET,
            "subjects": Subject.choices,
            "statuses": MoveStatus.choices,
            "chart": chart,
            "problems": plan_problems(plan) if plan else [],
            "eligible": selectors.rotation_eligible_count(on=today) if in_personnel_chain(request.user) else None,
            # a 拟定 plan's names are the personnel chain's until approval (the table then holds no row)
            "names_withheld": plan is not None
            and not sees_draft_rotation(request.user)
            and plan.status == PlanStatus.PROPOSED,
            "can_manage": is_personnel(request.user),
            "next_year": forms.current_year(),
            "today": today,
        },
    )


ROTATION_ACTIONS: dict[str, Action[None]] = {
    "generate": (forms.GenerateForm, "已生成交流轮岗计划", lambda u, _, d: services.rotation_plan_generate(
        actor=u, year=d["year"], start_date=d["start_date"] or dt.date(d["year"], 9, 1))),
    "approve": (forms.ApproveForm, "计划已批准", lambda u, _, d: services.rotation_plan_approve(
        actor=u, plan=d["plan"])),
    "done": (forms.MoveDoneForm, lambda move: f"{move.teacher.name}已到岗", lambda u, _, d: services.rotation_move_complete(
        actor=u, move=d["move"], date=d["date"] or timezone.localdate())),
    "cancel": (forms.MoveCancelForm, "已取消", lambda u, _, d: services.rotation_move_cancel(
        actor=u, move=d["move"], reason=d["reason"])),
}  # fmt: skip


def _back(data: Mapping[str, Any]) -> str:
    """The rotation page of the plan acted on (the move's plan, else the year posted)."""
    move = data.get("move")
    year = move.plan.year if move else data.get("year") or forms.current_year()
    return f"{reverse('teachers:rotation')}?year={year}"


@require_POST
def rotation_action(request: AuthedRequest) -> HttpResponse:
    require_rotation(request.user)
    return act(request, ROTATION_ACTIONS, None, back=_back)
