"""Pages of the staffing quotas (编制核定) and subject gaps (学科缺口)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db.models import QuerySet
from django.http import HttpResponse
from django.urls import reverse
from django.views.decorators.http import require_POST

from jiaoyun.core.types import AuthedRequest
from jiaoyun.people.choices import Subject
from jiaoyun.reports.export import Column, export_response, wants_export
from jiaoyun.schools.choices_in_scope import township_choices
from jiaoyun.teachers import forms, selectors, services
from jiaoyun.teachers.permissions import is_personnel, require_quotas
from jiaoyun.teachers.views.common import quota_year, run_form
from jiaoyun.web.charts import bar, category_chart, line
from jiaoyun.web.htmx import hx_redirect, render_page
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


def _staffing_list(
    request: AuthedRequest,
    *,
    year: int,
    qs: QuerySet[Any],
    columns: list[Column],
    filename: str,
    object_type: str,
    template: str,
    context: Callable[[], dict[str, Any]],
) -> HttpResponse:
    """A per-school staffing list of one year (quotas or subject gaps): its export, or its page."""
    if wants_export(request):
        return export_response(
            request, rows=qs, columns=columns, filename=f"{year}学年{filename}", object_type=object_type, personal=False
        )
    return render_page(
        request,
        template,
        {
            "year": year,
            "years": selectors.quota_years() or [year],
            "page": paginate(request, qs),
            "filters": request.GET,
            "townships": township_choices(request.user),
            **context(),
        },
    )  # fmt: skip


def _dashboard_charts(request: AuthedRequest, year: int) -> dict[str, Any]:
    by_township = selectors.quota_by_township(user=request.user, year=year)
    by_subject = selectors.gap_by_subject(user=request.user, year=year)
    labels = dict(Subject.choices)
    chart = category_chart(
        [r["school__township__name"] for r in by_township],
        [
            bar("核定编制", [r["quota"] for r in by_township]),
            bar("实有在编", [r["actual"] for r in by_township]),
            line("缺编", [r["gap"] for r in by_township], lineStyle={"width": 0}, symbolSize=9),
        ],
        sort_by=2,  # the townships short of the most posts first
    )
    subject_chart = category_chart(
        [str(labels.get(r["subject"], r["subject"])) for r in by_subject],
        [bar("学科缺额", [float(r["short"] or 0) for r in by_subject])],
        y_name="人",
    )
    manage = is_personnel(request.user)
    return {
        "totals": selectors.county_totals(user=request.user, year=year),
        "by_township": by_township,
        "chart": chart,
        "subject_chart": subject_chart,
        "can_manage": manage,
        "standards": selectors.staffing_standards() if manage else [],
    }


def dashboard(request: AuthedRequest) -> HttpResponse:
    require_quotas(request.user)
    year = quota_year(request)
    return _staffing_list(
        request, year=year, qs=selectors.quota_list(user=request.user, year=year, filters=request.GET),
        columns=QUOTA_COLUMNS, filename="编制核定", object_type="teachers.QuotaSnapshot",
        template="teachers/dashboard.html", context=lambda: _dashboard_charts(request, year),
    )  # fmt: skip


def gaps(request: AuthedRequest) -> HttpResponse:
    require_quotas(request.user)
    year = quota_year(request)
    return _staffing_list(
        request, year=year, qs=selectors.subject_gap_list(user=request.user, year=year, filters=request.GET),
        columns=GAP_COLUMNS, filename="学科缺口", object_type="teachers.SubjectGap",
        template="teachers/gaps.html", context=lambda: {"subjects": Subject.choices},
    )  # fmt: skip


def _to_dashboard(year: int | None = None) -> str:
    url = reverse("teachers:dashboard")
    return f"{url}?year={year}" if year else url


@require_POST
def quota_compute(request: AuthedRequest) -> HttpResponse:
    form = forms.QuotaComputeForm(request.POST)
    year = form.cleaned_data["year"] if form.is_valid() else forms.current_year()
    run_form(request, form, lambda d: services.quota_compute(actor=request.user, year=d["year"]),
             f"已重新核算{year}学年编制")  # fmt: skip
    return hx_redirect(request, _to_dashboard(year))


@require_POST
def standard_edit(request: AuthedRequest) -> HttpResponse:
    form = forms.StandardForm(request.POST)
    run_form(
        request, form, lambda d: services.standard_update(actor=request.user, level=d["level"], **form.changes()),
        "编制标准已更新，请重新核算",
    )  # fmt: skip
    return hx_redirect(request, _to_dashboard())


@require_POST
def county_quota(request: AuthedRequest) -> HttpResponse:
    form = forms.CountyQuotaForm(request.POST)
    year = form.cleaned_data["year"] if form.is_valid() else forms.current_year()
    run_form(
        request, form, lambda d: services.county_quota_set(actor=request.user, year=d["year"],
                                                           approved_staffing=d["approved_staffing"],
                                                           approved_posts=d["approved_posts"]),
        "县域编制总量已保存",
    )  # fmt: skip
    return hx_redirect(request, _to_dashboard(year))
