"""A school's safety record (平安校园档案): its profile, guards and canteens."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.urls import reverse

from jiaoyun.core.types import AuthedRequest, User
from jiaoyun.safety import selectors, services
from jiaoyun.safety.forms import ActionForm, CanteenForm, GuardForm, GuardToggleForm, ProfileForm
from jiaoyun.safety.models import Guard, SafetyProfile
from jiaoyun.safety.permissions import can_manage
from jiaoyun.safety.views._common import Action, act, require_read
from jiaoyun.schools.models import School
from jiaoyun.web.htmx import render_page


def _guard_add(user: User, school: School, data: dict[str, Any], files: Any) -> Guard:
    guard = services.guard_add(actor=user, school=school, **data)
    services.compliance_compute(school_ids=[school.pk])
    return guard


def _guard_toggle(user: User, school: School, data: dict[str, Any], files: Any) -> Guard:
    guard = data["guard"]
    guard = services.guard_update(actor=user, guard=guard, data={"on_duty": not guard.on_duty})
    services.compliance_compute(school_ids=[school.pk])
    return guard


def _profile_update(user: User, school: School, data: dict[str, Any], files: Any) -> SafetyProfile:
    profile = services.profile_update(actor=user, school=school, data=data)
    services.compliance_compute(school_ids=[school.pk])
    return profile


# The actions on one school's record; the POST names one in its hidden ``form`` field (default: the profile).
ACTIONS: dict[str, Action] = {
    "canteen": Action(CanteenForm, lambda u, s, d, f: services.canteen_create(
        actor=u, school=s, name=d["name"], bright_kitchen=d["bright_kitchen"])),
    "guard": Action(GuardForm, _guard_add, "已添加保安员"),
    "guard_off": Action(GuardToggleForm, _guard_toggle),
    "profile": Action(ProfileForm, _profile_update, "已保存平安校园档案并重新计算达标情况"),
}  # fmt: skip


def school(request: AuthedRequest, school_id: int) -> HttpResponse:
    require_read(request)
    ctx = selectors.profile_get(user=request.user, school_id=school_id)
    school = ctx["school"]
    editable = can_manage(request.user, school)
    form_kwargs: dict[str, dict[str, Any]] = {
        "profile": {"instance": ctx["profile"]},
        "guard_off": {"guards": selectors.guard_list(school=school)},
    }
    bound: dict[str, forms.BaseForm] = {}
    if request.method == "POST":
        if not editable:
            raise PermissionDenied("无权维护该学校的平安校园数据")
        name = ActionForm(request.POST, field="form", names=ACTIONS, default="profile").name
        if name is not None:
            bound[name] = ACTIONS[name].form(request.POST, **form_kwargs.get(name, {}))
            page = reverse("safety:school", args=[school.pk])
            then = (lambda c: reverse("safety:canteen", args=[c.pk])) if name == "canteen" else page
            if done := act(request, ACTIONS[name], bound[name], school, then=then):
                return done
    return render_page(
        request,
        "safety/school.html",
        {
            **ctx,
            "form": bound.get("profile") or ProfileForm(instance=ctx["profile"]),
            "guard_form": bound.get("guard") or GuardForm(),
            "canteen_form": CanteenForm(),
            "editable": editable,
        },
    )
