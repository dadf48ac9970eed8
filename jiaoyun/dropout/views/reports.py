"""学校月报告, 季度复核 and the monthly 通报."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone

from jiaoyun.core.errors import DomainError
from jiaoyun.core.errors import PermissionDenied as DomainPermissionDenied
from jiaoyun.core.types import AuthedRequest
from jiaoyun.dropout import forms, selectors, services
from jiaoyun.dropout.filters import month_start
from jiaoyun.dropout.models import Bulletin
from jiaoyun.dropout.permissions import is_county
from jiaoyun.dropout.views.common import filter_options
from jiaoyun.reports.export import Column, export_response, wants_export
from jiaoyun.reports.forms import MonthPickForm, ended_months, month_choices
from jiaoyun.web.htmx import render_page
from jiaoyun.web.paging import paginate

# ---------------------------------------------------------------- reports and bulletins


def _month(text: str) -> dt.date:
    month = month_start(text)
    if month is None:
        raise DomainError(f"月份“{text}”格式应为YYYY-MM", field="月份")
    return month


def reports(request: AuthedRequest) -> HttpResponse:
    schools = selectors.filter_places(user=request.user)["schools"]
    report_form = forms.MonthlyReportForm(request.POST if request.POST.get("form") == "report" else None)
    review_form = forms.ReviewForm(request.POST if request.POST.get("form") == "review" else None)
    report_form.fields["school"].queryset = schools  # type: ignore[attr-defined]
    review_form.fields["school"].queryset = schools  # type: ignore[attr-defined]
    if request.method == "POST":
        try:
            if report_form.is_bound and report_form.is_valid():
                d = report_form.cleaned_data
                services.monthly_report_submit(
                    actor=request.user, school=d["school"], month=_month(d["month"]), note=d["note"]
                )
                messages.success(request, "月报告已提交并锁定")
            elif review_form.is_bound and review_form.is_valid():
                d = review_form.cleaned_data
                services.quarterly_review_mark(actor=request.user, school=d["school"], year=d["year"],
                                               quarter=d["quarter"], result=d["result"], note=d["note"])  # fmt: skip
                messages.success(request, "季度复核已记录")
            else:
                messages.error(request, "表单填写有误")
        except DomainError as exc:
            messages.error(request, str(exc))
        return redirect("dropout:reports")
    qs = selectors.monthly_report_list(user=request.user, filters=request.GET)
    if wants_export(request):
        return export_response(request, rows=qs, columns=REPORT_COLUMNS, filename="学校月报告",
                               object_type="dropout.SchoolMonthlyReport", personal=False)  # fmt: skip
    return render_page(
        request,
        "dropout/reports.html",
        {"report_form": report_form, "review_form": review_form, "can_review": is_county(request.user),
         "page": paginate(request, qs), "missing": selectors.monthly_report_missing(user=request.user,
                                                                                   filters=request.GET),
         "reviews": selectors.review_list(user=request.user)[:50], **filter_options(request)},
    )  # fmt: skip


REPORT_COLUMNS = [
    Column("月份", lambda r: f"{r.month:%Y-%m}"),
    Column("乡镇", lambda r: r.school.township.name if r.school.township else ""),
    Column("学校", lambda r: r.school.name),
    Column("新增疑似", lambda r: r.figures.get("suspected_new", 0)),
    Column("新确认", lambda r: r.figures.get("confirmed_new", 0)),
    Column("复学", lambda r: r.figures.get("returned", 0)),
    Column("未返校", lambda r: r.figures.get("still_out", 0)),
    Column("劝返次数", lambda r: r.figures.get("attempts", 0)),
    Column("情况说明", lambda r: r.note),
    Column("报告人", lambda r: str(r.submitted_by) if r.submitted_by else ""),
    Column("提交时间", lambda r: timezone.localtime(r.submitted_at).strftime("%Y-%m-%d %H:%M")),
]


def _number(bulletin: Bulletin) -> str:
    """The 发文字号 of a listed bulletin (annotated by ``bulletin_list``; "" for one archived before it had one)."""
    return str(getattr(bulletin, "number", "") or "")


def _month_label(month: dt.date) -> str:
    return f"{month.year}年{month.month}月"


def bulletins(request: AuthedRequest) -> HttpResponse:
    """The archived 月度通报 and, for the county, the form generating a month's: the month is picked from the
    months that have ended; a month already generated is said so, with a link to open it."""
    months = ended_months(timezone.localdate())
    archived = selectors.bulletin_months(user=request.user, months=months)
    choices = month_choices(months, {m: _number(b) for m, b in archived.items()})
    form = MonthPickForm(request.POST or None, months=choices,
                              initial={"month": next((f"{m:%Y-%m}" for m in months if m not in archived), None)})  # fmt: skip
    notice = None
    if request.method == "POST":
        if not is_county(request.user):
            raise PermissionDenied("月度通报由县教育体育局生成")
        if form.is_valid():
            month = _month(form.cleaned_data["month"])
            existing = archived.get(month)
            if existing is not None:
                number = f"（{_number(existing)}）" if _number(existing) else ""
                notice = {
                    "text": f"{_month_label(month)}的通报已生成{number}。已归档的通报不能重新生成，如需更正请另行发文。",
                    "url": reverse("dropout:bulletin_file", args=[existing.pk, "pdf"]),
                    "label": f"打开{_month_label(month)}的通报",
                }
            else:
                try:
                    bulletin = services.bulletin_generate(actor=request.user, month=month)
                except (DomainError, DomainPermissionDenied) as exc:
                    messages.error(request, str(exc))
                else:
                    number = bulletin.figures.get("document", {}).get("number", "")
                    messages.success(request, f"{_month_label(month)}的通报已生成并归档（{number}）")
                return redirect("dropout:bulletins")
    return render_page(
        request,
        "dropout/bulletins.html",
        {"form": form, "notice": notice, "page": paginate(request, selectors.bulletin_list(user=request.user)),
         "can_generate": is_county(request.user)},
    )  # fmt: skip


def bulletin_file(request: AuthedRequest, pk: int, fmt: str) -> HttpResponse:
    try:
        bulletin = selectors.bulletin_get(user=request.user, bulletin_id=pk)
    except Bulletin.DoesNotExist:
        raise Http404
    if fmt == "pdf":
        response = HttpResponse(bytes(bulletin.pdf), content_type="application/pdf")
    elif fmt == "xlsx":
        response = HttpResponse(
            bytes(bulletin.xlsx), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
    else:
        raise Http404
    response["Content-Disposition"] = f'attachment; filename="bulletin-{bulletin.month:%Y-%m}.{fmt}"'
    return response
