"""Risks around schools (周边风险) and the joint actions taken with other departments."""

from __future__ import annotations

from typing import Any

from django import forms
from django.http import HttpResponse
from django.urls import reverse
from django.utils import timezone

from jiaoyun.core.types import AuthedRequest
from jiaoyun.exchange.export import Column, export_response, wants_export
from jiaoyun.safety import selectors, services
from jiaoyun.safety.forms import ActionForm, JointActionForm, ResolveForm, RiskForm
from jiaoyun.safety.views._common import FAILED, Action, perform, require_read
from jiaoyun.web.htmx import hx_redirect, render_page
from jiaoyun.web.paging import paginate

RISK_COLUMNS = [
    Column("报告日期", lambda r: r.reported_on),
    Column("学校", lambda r: r.school.name),
    Column("类别", lambda r: r.get_category_display()),
    Column("风险等级", lambda r: r.get_level_display()),
    Column("情况描述", lambda r: r.description),
    Column(
        "联合处置",
        lambda r: "；".join(f"{a.date:%Y-%m-%d} {a.department}：{a.action} {a.result}" for a in r.actions.all()),
    ),
    Column("状态", lambda r: r.get_status_display()),
]

# The POST names one action in its hidden ``form`` field; "action" and "resolve" act on the report it names.
ACTIONS: dict[str, Action] = {
    "report": Action(RiskForm, lambda u, _, d, f: services.risk_report_create(actor=u, **d), "已登记周边风险"),
    "action": Action(JointActionForm, lambda u, _, d, f: services.joint_action_log(actor=u, **d),
                     "已登记联合处置", "请填写联动部门、日期和措施"),
    "resolve": Action(ResolveForm, lambda u, _, d, f: services.risk_report_resolve(
        actor=u, report=d["report"], note=d["note"]), "已标记为已消除"),
}  # fmt: skip


def risks(request: AuthedRequest) -> HttpResponse:
    require_read(request)
    qs = selectors.risk_list(user=request.user, filters=request.GET)
    if wants_export(request):
        return export_response(
            request, rows=qs, columns=RISK_COLUMNS, filename="校园周边风险", object_type="safety.RiskReport",
            personal=False,
        )  # fmt: skip
    manageable = selectors.school_list_manageable(user=request.user)
    form_kwargs: dict[str, dict[str, Any]] = {"report": {"schools": manageable}, "action": {"reports": qs},
                                              "resolve": {"reports": qs}}  # fmt: skip
    form: forms.BaseForm = RiskForm(schools=manageable)
    if request.method == "POST":
        name = ActionForm(request.POST, field="form", names=ACTIONS).name
        if name is not None:
            bound = ACTIONS[name].form(request.POST, **form_kwargs[name])
            if perform(request, ACTIONS[name], bound, None) is not FAILED:
                return hx_redirect(request, reverse("safety:risks"))
            if name == "report":
                form = bound
    return render_page(
        request,
        "safety/risks.html",
        {
            "page": paginate(request, qs),
            "filters": request.GET,
            "form": form,
            "can_report": manageable.exists(),
            "manageable_ids": set(manageable.values_list("pk", flat=True)),
            "today": timezone.localdate(),
        },
    )
