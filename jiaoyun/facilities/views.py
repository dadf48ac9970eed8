"""项目建设 pages: the list with its summary strip and filters, one project (milestones, money by source, contracts
and payments, photos and files) with the forms of the write services, and the new/edit form."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.urls import reverse
from django.utils import timezone

from jiaoyun.core.audit import audit_record
from jiaoyun.core.choices import AuditAction
from jiaoyun.core.errors import DomainError
from jiaoyun.core.files import serve as serve_file
from jiaoyun.core.types import AuthedRequest
from jiaoyun.facilities import selectors, services
from jiaoyun.facilities.choices import FileKind, FundingSource, MilestoneKind, PlanTarget, ProjectKind, ProjectStatus
from jiaoyun.facilities.forms import (
    ContractForm,
    FileForm,
    FundingForm,
    MilestoneForm,
    PaymentForm,
    PlanForm,
    ProjectForm,
)
from jiaoyun.facilities.models import Contract, Project, ProjectFile
from jiaoyun.facilities.permissions import can_read, can_write
from jiaoyun.reports.export import Column
from jiaoyun.schools.choices import Level
from jiaoyun.schools.choices_in_scope import township_choices
from jiaoyun.web.charts import COUNT, bar, category_chart
from jiaoyun.web.htmx import hx_redirect, render_page
from jiaoyun.web.lists import ListPage


def require_read(request: AuthedRequest) -> None:
    if not can_read(request.user):
        raise PermissionDenied("项目建设仅县教育局、乡镇和学校负责人可查看")


def require_write(request: AuthedRequest) -> None:
    if not can_write(request.user):
        raise PermissionDenied("只有计划财务股和县局管理员可以登记建设项目")


def _late_text(p: Project) -> str:
    late = getattr(p, "late_milestones", [])
    if not late:
        return ""
    m = late[0]
    days = (timezone.localdate() - m.planned).days
    return f"{m.get_kind_display()}滞后{days}天" + (f"：{m.note}" if m.note else "")


def _funded(source: str) -> Callable[[Project], Decimal]:
    """The project's amount from ``source`` (its prefetched funding rows)."""
    return lambda p: next((f.amount for f in p.funding.all() if f.source == source), Decimal(0))


PROJECT_COLUMNS = [
    Column("乡镇", lambda p: p.township.name),
    Column("项目名称", lambda p: p.name),
    Column("学校或选址", lambda p: p.place),
    Column("建设类型", lambda p: p.get_kind_display()),
    Column("学段", lambda p: p.get_level_display()),
    Column("举办者类型", lambda p: p.get_ownership_display()),
    Column("计划年度", lambda p: p.plan_year),
    Column("对应规划条目", lambda p: p.plan_line),
    Column("新增学位", lambda p: p.seats),
    Column("新增班级", lambda p: p.classes),
    Column("状态", lambda p: p.get_status_display()),
    Column("已完成节点", lambda p: f"{p.done}/8"),
    Column("滞后", lambda p: _late_text(p)),
    Column("总投资（元）", lambda p: p.budget),
    *[Column(f"{label}（元）", _funded(source)) for source, label in FundingSource.choices],
    Column("已支付（元）", lambda p: p.paid),
]

PROJECTS_PAGE = ListPage(
    template="facilities/projects.html",
    columns=PROJECT_COLUMNS,
    filename="建设项目",
    object_type="facilities.Project",
    personal=False,
)


def projects(request: AuthedRequest) -> HttpResponse:
    require_read(request)
    today = timezone.localdate()
    rows = selectors.project_list(user=request.user, filters=request.GET, today=today)
    strip = selectors.summary(user=request.user, filters=request.GET, today=today)
    towns = selectors.township_rollup(user=request.user, today=today)
    chart = category_chart(
        [t["township"] for t in towns],
        [bar("项目数", [t["total"] for t in towns]), bar("已投入使用", [t["in_use"] for t in towns]),
         bar("滞后", [t["late"] for t in towns], color="#c0392b")],
        unit=COUNT,
    )  # fmt: skip
    context = {
        "today": today,
        "strip": strip,
        "targets": selectors.plan_targets(user=request.user, today=today),
        "townships": township_choices(request.user),
        "towns": towns,
        "town_chart": chart,
        "kinds": ProjectKind.choices,
        "levels": Level.choices,
        "statuses": ProjectStatus.choices,
        "target_choices": [c for c in PlanTarget.choices if c[0]],
        "can_write": can_write(request.user),
    }
    return PROJECTS_PAGE(request, rows, context)


