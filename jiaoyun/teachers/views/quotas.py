from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from jiaoyun.areas.models import Area
from jiaoyun.core.scope import area_q
from jiaoyun.exchange.export import Column, export_response, wants_export
from jiaoyun.people.choices import Subject
from jiaoyun.teachers import selectors, services
from jiaoyun.teachers.models import StaffingStandard
from jiaoyun.teachers.permissions import is_personnel
from jiaoyun.teachers.views.common import current_year, int_param, run
from jiaoyun.web.htmx import render_page
from jiaoyun.web.paging import paginate

QUOTA_COLUMNS = [
    Column("学校", lambda r: r.school.name),
    Column("乡镇", lambda r: r.school.township.name),
    Column("在校生", lambda r: r.students),
    Column("班级数", lambda r: r.classes),
    Column("核定编制", lambda r: r.quota),
    Column("实有在编", lambda r: r.actual),
    Column("专任教师", lambda r: r.full_time),
    Column("缺编数", lambda r: r.gap),
    Column("核定依据", lambda r: r.basis),
]
GAP_COLUMNS = [
    Column("学校", lambda r: r.school.name),
    Column("乡镇", lambda r: r.school.township.name),
    Column("学科", lambda r: r.get_subject_display()),
    Column("需配教师", lambda r: r.need),
    Column("实有教师", lambda r: r.actual),
    Column("缺口", lambda r: r.gap),
]


def _year(request: HttpRequest) -> int:
    years = selectors.quota_years()
    return int_param(request.GET.get("year"), years[0] if years else current_year()) or current_year()


def _townships(request: HttpRequest):  # type: ignore[no-untyped-def]
    return Area.objects.filter(area_q(request.user), level="township").order_by("sort", "code")


def dashboard(request: HttpRequest) -> HttpResponse:
    year = _year(request)
    qs = selectors.quota_list(user=request.user, year=year, filters=request.GET)
    if wants_export(request):
        return export_response(
            request, rows=qs, columns=QUOTA_COLUMNS, filename=f"{year}学年编制核定", object_type="teachers.QuotaSnapshot",
            personal=False,
        )  # fmt: skip
    by_township = selectors.quota_by_township(user=request.user, year=year)
    by_subject = selectors.gap_by_subject(user=request.user, year=year)
    labels = dict(Subject.choices)
    chart = {
        "tooltip": {"trigger": "axis"},
        "legend": {"data": ["核定编制", "实有在编", "缺编"]},
        "grid": {"left": 40, "right": 10, "bottom": 60},
        "xAxis": {"type": "category", "data": [r["school__township__name"] for r in by_township],
                  "axisLabel": {"rotate": 30}},
        "yAxis": {"type": "value"},
        "series": [
            {"name": "核定编制", "type": "bar", "data": [r["quota"] for r in by_township]},
            {"name": "实有在编", "type": "bar", "data": [r["actual"] for r in by_township]},
            {"name": "缺编", "type": "line", "data": [r["gap"] for r in by_township]},
        ],
    }  # fmt: skip
    subject_chart = {
        "tooltip": {"trigger": "axis"},
        "grid": {"left": 40, "right": 10, "bottom": 60},
        "xAxis": {"type": "category", "data": [labels.get(r["subject"], r["subject"]) for r in by_subject],
                  "axisLabel": {"rotate": 30}},
        "yAxis": {"type": "value", "name": "缺额（人）"},
        "series": [{"name": "学科缺额", "type": "bar", "data": [float(r["short"] or 0) for r in by_subject]}],
    }  # fmt: skip
    return render_page(
        request,
        "teachers/dashboard.html",
        {
            "year": year,
            "years": selectors.quota_years() or [year],
            "page": paginate(request, qs),
            "filters": request.GET,
            "townships": _townships(request),
            "totals": selectors.county_totals(user=request.user, year=year),
            "by_township": by_township,
            "chart": chart,
            "subject_chart": subject_chart,
            "can_manage": is_personnel(request.user),
            "standards": StaffingStandard.objects.all() if is_personnel(request.user) else [],
        },
    )


def gaps(request: HttpRequest) -> HttpResponse:
    year = _year(request)
    qs = selectors.subject_gap_list(user=request.user, year=year, filters=request.GET)
    if wants_export(request):
        return export_response(
            request, rows=qs, columns=GAP_COLUMNS, filename=f"{year}学年学科缺口", object_type="teachers.SubjectGap",
            personal=False,
        )  # fmt: skip
    return render_page(
        request,
        "teachers/gaps.html",
        {
            "year": year,
            "years": selectors.quota_years() or [year],
            "page": paginate(request, qs),
            "filters": request.GET,
            "townships": _townships(request),
            "subjects": Subject.choices,
        },
    )


@require_POST
def quota_compute(request: HttpRequest) -> HttpResponse:
    year = int_param(request.POST.get("year"), current_year()) or current_year()
    run(request, services.quota_compute, f"已重新核算{year}学年编制", year=year)
    return redirect(f"{reverse('teachers:dashboard')}?year={year}")


@require_POST
def standard_edit(request: HttpRequest) -> HttpResponse:
    fields = {
        k: request.POST.get(k)
        for k in ("students_per_staff", "staff_per_class", "small_below", "boarding_rate")
        if request.POST.get(k) not in (None, "")
    }
    run(request, services.standard_update, "编制标准已更新，请重新核算", level=request.POST.get("level", ""), **fields)
    return redirect("teachers:dashboard")


@require_POST
def county_quota(request: HttpRequest) -> HttpResponse:
    year = int_param(request.POST.get("year"), current_year()) or current_year()
    run(
        request,
        services.county_quota_set,
        "县域编制总量已保存",
        year=year,
        approved_staffing=int_param(request.POST.get("approved_staffing"), 0) or 0,
        approved_posts=int_param(request.POST.get("approved_posts"), 0) or 0,
    )
    return redirect(f"{reverse('teachers:dashboard')}?year={year}")
