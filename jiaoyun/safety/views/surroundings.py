"""Risks around schools (周边风险) and the joint actions taken with other departments."""

from __future__ import annotations

from typing import Any

from django import forms
from django.http import HttpResponse
from django.urls import reverse
from django.utils import timezone

from jiaoyun.core.types import AuthedRequest
from jiaoyun.reports.export import Column
from jiaoyun.safety import selectors, services
from jiaoyun.safety.forms import ActionForm, JointActionForm, ResolveForm, RiskForm
from jiaoyun.safety.views._common import Action, act, require_read
from jiaoyun.web.lists import ListPage

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
RISK_PAGE = ListPage(
    template="safety/risks.html",
    columns=RISK_COLUMNS,
    filename="校园周边风险",
    object_type="safety.RiskReport",
    personal=False,
)

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
    manageable = selectors.school_list_manageable(user=request.user)
    form_kwargs: dict[str, dict[str, Any]] = {"report": {"schools": manageable}, "action": {"reports": qs},
                                              "resolve": {"reports": qs}}  # fmt: skip
    form: forms.BaseForm = RiskForm(schools=manageable)
    if request.method == "POST":
        name = ActionForm(request.POST, field="form", names=ACTIONS).name
        if name is not None:
            bound = ACTIONS[name].form(request.POST, **form_kwargs[name])
            if done := act(request, ACTIONS[name], bound, None, then=reverse("safety:risks")):
                return done
            if name == "report":
                form = bound
    context = {"form": form, "can_report": manageable.exists(), "today": timezone.localdate(),
               "manageable_ids": set(manageable.values_list("pk", flat=True))}  # fmt: skip
    return RISK_PAGE(request, qs, context)
