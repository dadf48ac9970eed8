"""Hazards: the list, one hazard with its actions (整改, 复查, 销号) and its rectification files."""

from __future__ import annotations

from typing import Any

from django import forms
from django.http import HttpResponse
from django.http.response import HttpResponseBase
from django.urls import reverse
from django.utils import timezone

from jiaoyun.core.files import serve as serve_file
from jiaoyun.core.types import AuthedRequest
from jiaoyun.reports.export import Column
from jiaoyun.safety import selectors, services
from jiaoyun.safety.choices import HazardStatus, Level, Severity
from jiaoyun.safety.filters import ACTIVE, hazard_is_overdue
from jiaoyun.safety.forms import ActionForm, CloseForm, RectifyForm, VerifyForm
from jiaoyun.safety.permissions import can_manage
from jiaoyun.safety.views._common import Action, act, require_read
from jiaoyun.schools.choices_in_scope import township_choices
from jiaoyun.web.htmx import render_page
from jiaoyun.web.lists import ALL, ListPage, with_default

HAZARD_COLUMNS = [
    Column("乡镇", lambda h: h.school.township.name),
    Column("学校", lambda h: h.school.name),
    Column("隐患", lambda h: h.title),
    Column("等级", lambda h: h.get_severity_display()),
    Column("责任人", lambda h: str(h.responsible)),
    Column("整改期限", lambda h: h.deadline),
    Column("状态", lambda h: h.get_status_display()),
    Column("督办层级", lambda h: h.get_level_display()),
]

HAZARD_PAGE = ListPage(
    template="safety/hazards.html",
    columns=HAZARD_COLUMNS,
    filename="安全隐患",
    object_type="safety.Hazard",
    personal=False,
)


def hazards(request: AuthedRequest) -> HttpResponse:
    require_read(request)
    # The list shows the hazards not yet closed (未销号) unless a status (or 全部, ``status=all``) is chosen.
    filters = with_default(request.GET, "status", ACTIVE)
    rows = selectors.hazard_list(user=request.user, filters=filters)
    context = {"townships": township_choices(request.user), "statuses": HazardStatus.choices, "today": timezone.localdate(),
               "severities": Severity.choices, "levels": Level.choices, "filters": filters,
               "status_all": ALL}  # fmt: skip
    return HAZARD_PAGE(request, rows, context)


# The actions on one hazard; the POST names one of them in its hidden ``action`` field.
ACTIONS: dict[str, Action] = {
    "rectify": Action(RectifyForm, lambda u, h, d, f: services.hazard_rectify(
        hazard=h, actor=u, note=d["note"], files=d["evidence"]), "已提交整改，等待复查", "请填写整改情况并上传佐证"),
    "verify": Action(VerifyForm, lambda u, h, d, f: services.hazard_verify(
        hazard=h, actor=u, passed=d["passed"], note=d["note"]), "已记录复查结论"),
    "close": Action(CloseForm, lambda u, h, d, f: services.hazard_close(hazard=h, actor=u, note=d["note"]),
                    "隐患已销号"),
}  # fmt: skip


def hazard(request: AuthedRequest, hazard_id: int) -> HttpResponse:
    require_read(request)
    h = selectors.hazard_get(user=request.user, hazard_id=hazard_id)
    bound: dict[str, forms.BaseForm] = {}
    if request.method == "POST":
        name = ActionForm(request.POST, field="action", names=ACTIONS).name
        if name is not None:
            bound[name] = ACTIONS[name].form(request.POST, request.FILES)
            if done := act(request, ACTIONS[name], bound[name], h, then=reverse("safety:hazard", args=[h.pk])):
                return done
    context: dict[str, Any] = {
        "h": h,
        "rectify_form": bound.get("rectify") or RectifyForm(),
        "verify_form": bound.get("verify") or VerifyForm(),
        "can_manage": can_manage(request.user, h.school),
        "is_responsible": request.user.pk == h.responsible_id,
        "overdue": hazard_is_overdue(h),
    }
    return render_page(request, "safety/hazard.html", context)


def hazard_file(request: AuthedRequest, evidence_id: int) -> HttpResponseBase:
    """A rectification photo or file, served as an attachment if the hazard is in scope."""
    require_read(request)
    evidence = selectors.hazard_evidence_get(user=request.user, evidence_id=evidence_id)
    return serve_file(request, evidence.file, filename=evidence.name or f"整改佐证-{evidence.pk}")
