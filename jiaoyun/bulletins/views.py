"""Pages of the 督查通报: the list (and the month's compile), a bulletin (draft preview → issue, or the issued
archive), the decisions followed to closure, the evidence download and the 数据大屏."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, HttpResponseBase
from django.shortcuts import redirect
from django.utils import timezone
from django.views.decorators.http import require_POST

from jiaoyun.areas.choices import AreaLevel
from jiaoyun.areas.models import Area
from jiaoyun.bulletins import selectors, services
from jiaoyun.bulletins.choices import Addressee, DecisionKind, DecisionState
from jiaoyun.bulletins.models import Decision, DecisionEvent, SupervisionBulletin
from jiaoyun.bulletins.permissions import can_read, can_view_screen, is_supervision
from jiaoyun.core.audit import audit_record
from jiaoyun.core.choices import AuditAction, Section
from jiaoyun.core.errors import DomainError
from jiaoyun.core.errors import PermissionDenied as DomainPermissionDenied
from jiaoyun.core.files import content_disposition, serve
from jiaoyun.core.types import AuthedRequest
from jiaoyun.reports.forms import MonthPickForm, ended_months, month_choices
from jiaoyun.schools.models import School
from jiaoyun.web import charts
from jiaoyun.web.htmx import render_page
from jiaoyun.web.paging import paginate


def _bulletin(request: AuthedRequest, pk: int) -> SupervisionBulletin:
    try:
        return selectors.bulletin_get(user=request.user, bulletin_id=pk)
    except SupervisionBulletin.DoesNotExist:
        raise Http404("通报不存在")


def _fail(request: AuthedRequest, exc: DomainError) -> None:
    if isinstance(exc, DomainPermissionDenied):
        raise PermissionDenied(str(exc))
    messages.error(request, str(exc))


def bulletin_list(request: AuthedRequest) -> HttpResponse:
    if not can_read(request.user):
        raise PermissionDenied("督查通报面向有数据范围的用户")
    supervision = is_supervision(request.user)
    months = ended_months(timezone.localdate())
    listed = selectors.bulletin_list(user=request.user)
    known = {b.month: b for b in listed.filter(month__in=months)}
    choices = month_choices(months, {m: (b.number or "草稿") for m, b in known.items()})
    form = MonthPickForm(request.POST or None, months=choices, initial={"month": f"{months[0]:%Y-%m}"})
    if request.method == "POST":
        if not supervision:
            raise PermissionDenied("督查通报由督导室汇编")
        if form.is_valid():
            month = dt.date.fromisoformat(form.cleaned_data["month"] + "-01")
            try:
                bulletin = services.bulletin_compile(actor=request.user, month=month)
            except DomainError as exc:
                _fail(request, exc)
            else:
                messages.success(request, f"{bulletin}草稿已汇编，请预览后印发")
                return redirect("bulletins:detail", pk=bulletin.pk)
    return render_page(request, "bulletins/list.html",
                       {"form": form, "page": paginate(request, listed), "can_compile": supervision})  # fmt: skip


def bulletin_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    bulletin = _bulletin(request, pk)
    content = bulletin.content
    sections = [{**s, "number": services.numeral(i)} for i, s in enumerate(content.get("sections", []), start=1)]
    context = {
        "bulletin": bulletin,
        "c": content,
        "sections": sections,
        "can_edit": is_supervision(request.user) and not bulletin.is_issued,
        "decisions": list(bulletin.decisions.all()) if bulletin.is_issued else [],
        "proposed": list(enumerate(content.get("decisions", []))),
        "kinds": DecisionKind.choices,
        "addressees": Addressee.choices,
        "townships": Area.objects.filter(level=AreaLevel.TOWNSHIP).order_by("sort", "code")
        if not bulletin.is_issued
        else [],
        "schools": School.objects.order_by("code").only("pk", "name") if not bulletin.is_issued else [],
        "sections_choices": [c for c in Section.choices if c[0]],
    }
    return render_page(request, "bulletins/detail.html", context)


@require_POST
def bulletin_issue(request: AuthedRequest, pk: int) -> HttpResponse:
    bulletin = _bulletin(request, pk)
    try:
        bulletin = services.bulletin_issue(actor=request.user, bulletin=bulletin)
    except DomainError as exc:
        _fail(request, exc)
    else:
        messages.success(request, f"{bulletin}已印发（{bulletin.number}），{bulletin.decisions.count()}项决定已下达")
    return redirect("bulletins:detail", pk=pk)


@require_POST
def decision_add(request: AuthedRequest, pk: int) -> HttpResponse:
    bulletin = _bulletin(request, pk)
    data = request.POST
    kind = data.get("addressee_kind", "")

    def pick(model: type, key: str) -> object | None:
        value = data.get(key, "")
        return model.objects.filter(pk=int(value)).first() if value.isdigit() else None  # type: ignore[attr-defined]

    try:
        services.bulletin_decision_add(
            actor=request.user, bulletin=bulletin, kind=kind, township=pick(Area, "township"),  # type: ignore[arg-type]
            school=pick(School, "school"), section=data.get("section", ""),  # type: ignore[arg-type]
            matter_label=data.get("matter_label", ""), decision=data.get("decision", ""), reason=data.get("reason", ""),
        )  # fmt: skip
    except DomainError as exc:
        _fail(request, exc)
    else:
        messages.success(request, "决定已加入草稿")
    return redirect("bulletins:detail", pk=pk)


@require_POST
def decision_drop(request: AuthedRequest, pk: int) -> HttpResponse:
    bulletin = _bulletin(request, pk)
    index = request.POST.get("index", "")
    try:
        services.bulletin_decision_drop(
            actor=request.user, bulletin=bulletin, index=int(index) if index.isdigit() else -1
        )
    except DomainError as exc:
        _fail(request, exc)
    else:
        messages.success(request, "已从草稿中删除该决定")
    return redirect("bulletins:detail", pk=pk)


def bulletin_pdf(request: AuthedRequest, pk: int) -> HttpResponse:
    bulletin = _bulletin(request, pk)
    if not bulletin.is_issued:
        raise Http404("草稿没有归档文件，请印发后下载")
    response = HttpResponse(bytes(bulletin.pdf), content_type="application/pdf")
    response["Content-Disposition"] = content_disposition(f"督查通报-{bulletin.month:%Y-%m}.pdf")
    return response


def decision_list(request: AuthedRequest) -> HttpResponse:
    qs = selectors.decision_list(user=request.user, filters=request.GET)
    return render_page(request, "bulletins/decisions.html",
                       {"page": paginate(request, qs), "states": DecisionState.choices,
                        "state": request.GET.get("state", ""), "open": request.GET.get("open", "")})  # fmt: skip


def decision_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    try:
        decision = selectors.decision_get(user=request.user, decision_id=pk)
    except Decision.DoesNotExist:
        raise Http404("决定不存在")
    if request.method == "POST":
        act = request.POST.get("act", "")
        try:
            if act == "report":
                services.decision_report(actor=request.user, decision=decision, note=request.POST.get("note", ""),
                                         evidence=request.FILES.get("evidence"))  # fmt: skip
                messages.success(request, "整改情况已反馈，等待督导室核验")
            elif act in ("verify", "return"):
                services.decision_verify(actor=request.user, decision=decision, passed=act == "verify",
                                         note=request.POST.get("note", ""))  # fmt: skip
                messages.success(request, "已核验销号" if act == "verify" else "已退回")
            else:
                raise DomainError("未知操作", field="操作")
        except DomainError as exc:
            _fail(request, exc)
        return redirect("bulletins:decision", pk=pk)
    context = {
        "d": decision,
        "events": selectors.decision_events(decision=decision),
        "can_report": services.can_answer(request.user, decision)
        and decision.state in (DecisionState.ISSUED, DecisionState.OVERDUE),
        "can_verify": is_supervision(request.user)
        and request.user.can_write
        and decision.state == DecisionState.REPORTED,
    }
    return render_page(request, "bulletins/decision.html", context)


def evidence_file(request: AuthedRequest, pk: int) -> HttpResponseBase:
    try:
        event = selectors.evidence_get(user=request.user, event_id=pk)
    except DecisionEvent.DoesNotExist:
        raise Http404("文件不存在")
    if not event.evidence:
        raise Http404("文件不存在")
    audit_record(
        actor=request.user, action=AuditAction.EXPORT, obj=event.decision, note=f"下载佐证材料{event.evidence_name}"
    )
    return serve(request, event.evidence, filename=event.evidence_name or "evidence")


LIGHT, FAINT = "#e6edf3", "#223049"


def _dark(option: dict[str, Any]) -> dict[str, Any]:
    """An ECharts option readable on the 大屏's dark background (light labels and legend, faint grid lines)."""
    option = {**option, "backgroundColor": "transparent", "textStyle": {"color": LIGHT, "fontSize": 16}}
    for key in ("xAxis", "yAxis"):
        axis = option.get(key)
        if isinstance(axis, dict):
            option[key] = {**axis, "axisLabel": {**axis.get("axisLabel", {}), "color": LIGHT, "fontSize": 15},
                           "splitLine": {"lineStyle": {"color": FAINT}}, "nameTextStyle": {"color": LIGHT}}  # fmt: skip
    if isinstance(option.get("legend"), dict):
        option["legend"] = {**option["legend"], "textStyle": {"color": LIGHT, "fontSize": 15}}
    if isinstance(option.get("title"), dict):
        option["title"] = {**option["title"], "textStyle": {"color": LIGHT}}
    return option


