"""The supervision pages: the plan (director's page), items, 挂钩联系, 督学责任区, 整改, the assessment."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any, TypeVar

from django import forms as djforms
from django.contrib import messages
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.http import Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from jiaoyun.core.audit import audit_record
from jiaoyun.core.choices import AuditAction, Section
from jiaoyun.core.errors import DomainError
from jiaoyun.core.files import serve as serve_file
from jiaoyun.core.types import AuthedRequest
from jiaoyun.reports.export import Column, export_response, wants_export
from jiaoyun.supervision import assessment, forms, selectors, services
from jiaoyun.supervision.choices import OVERDUE, OVERDUE_LABEL, AssessKind, AssessLevel, ItemStatus, Part, RectStatus
from jiaoyun.supervision.measures import measure_url, measure_value
from jiaoyun.supervision.models import AssessmentIndicator
from jiaoyun.supervision.permissions import (
    can_inspect,
    can_manage,
    can_report,
    can_verify_rectification,
    can_view,
    can_view_assessment,
    can_view_rectifications,
    can_work_rectification,
    is_county,
    require,
)
from jiaoyun.web.charts import COUNT, bar, category_chart
from jiaoyun.web.htmx import hx_redirect, render_page
from jiaoyun.web.paging import paginate

T = TypeVar("T")


def _view(request: AuthedRequest) -> None:
    require(can_view(request.user), "工作计划与督导仅县教育局、县领导和乡镇可查看")


def _in_scope(request: AuthedRequest, get: Callable[..., T], pk: int, what: str) -> T:
    """``get(user=…, pk=…)``, a selector reading one row within the user's scope; 404 naming ``what`` when the
    row does not exist or is out of the scope (the two are not told apart)."""
    try:
        return get(user=request.user, pk=pk)
    except ObjectDoesNotExist:
        raise Http404(f"{what}不存在或不在您的范围内")


def _errors(form: djforms.BaseForm) -> str:
    return "；".join(
        f"{(form.fields[k].label or '') if k in form.fields else ''}{'，'.join(str(e) for e in v)}"
        for k, v in form.errors.items()
    )


def _run(request: AuthedRequest, form: djforms.BaseForm, fn: Callable[[dict[str, Any]], Any], done: str,
         then: str | Callable[[Any], str]) -> HttpResponse | None:  # fmt: skip
    """Validate ``form``, run ``fn(cleaned_data)`` (a service), word the outcome; the redirect on success."""
    if not form.is_valid():
        messages.error(request, _errors(form))
        return None
    try:
        result = fn(form.cleaned_data)
    except DomainError as exc:
        messages.error(request, str(exc))
        return None
    messages.success(request, done)
    return hx_redirect(request, then(result) if callable(then) else then)


def _today(request: AuthedRequest) -> dt.date:
    return timezone.localdate()


# ---------------------------------------------------------------- the plan

PLAN_COLUMNS = [
    Column("编号", lambda r: r["item"].code),
    Column("部分", lambda r: r["item"].get_part_display()),
    Column("任务", lambda r: r["item"].title),
    Column("牵头股室", lambda r: r["item"].get_section_display()),
    Column("配合股室", lambda r: "、".join(r["item"].co_owner_labels())),
    Column("目标值", lambda r: r["item"].target),
    Column("进度（%）", lambda r: r["item"].percent),
    Column("状态", lambda r: r["status_label"]),
    Column("下一节点", lambda r: r["next"].title if r["next"] else ""),
    Column("节点期限", lambda r: r["next"].due if r["next"] else ""),
    Column("逾期天数", lambda r: r["days_late"] or ""),
]


def plan(request: AuthedRequest) -> HttpResponse:
    """The director's page: the year's tasks, the late ones and whose, roll-ups by part, 股室 and township."""
    _view(request)
    today = _today(request)
    year = request.GET.get("year", "")
    p = selectors.plan_get(year=int(year) if year.isdigit() else None)
    if request.method == "POST":
        require(can_manage(request.user), "只有督导室或县局管理员可以建立或复制工作计划")
        if request.POST.get("action") == "seed":
            form: djforms.Form = djforms.Form(request.POST)
            done = _run(request, form, lambda d: services.plan_seed(actor=request.user, year=2021),
                        "已按2021年工作计划建立任务", lambda new: f"{reverse('supervision:plan')}?year={new.year}")  # fmt: skip
        else:
            form = forms.CopyForm(request.POST)
            if p is None:
                raise Http404("该年度没有工作计划")
            plan_now = p
            done = _run(request, form, lambda d: services.plan_copy(actor=request.user, plan=plan_now, year=d["year"]),
                        "已复制工作计划，请逐项修改", lambda new: f"{reverse('supervision:plan')}?year={new.year}")  # fmt: skip
        if done:
            return done
    context: dict[str, Any] = {"plan": p, "years": selectors.plan_years(), "today": today,
                               "can_manage": can_manage(request.user), "filters": request.GET,
                               "statuses": ItemStatus.choices, "parts": Part.choices,
                               "sections": [c for c in Section.choices if c[0]],
                               "copy_form": forms.CopyForm(initial={"year": (p.year + 1) if p else today.year})}  # fmt: skip
    if p is not None:
        board = selectors.plan_board(
            user=request.user,
            plan=p,
            on=min(today, dt.date(p.year, 12, 31)) if p.year < today.year else today,
            filters=request.GET,
        )
        if wants_export(request):
            return export_response(request, rows=board["rows"], columns=PLAN_COLUMNS, filename=f"{p.year}年工作计划",
                                   object_type="supervision.PlanItem", personal=False)  # fmt: skip
        parts = board["rollup"]["parts"]
        context.update(board)
        context["chart_parts"] = category_chart(
            [r["label"][:6] for r in parts],
            [bar("已完成", [r["done"] for r in parts], stack="s"), bar("推进中", [r["on_track"] for r in parts], stack="s"),
             bar("未开始", [r["not_started"] for r in parts], stack="s"), bar("逾期", [r["late"] for r in parts], stack="s")],
            ordinal=True, unit=COUNT, rotate=30,
        )  # fmt: skip
    return render_page(request, "supervision/plan.html", context)


def item(request: AuthedRequest, pk: int) -> HttpResponse:
    """One task: its milestones, measure, progress reports with evidence; the owners report here."""
    _view(request)
    it = _in_scope(request, selectors.item_get, pk, "计划任务")
    report_form = forms.ReportForm(item=it)
    milestone_form = forms.MilestoneForm()
    if request.method == "POST":
        then = reverse("supervision:item", args=[it.pk])
        if request.POST.get("action") == "milestone":
            milestone_form = forms.MilestoneForm(request.POST)
            done = _run(request, milestone_form, lambda d: services.milestone_add(
                actor=request.user, item=it, title=d["title"], due=d["due"]), "已增加节点", then)  # fmt: skip
        else:
            report_form = forms.ReportForm(request.POST, request.FILES, item=it)
            done = _run(request, report_form, lambda d: services.progress_report(
                actor=request.user, item=it, percent=d["percent"], note=d["note"], milestone=d["milestone"],
                files=[d["evidence"]] if d["evidence"] else []), "已提交进展报告", then)  # fmt: skip
        if done:
            return done
    today = _today(request)
    context = {"it": it, "status": ItemStatus(selectors.item_status(it, today)).label, "today": today,
               "measure": measure_value(it.measure_kind, it.measure_ref) if it.measure_kind else None,
               "measure_url": measure_url(it.measure_kind, it.measure_ref),
               "can_report": can_report(request.user, it), "can_manage": can_manage(request.user),
               "report_form": report_form, "milestone_form": milestone_form}  # fmt: skip
    return render_page(request, "supervision/item.html", context)


def item_edit(request: AuthedRequest, year: int, pk: int | None = None) -> HttpResponse:
    """Add a task to the year's plan, or edit one (the 督导室)."""
    _view(request)
    require(can_manage(request.user), "只有督导室或县局管理员可以编辑计划任务")
    p = selectors.plan_get(year=year)
    if p is None:
        raise Http404("该年度没有工作计划")
    it = None
    if pk is not None:
        try:
            it = selectors.item_get(user=request.user, pk=pk)
        except ObjectDoesNotExist:
            raise Http404("计划任务不存在")
        if it.plan_id != p.pk:
            raise Http404("计划任务不属于该年度")
    form = forms.ItemForm.for_item(it) if it else forms.ItemForm()
    if request.method == "POST":
        form = forms.ItemForm(request.POST)
        done = _run(request, form, lambda d: services.item_save(
            actor=request.user, plan=p, item=it, fields=d, townships=d["townships"], schools=d["schools"]),
            "已保存计划任务", lambda saved: reverse("supervision:item", args=[saved.pk]))  # fmt: skip
        if done:
            return done
    return render_page(request, "supervision/item_edit.html", {"plan": p, "it": it, "form": form})