# -- one project ------------------------------------------------------------------------------------------------


def _get(request: AuthedRequest, pk: int) -> Project:
    require_read(request)
    try:
        return selectors.project_get(user=request.user, pk=pk)
    except Project.DoesNotExist:
        raise Http404("项目不存在或不在您的数据范围内") from None


Run = Callable[[AuthedRequest, Project, forms.Form], str]


def _milestone(request: AuthedRequest, p: Project, f: forms.Form) -> str:
    d = f.cleaned_data
    m = selectors.milestone_get(user=request.user, project=p, kind=d["kind"])
    services.milestone_record(actor=request.user, milestone=m, actual=d["actual"], note=d["note"])
    return f"已登记“{MilestoneKind(d['kind']).label}”"


def _plan(request: AuthedRequest, p: Project, f: forms.Form) -> str:
    services.milestones_plan(actor=request.user, project=p, planned=f.planned())  # type: ignore[attr-defined]
    return "已保存计划日期"


def _funding(request: AuthedRequest, p: Project, f: forms.Form) -> str:
    services.funding_set(actor=request.user, project=p, amounts=f.amounts(),  # type: ignore[attr-defined]
                         budget=f.cleaned_data["budget"])  # fmt: skip
    return "已保存资金来源"


def _contract(request: AuthedRequest, p: Project, f: forms.Form) -> str:
    services.contract_add(actor=request.user, project=p, **f.cleaned_data)
    return "已登记合同"


def _payment(request: AuthedRequest, p: Project, f: forms.Form) -> str:
    d = dict(f.cleaned_data)
    try:
        contract = p.contracts.get(pk=d.pop("contract"))
    except Contract.DoesNotExist:
        raise DomainError("合同不存在", field="合同") from None
    services.payment_add(actor=request.user, contract=contract, **d)
    return "已登记支付"


def _file(request: AuthedRequest, p: Project, f: forms.Form) -> str:
    d = f.cleaned_data
    services.file_attach(actor=request.user, project=p, upload=d["file"], kind=d["kind"], caption=d["caption"],
                         milestone=d["milestone"])  # fmt: skip
    return "已上传"


ACTIONS: dict[str, tuple[type[forms.Form], Run]] = {
    "milestone": (MilestoneForm, _milestone),
    "plan": (PlanForm, _plan),
    "funding": (FundingForm, _funding),
    "contract": (ContractForm, _contract),
    "payment": (PaymentForm, _payment),
    "file": (FileForm, _file),
}


def _errors(form: forms.Form) -> str:
    return "；".join(
        f"{form.fields[k].label if k in form.fields else ''}：{'，'.join(str(e) for e in v)}"
        for k, v in form.errors.items()
    )


def project(request: AuthedRequest, pk: int) -> HttpResponse:
    p = _get(request, pk)
    bound: dict[str, forms.Form] = {}
    status = 200
    if request.method == "POST":
        require_write(request)
        name = request.POST.get("action", "")
        if name not in ACTIONS:
            raise Http404("没有这个操作")
        form_class, run = ACTIONS[name]
        form = form_class(request.POST, request.FILES)
        bound[name] = form
        if form.is_valid():
            try:
                messages.success(request, run(request, p, form))
                return hx_redirect(request, reverse("facilities:project", args=[p.pk]))
            except DomainError as exc:
                messages.error(request, str(exc))
        else:
            messages.error(request, _errors(form))
        status = 400
        p = _get(request, pk)
    detail = selectors.project_detail(project=p)
    money = detail["money"]
    funding_initial = {"budget": p.budget, **{f"src_{r['source']}": r["budget"] for r in money.rows()}}
    plan_initial = {f"planned_{m.kind}": m.planned for m in detail["milestones"]}
    context: dict[str, Any] = {
        "p": p,
        **detail,
        "can_write": can_write(request.user),
        "milestone_form": bound.get("milestone") or MilestoneForm(),
        "plan_form": bound.get("plan") or PlanForm(initial=plan_initial),
        "funding_form": bound.get("funding") or FundingForm(initial=funding_initial),
        "contract_form": bound.get("contract") or ContractForm(),
        "payment_form": bound.get("payment") or PaymentForm(),
        "file_form": bound.get("file") or FileForm(),
        "sources": FundingSource.choices,
        "milestone_kinds": MilestoneKind.choices,
        "money_chart": category_chart(
            [r["label"] for r in money.rows()],
            [
                bar("安排（万元）", [float(r["budget"] / 10000) for r in money.rows()]),
                bar("已支付（万元）", [float(r["paid"] / 10000) for r in money.rows()]),
            ],
            sort_by=None,
        ),
    }
    return render_page(request, "facilities/project.html", context, status=status)


