from __future__ import annotations

import datetime as dt

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from jiaoyun.core.errors import DomainError
from jiaoyun.core.scope import scope_for
from jiaoyun.exchange.export import Column, export_response, wants_export
from jiaoyun.people.choices import Subject
from jiaoyun.teachers import selectors, services
from jiaoyun.teachers.choices import MoveStatus
from jiaoyun.teachers.models import RotationMove, RotationPlan
from jiaoyun.teachers.permissions import is_personnel
from jiaoyun.teachers.services.rotation import plan_problems
from jiaoyun.teachers.views.common import current_year, date_param, int_param, run
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


def rotation(request: HttpRequest) -> HttpResponse:
    plans = list(selectors.rotation_plans())
    year = int_param(request.GET.get("year"), plans[0].year if plans else current_year())
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
        chart = {
            "tooltip": {"trigger": "axis"},
            "legend": {"data": ["计划", "已到岗"]},
            "grid": {"left": 40, "right": 10, "bottom": 60},
            "xAxis": {"type": "category", "data": [r["to_school__township__name"] for r in rows],
                      "axisLabel": {"rotate": 30}},
            "yAxis": {"type": "value"},
            "series": [
                {"name": "计划", "type": "bar", "data": [r["planned"] for r in rows]},
                {"name": "已到岗", "type": "bar", "data": [r["done"] for r in rows]},
            ],
        }  # fmt: skip
    today = dt.date.today()
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
            "eligible": selectors.rotation_eligible_count(on=today) if scope_for(request.user).is_county else None,
            "can_manage": is_personnel(request.user),
            "next_year": current_year(),
            "today": today,
        },
    )


@require_POST
def rotation_action(request: HttpRequest) -> HttpResponse:
    action = request.POST.get("action")
    year = int_param(request.POST.get("year"), current_year()) or current_year()
    try:
        if action == "generate":
            start = date_param(request.POST.get("start_date") or f"{year}-09-01", "交流起始日期")
            run(request, services.rotation_plan_generate, "已生成交流轮岗计划", year=year, start_date=start)
        elif action == "approve":
            plan = selectors.rotation_plan_for(year=year)
            if plan is None:
                raise RotationPlan.DoesNotExist
            run(request, services.rotation_plan_approve, "计划已批准", plan=plan)
        elif action in ("done", "cancel"):
            move = selectors.rotation_move_get(user=request.user, move_id=int_param(request.POST.get("move"), 0))
            year = move.plan.year
            if action == "done":
                day = date_param(request.POST.get("date") or dt.date.today().isoformat(), "到岗日期")
                run(request, services.rotation_move_complete, f"{move.teacher.name}已到岗", move=move, date=day)
            else:
                run(request, services.rotation_move_cancel, "已取消", move=move, reason=request.POST.get("reason", ""))
    except (RotationPlan.DoesNotExist, RotationMove.DoesNotExist):
        from django.contrib import messages

        messages.error(request, "计划或人员不存在")
    except DomainError as exc:
        from django.contrib import messages

        messages.error(request, str(exc))
    return redirect(f"{reverse('teachers:rotation')}?year={year}")