def evidence(request: AuthedRequest, pk: int) -> HttpResponseBase:
    """An evidence file of a progress report (when its task is readable); audited."""
    ev = _in_scope(request, selectors.evidence_get, pk, "佐证材料")
    response = serve_file(request, ev.file, filename=ev.name or f"进展佐证-{ev.pk}")
    audit_record(actor=request.user, action=AuditAction.EXPORT, obj=ev.report.item, changes={"evidence": ev.pk},
                 note="下载进展佐证")  # fmt: skip
    return response


# ---------------------------------------------------------------- 挂钩联系

LINK_COLUMNS = [
    Column("乡镇", lambda k: k.school.township.name),
    Column("学校", lambda k: k.school.name),
    Column("挂钩领导/联系人", lambda k: k.person),
    Column("挂钩部门", lambda k: k.department),
    Column("起始", lambda k: k.since),
    Column("有效", lambda k: "是" if k.active else "否"),
]


def links(request: AuthedRequest) -> HttpResponse:
    _view(request)
    form = forms.LinkForm()
    if request.method == "POST":
        form = forms.LinkForm(request.POST)
        done = _run(request, form, lambda d: services.link_create(actor=request.user, **d), "已设置挂钩联系",
                    lambda link: reverse("supervision:link", args=[link.pk]))  # fmt: skip
        if done:
            return done
    rows = selectors.link_list(user=request.user, filters=request.GET)
    if wants_export(request):
        return export_response(request, rows=rows, columns=LINK_COLUMNS, filename="挂钩联系学校",
                               object_type="supervision.Link", personal=False)  # fmt: skip
    from jiaoyun.schools.choices_in_scope import township_choices

    context = {"page": paginate(request, rows), "filters": request.GET, "form": form,
               "can_manage": can_manage(request.user), "townships": township_choices(request.user),
               "is_leader": request.user.role == "county_leader"}  # fmt: skip
    return render_page(request, "supervision/links.html", context)