PREFILL_KINDS = set(ProjectKind.values)


def _prefill(request: AuthedRequest) -> dict[str, Any]:
    """The GET prefill of a new project (from a coverage gap, a forecast, a standards shortfall): ``school``,
    ``township``, ``village`` (ids), ``kind``, ``level``, ``name``, ``note``. Unknown values are left out."""
    q = request.GET
    initial: dict[str, Any] = {"plan_year": timezone.localdate().year}
    for key in ("school", "township", "village"):
        if str(q.get(key) or "").isdigit():
            initial[key] = int(q[key])
    if q.get("kind") in PREFILL_KINDS:
        initial["kind"] = q["kind"]
    if q.get("level") in Level.values:
        initial["level"] = q["level"]
    for key in ("name", "note"):
        if q.get(key):
            initial[key] = q[key][:500]
    return initial


def project_new(request: AuthedRequest) -> HttpResponse:
    require_read(request)
    require_write(request)
    if request.method == "POST":
        form = ProjectForm(request.POST)
        if form.is_valid():
            try:
                p = services.project_create(actor=request.user, milestones=form.planned(), **form.service_fields())
                messages.success(request, f"已登记项目“{p.name}”")
                return hx_redirect(request, reverse("facilities:project", args=[p.pk]))
            except DomainError as exc:
                messages.error(request, str(exc))
        else:
            messages.error(request, _errors(form))
        return render_page(request, "facilities/project_form.html", {"form": form, "new": True}, status=400)
    form = ProjectForm(initial=_prefill(request))
    return render_page(request, "facilities/project_form.html", {"form": form, "new": True})


def project_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    p = _get(request, pk)
    require_write(request)
    if request.method == "POST":
        form = ProjectForm(request.POST, with_plan=False)
        if form.is_valid():
            try:
                services.project_update(actor=request.user, project=p, **form.service_fields())
                messages.success(request, "已保存")
                return hx_redirect(request, reverse("facilities:project", args=[p.pk]))
            except DomainError as exc:
                messages.error(request, str(exc))
        else:
            messages.error(request, _errors(form))
        return render_page(request, "facilities/project_form.html", {"form": form, "p": p}, status=400)
    initial = {
        "name": p.name, "kind": p.kind, "level": p.level, "ownership": p.ownership, "school": p.school_id,
        "site_name": p.site_name, "township": p.township_id, "village": p.village_id, "seats": p.seats,
        "classes": p.classes, "budget": p.budget, "plan_year": p.plan_year, "plan_line": p.plan_line,
        "target": p.target, "owner": p.owner_id, "note": p.note,
    }  # fmt: skip
    return render_page(request, "facilities/project_form.html", {"form": ProjectForm(initial=initial, with_plan=False),
                                                                 "p": p})  # fmt: skip


def project_file(request: AuthedRequest, pk: int) -> HttpResponseBase:
    """A project's photo or document, as an attachment, if the project is in scope (the download is audited)."""
    require_read(request)
    try:
        row = selectors.project_file_get(user=request.user, pk=pk)
    except ProjectFile.DoesNotExist:
        raise Http404("文件不存在或不在您的数据范围内") from None
    response = serve_file(request, row.file, filename=row.name or f"项目文件-{row.pk}")
    if row.kind == FileKind.DOCUMENT:  # photos are shown on the page; a document taken away is recorded
        audit_record(actor=request.user, action=AuditAction.EXPORT, obj=row, note="下载项目文件",
                     ip=request.META.get("REMOTE_ADDR"))  # fmt: skip
    return response
