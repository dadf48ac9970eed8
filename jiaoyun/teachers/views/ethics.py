from __future__ import annotations

import datetime as dt

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from jiaoyun.core.errors import DomainError
from jiaoyun.exchange.export import Column, export_response, wants_export
from jiaoyun.people.choices import Title
from jiaoyun.people.models import Teacher
from jiaoyun.teachers import conf, selectors, services
from jiaoyun.teachers.choices import (
    AppraisalGrade,
    EthicsResult,
    HonourLevel,
    PledgeKind,
    Principle,
    RecordKind,
    SanctionType,
)
from jiaoyun.teachers.models import EthicsRecord
from jiaoyun.teachers.permissions import is_personnel
from jiaoyun.teachers.services.ethics import sanction_rule_rows
from jiaoyun.teachers.views.common import current_year, date_param, int_param, opt_int, run
from jiaoyun.web.htmx import render_page
from jiaoyun.web.paging import paginate

RECORD_COLUMNS = [
    Column("日期", lambda r: r.date),
    Column("教师", lambda r: r.teacher.name),
    Column("学校", lambda r: r.teacher.school.name if r.teacher.school else ""),
    Column("类别", lambda r: r.get_kind_display()),
    Column("对应准则", lambda r: r.get_principle_display() if r.principle else ""),
    Column("事由", lambda r: r.title),
    Column("处理", lambda r: "；".join(str(s) for s in r.sanctions.all())),
]


def _guard(request: HttpRequest) -> None:
    if not selectors.can_view_ethics(request.user):
        raise Http404("页面不存在")


def ethics(request: HttpRequest) -> HttpResponse:
    _guard(request)
    qs = selectors.ethics_record_list(user=request.user, filters=request.GET)
    if wants_export(request):
        return export_response(
            request, rows=qs, columns=RECORD_COLUMNS, filename="师德记录", object_type="teachers.EthicsRecord"
        )
    labels = dict(Principle.choices)
    rows = selectors.ethics_by_principle(user=request.user)
    chart = {
        "tooltip": {"trigger": "axis"},
        "grid": {"left": 140, "right": 10},
        "xAxis": {"type": "value", "minInterval": 1},
        "yAxis": {"type": "category", "data": [str(labels.get(r["principle"], r["principle"])) for r in rows]},
        "series": [{"name": "违规记录", "type": "bar", "data": [r["n"] for r in rows]}],
    }
    return render_page(
        request,
        "teachers/ethics.html",
        {
            "page": paginate(request, qs),
            "filters": request.GET,
            "kinds": RecordKind.choices,
            "principles": Principle.choices,
            "chart": chart,
            "sanctioned": selectors.sanctioned_now(user=request.user, on=dt.date.today()),
            "teachers": selectors.ethics_teachers(user=request.user)[:1000],
            "can_manage": True,
        },
    )


def ethics_teacher(request: HttpRequest, pk: int) -> HttpResponse:
    _guard(request)
    try:
        teacher = selectors.ethics_teacher_get(user=request.user, teacher_id=pk)
    except Teacher.DoesNotExist:
        raise Http404("教师不存在或无权查看") from None
    file = selectors.ethics_teacher_file(user=request.user, teacher=teacher)
    return render_page(
        request,
        "teachers/ethics_teacher.html",
        {
            "teacher": teacher,
            "records": file.records,
            "active": file.sanctions,
            "pledges": selectors.teacher_pledges(user=request.user, teacher=teacher),
            "appraisals": file.appraisals,
            "promotions": file.promotions,
            "honours": file.honours,
            "sanction_types": SanctionType.choices,
            "grades": AppraisalGrade.choices,
            "ethics_results": EthicsResult.choices,
            "rules": sanction_rule_rows(),
            "ethics_fail_following": conf.get("TEACHERS_ETHICS_FAIL_VETO_FOLLOWING_YEARS"),
            "titles": Title.choices,
            "levels": HonourLevel.choices,
            "pledge_kinds": PledgeKind.choices,
            "principles": Principle.choices,
            "kinds": RecordKind.choices,
            "year": current_year(),
            "today": dt.date.today(),
            "is_personnel": is_personnel(request.user),
        },
    )


@require_POST
def ethics_action(request: HttpRequest, pk: int) -> HttpResponse:
    _guard(request)
    try:
        teacher = selectors.ethics_teacher_get(user=request.user, teacher_id=pk)
    except Teacher.DoesNotExist:
        raise Http404("教师不存在或无权查看") from None
    p = request.POST
    action = p.get("action")
    try:
        if action == "record":
            principle = opt_int(p.get("principle"))
            run(
                request, services.ethics_record_create, "师德记录已登记", teacher=teacher, kind=p.get("kind", ""),
                date=date_param(p.get("date"), "日期"), title=p.get("title", ""), principle=principle,
                details=p.get("details", ""), source=p.get("source", ""),
            )  # fmt: skip
        elif action == "sanction":
            record = selectors.ethics_record_get(
                user=request.user, teacher=teacher, record_id=int_param(p.get("record"), 0)
            )
            run(
                request, services.sanction_impose, "处理已登记", record=record, type=p.get("type", ""),
                start=date_param(p.get("start"), "起始日期"), decided_by_body=p.get("body", ""),
            )  # fmt: skip
        elif action == "pledge":
            run(
                request, services.pledge_record, "已登记", teacher=teacher, kind=p.get("kind", ""),
                date=date_param(p.get("date"), "日期"), note=p.get("note", ""),
            )  # fmt: skip
        elif action == "appraisal":
            run(
                request, services.appraisal_record, "年度考核已登记", teacher=teacher,
                year=int_param(p.get("year"), current_year()), grade=p.get("grade", ""),
                ethics=p.get("ethics", "pass"),
            )  # fmt: skip
        elif action == "title":
            run(
                request, services.title_promote, "职称聘任已登记", teacher=teacher, to_title=p.get("to_title", ""),
                date=date_param(p.get("date"), "聘任日期"),
            )  # fmt: skip
        elif action == "honour":
            run(
                request, services.honour_award, "荣誉已登记", teacher=teacher, name=p.get("name", ""),
                level=p.get("level", ""), date=date_param(p.get("date"), "授予日期"),
            )  # fmt: skip
    except EthicsRecord.DoesNotExist:
        raise Http404("记录不存在") from None
    except DomainError as exc:
        from django.contrib import messages

        messages.error(request, str(exc))
    return redirect("teachers:ethics_teacher", pk=teacher.pk)