def link(request: AuthedRequest, pk: int) -> HttpResponse:
    _view(request)
    lk = _in_scope(request, selectors.link_get, pk, "挂钩联系")
    form = forms.LinkVisitForm()
    if request.method == "POST":
        form = forms.LinkVisitForm(request.POST)
        done = _run(request, form, lambda d: services.link_visit_add(actor=request.user, link=lk, **d),
                    "已登记走访", reverse("supervision:link", args=[lk.pk]))  # fmt: skip
        if done:
            return done
    return render_page(
        request, "supervision/link.html", {"lk": lk, "form": form, "can_manage": can_manage(request.user)}
    )


# ---------------------------------------------------------------- 督学责任区


def zones(request: AuthedRequest) -> HttpResponse:
    _view(request)
    form = forms.ZoneForm()
    if request.method == "POST":
        action = request.POST.get("action", "zone")
        if action == "check_add":
            done = _run(request, forms.ChecklistForm(request.POST), lambda d: services.checklist_add(
                actor=request.user, text=d["text"]), "已增加检查项", reverse("supervision:zones"))  # fmt: skip
        elif action == "check_toggle":
            done = _run(request, forms.ChecklistToggleForm(request.POST), lambda d: services.checklist_toggle(
                actor=request.user, item=d["item"]), "已更新检查项", reverse("supervision:zones"))  # fmt: skip
        else:
            form = forms.ZoneForm(request.POST)
            done = _run(request, form, lambda d: services.zone_save(actor=request.user, **d), "已保存责任区",
                        lambda z: reverse("supervision:zone", args=[z.pk]))  # fmt: skip
        if done:
            return done
    today = _today(request)
    rows = selectors.zone_rows(user=request.user, month=today.replace(day=1))
    context = {
        "rows": rows,
        "form": form,
        "can_manage": can_manage(request.user),
        "today": today,
        "checklist": selectors.checklist_all(),
        "check_form": forms.ChecklistForm(),
    }
    return render_page(request, "supervision/zones.html", context)


def zone(request: AuthedRequest, pk: int) -> HttpResponse:
    _view(request)
    z = _in_scope(request, selectors.zone_get, pk, "责任区")
    today = _today(request)
    context = {"z": z, "visits": paginate(request, selectors.zone_visits(user=request.user, zone=z)),
               "due": selectors.visits_due(zone=z, month=today.replace(day=1)),
               "can_inspect": can_inspect(request.user, z), "today": today}  # fmt: skip
    return render_page(request, "supervision/zone.html", context)