def screen(request: AuthedRequest) -> HttpResponse:
    """数据大屏: the county on one dark, full-screen page that refreshes itself every minute (HTMX polling)."""
    if not can_view_screen(request.user):
        raise PermissionDenied("数据大屏供县级用户使用")
    f = selectors.screen_figures(on=timezone.localdate())
    still = charts.category_chart(f["townships"], [charts.bar("仍未返校", f["still_out"]),
                                                   charts.bar("逾期步骤", f["dropout_overdue"])], sort_by=None)  # fmt: skip
    hazards = charts.category_chart(f["townships"], [charts.bar("逾期未整改隐患", f["hazards_late"], color="#f0883e")],
                                    sort_by=None)  # fmt: skip
    projects_chart = None
    if f["projects"]:
        rows = f["projects"]["by_township"]
        projects_chart = _dark(charts.category_chart([r[0] for r in rows], [charts.bar("已投入使用", [r[1] for r in rows]),
                               charts.bar("项目总数", [r[2] for r in rows])], sort_by=None))  # fmt: skip
    context = {
        "f": f,
        "still_chart": _dark(still),
        "hazards_chart": _dark(hazards),
        "projects_chart": projects_chart,
        "refreshed": timezone.localtime(),
    }
    return render_page(request, "bulletins/screen.html", context)
