"""Pages of the 师德档案: the records list and one teacher's file (records, sanctions, appraisals…)."""

from __future__ import annotations

from django.http import Http404, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from jiaoyun.core.types import AuthedRequest
from jiaoyun.people.choices import Title
from jiaoyun.people.models import Teacher
from jiaoyun.reports.export import Column, export_response, wants_export
from jiaoyun.teachers import conf, forms, selectors, services
from jiaoyun.teachers.choices import (
    AppraisalGrade,
    EthicsResult,
    HonourLevel,
    PledgeKind,
    Principle,
    RecordKind,
    SanctionType,
)
from jiaoyun.teachers.permissions import is_personnel
from jiaoyun.teachers.services.ethics import sanction_rule_rows
from jiaoyun.teachers.views.common import Action, act
from jiaoyun.web.charts import COUNT, bar, category_chart
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


def _guard(request: AuthedRequest) -> None:
    if not selectors.can_view_ethics(request.user):
        raise Http404("页面不存在")


def _teacher(request: AuthedRequest, pk: int) -> Teacher:
    """The teacher whose file the user may read (404 otherwise, as for a page the user may not open)."""
    _guard(request)
    try:
        return selectors.ethics_teacher_get(user=request.user, teacher_id=pk)
    except Teacher.DoesNotExist:
        raise Http404("教师不存在或无权查看") from None


def ethics(request: AuthedRequest) -> HttpResponse:
    _guard(request)
    qs = selectors.ethics_record_list(user=request.user, filters=request.GET)
    if wants_export(request):
        return export_response(
            request, rows=qs, columns=RECORD_COLUMNS, filename="师德记录", object_type="teachers.EthicsRecord"
        )
    labels = dict(Principle.choices)
    rows = selectors.ethics_by_principle(user=request.user)
    chart = category_chart(
        [str(labels.get(r["principle"], r["principle"])) for r in rows],
        [bar("违规记录", [r["n"] for r in rows])],
        unit=COUNT,
    )
    return render_page(
        request,
        "teachers/ethics.html",
        {
            "page": paginate(request, qs),
            "filters": request.GET,
            "kinds": RecordKind.choices,
            "principles": Principle.choices,
            "chart": chart,
            "sanctioned": selectors.sanctioned_now(user=request.user, on=timezone.localdate()),
            "teachers": selectors.ethics_teachers(user=request.user)[:1000],
            "can_manage": True,
        },
    )


def ethics_teacher(request: AuthedRequest, pk: int) -> HttpResponse:
    teacher = _teacher(request, pk)
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
            "year": forms.current_year(),
            "today": timezone.localdate(),
            "is_personnel": is_personnel(request.user),
        },
    )


ETHICS_ACTIONS: dict[str, Action[Teacher]] = {
    "record": (forms.RecordForm, "师德记录已登记", lambda u, t, d: services.ethics_record_create(
        actor=u, teacher=t, kind=d["kind"], date=d["date"], title=d["title"], principle=d["principle"],
        details=d["details"], source=d["source"])),
    "sanction": (forms.SanctionForm, "处理已登记", lambda u, t, d: services.sanction_impose(
        actor=u, record=d["record"], type=d["type"], start=d["start"], decided_by_body=d["body"])),
    "pledge": (forms.PledgeForm, "已登记", lambda u, t, d: services.pledge_record(
        actor=u, teacher=t, kind=d["kind"], date=d["date"], note=d["note"])),
    "appraisal": (forms.AppraisalForm, "年度考核已登记", lambda u, t, d: services.appraisal_record(
        actor=u, teacher=t, year=d["year"], grade=d["grade"], ethics=d["ethics"])),
    "title": (forms.TitleForm, "职称聘任已登记", lambda u, t, d: services.title_promote(
        actor=u, teacher=t, to_title=d["to_title"], date=d["date"])),
    "honour": (forms.HonourForm, "荣誉已登记", lambda u, t, d: services.honour_award(
        actor=u, teacher=t, name=d["name"], level=d["level"], date=d["date"])),
}  # fmt: skip


@require_POST
def ethics_action(request: AuthedRequest, pk: int) -> HttpResponse:
    teacher = _teacher(request, pk)
    return act(request, ETHICS_ACTIONS, teacher, back=lambda data: reverse("teachers:ethics_teacher", args=[pk]))