def visit_new(request: AuthedRequest, pk: int) -> HttpResponse:
    """A 责任督学 records a monthly visit: the checklist, his opinion, the findings that open 整改."""
    _view(request)
    z = _in_scope(request, selectors.zone_get, pk, "责任区")
    require(can_inspect(request.user, z), "只有本责任区的责任督学可以登记督导记录")
    form = forms.VisitForm(zone=z, initial={"school": request.GET.get("school")})
    if request.method == "POST":
        form = forms.VisitForm(request.POST, zone=z)
        done = _run(request, form, lambda d: services.visit_record(
            actor=request.user, zone=z, school=d["school"], date=d["date"], answers=form.answers(),
            summary=d["summary"], findings=form.findings()), "已登记督导记录",
            lambda v: reverse("supervision:visit", args=[v.pk]))  # fmt: skip
        if done:
            return done
    return render_page(request, "supervision/visit_new.html", {"z": z, "form": form})


def visit(request: AuthedRequest, pk: int) -> HttpResponse:
    _view(request)
    v = _in_scope(request, selectors.visit_get, pk, "督导记录")
    return render_page(request, "supervision/visit.html", {"v": v, "today": _today(request)})


# ---------------------------------------------------------------- 整改

RECT_COLUMNS = [
    Column("乡镇", lambda r: r.school.township.name),
    Column("学校", lambda r: r.school.name),
    Column("问题", lambda r: r.finding),
    Column("下达日期", lambda r: r.opened_on),
    Column("整改期限", lambda r: r.deadline),
    Column("状态", lambda r: r.status_label),
    Column("销号日期", lambda r: r.closed_on or ""),
]


def rectifications(request: AuthedRequest) -> HttpResponse:
    require(can_view_rectifications(request.user), "整改跟踪仅县教育局、乡镇和学校可查看")
    today = _today(request)
    form = forms.RectOpenForm()
    if request.method == "POST":
        require(can_manage(request.user), "只有督导室或县局管理员可以直接下达整改")
        form = forms.RectOpenForm(request.POST)
        done = _run(request, form, lambda d: services.rectification_open(actor=request.user, **d), "已下达整改",
                    lambda r: reverse("supervision:rectification", args=[r.pk]))  # fmt: skip
        if done:
            return done
    rows = selectors.rectification_list(user=request.user, on=today, filters=request.GET)
    if wants_export(request):
        listed = list(rows)
        for r in listed:
            r.status_label = r.status_label_on(today)  # type: ignore[attr-defined]
        return export_response(request, rows=listed, columns=RECT_COLUMNS, filename="整改跟踪",
                               object_type="supervision.Rectification", personal=False)  # fmt: skip
    page = paginate(request, rows)
    for r in page.object_list:
        r.status_label = r.status_label_on(today)  # type: ignore[attr-defined]
        r.overdue = r.overdue_on(today)
    from jiaoyun.schools.choices_in_scope import township_choices

    statuses = [("active", "未销号"), (OVERDUE, OVERDUE_LABEL), *RectStatus.choices]
    context = {"page": page, "filters": request.GET, "statuses": statuses, "today": today, "form": form,
               "townships": township_choices(request.user), "can_manage": can_manage(request.user),
               "rollup": selectors.rectification_rollup(on=today) if is_county(request.user) else []}  # fmt: skip
    return render_page(request, "supervision/rectifications.html", context)


def rectification(request: AuthedRequest, pk: int) -> HttpResponse:
    require(can_view_rectifications(request.user), "整改跟踪仅县教育局、乡镇和学校可查看")
    r = _in_scope(request, selectors.rectification_get, pk, "整改事项")
    then = reverse("supervision:rectification", args=[r.pk])
    bound: dict[str, djforms.Form] = {}
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "start":
            bound["start"] = forms.NoteForm(request.POST)
            done = _run(request, bound["start"], lambda d: services.rectification_start(
                actor=request.user, rect=r, note=d["note"]), "已开始整改", then)  # fmt: skip
        elif action == "submit":
            bound["submit"] = forms.SubmitForm(request.POST, request.FILES)
            done = _run(request, bound["submit"], lambda d: services.rectification_submit(
                actor=request.user, rect=r, note=d["note"], file=d["evidence"]), "已提交核验", then)  # fmt: skip
        elif action == "verify":
            bound["verify"] = forms.VerifyForm(request.POST)
            done = _run(request, bound["verify"], lambda d: services.rectification_verify(
                actor=request.user, rect=r, passed=d["passed"], note=d["note"]), "已记录核验结论", then)  # fmt: skip
        else:
            raise PermissionDenied("未知的操作")
        if done:
            return done
    today = _today(request)
    context = {"r": r, "today": today, "status_label": r.status_label_on(today), "overdue": r.overdue_on(today),
               "can_work": can_work_rectification(request.user, r) and r.status in (RectStatus.OPEN, RectStatus.IN_PROGRESS),
               "can_verify": can_verify_rectification(request.user, r) and r.status == RectStatus.SUBMITTED,
               "start_form": bound.get("start") or forms.NoteForm(), "submit_form": bound.get("submit") or forms.SubmitForm(),
               "verify_form": bound.get("verify") or forms.VerifyForm()}  # fmt: skip
    return render_page(request, "supervision/rectification.html", context)


def rect_file(request: AuthedRequest, pk: int) -> HttpResponseBase:
    """The evidence of a 整改 step (when the 整改 is readable); audited."""
    ev = _in_scope(request, selectors.rect_file_get, pk, "佐证材料")
    if not ev.file:
        raise Http404("该记录没有佐证材料")
    response = serve_file(request, ev.file, filename=ev.file_name or f"整改佐证-{ev.pk}")
    audit_record(actor=request.user, action=AuditAction.EXPORT, obj=ev.rectification, changes={"event": ev.pk},
                 note="下载整改佐证")  # fmt: skip
    return response


# ---------------------------------------------------------------- assessment


def _points_of(n: int) -> Callable[[Any], Any]:
    return lambda row: row.points[n].points


def _year_level(request: AuthedRequest) -> tuple[int, str]:
    today = _today(request)
    year = request.GET.get("year", "")
    level = request.GET.get("level", AssessLevel.TOWNSHIP)
    return (int(year) if year.isdigit() else today.year), (
        level if level in AssessLevel.values else AssessLevel.TOWNSHIP
    )


def assessment_page(request: AuthedRequest) -> HttpResponse:
    """The year's scores and ranks; the 督导室 edits the indicators' weights here."""
    require(can_view_assessment(request.user), "考核评估仅县教育局、县领导和乡镇可查看")
    year, level = _year_level(request)
    kinds = [k for k in AssessKind.values if level == AssessLevel.TOWNSHIP or k != AssessKind.PROJECTS]
    current = {i.kind: i.weight for i in AssessmentIndicator.objects.filter(year=year, level=level)}
    form = forms.WeightsForm(kinds=kinds, initial_weights=current)
    if request.method == "POST":
        require(can_manage(request.user), "只有督导室或县局管理员可以设置考核指标")
        form = forms.WeightsForm(request.POST, kinds=kinds, initial_weights=current)
        done = _run(request, form, lambda d: services.weights_set(
            actor=request.user, year=year, level=level, weights={k: Decimal(v) for k, v in d.items()}),
            "已保存考核指标和分值", f"{reverse('supervision:assessment')}?year={year}&level={level}")  # fmt: skip
        if done:
            return done
    rows = assessment.assess(year=year, level=level, on=_today(request))
    config = assessment.indicators(year=year, level=level)
    if wants_export(request):
        columns = [Column("名次", lambda r: r.rank), Column("名称", lambda r: r.name)]
        if level == AssessLevel.SCHOOL:
            columns.append(Column("乡镇", lambda r: r.township))
        for n, i in enumerate(config):
            columns.append(Column(f"{i.get_kind_display()}（{i.weight}）", _points_of(n)))
        columns.append(Column("总分", lambda r: r.total))
        return export_response(request, rows=rows, columns=columns, filename=f"{year}年{AssessLevel(level).label}考核",
                               object_type="supervision.Assessment", personal=False)  # fmt: skip
    top = rows[:20]
    chart = category_chart([r.name for r in top], [bar("总分", [float(r.total) for r in top])], sort_by=0)
    context = {"rows": rows, "config": config, "year": year, "level": level, "levels": AssessLevel.choices,
               "form": form, "can_manage": can_manage(request.user), "chart": chart,
               "total_weight": sum((i.weight for i in config), Decimal("0"))}  # fmt: skip
    return render_page(request, "supervision/assessment.html", context)


def assessment_unit(request: AuthedRequest, level: str, pk: int) -> HttpResponse:
    """One township's (or school's) points with the evidence behind each."""
    require(can_view_assessment(request.user), "考核评估仅县教育局、县领导和乡镇可查看")
    if level not in AssessLevel.values:
        raise Http404("考核对象不存在")
    year, _ = _year_level(request)
    row = assessment.unit_row(year=year, level=level, unit_id=pk, on=_today(request))
    if row is None:
        raise Http404("考核对象不存在")
    return render_page(request, "supervision/assessment_unit.html", {"row": row, "year": year, "level": level})


@require_POST
def alerts_now(request: AuthedRequest) -> HttpResponse:
    """Run today's alerts now (the 督导室; the daily job does the same)."""
    require(can_manage(request.user), "只有督导室或县局管理员可以发送提醒")
    n = services.alerts_run()
    messages.success(request, f"已发送提醒{n}条")
    return hx_redirect(request, reverse("supervision:plan"))
