"""A school canteen: 六T daily checks, 陪餐, 留样, staff health certificates and 明厨亮灶."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.urls import reverse
from django.utils import timezone

from jiaoyun.core.types import AuthedRequest, User
from jiaoyun.safety import selectors, services
from jiaoyun.safety.forms import ActionForm, KitchenForm, MealForm, SampleForm, SixTForm, StaffForm
from jiaoyun.safety.models import Canteen, SixTCheck
from jiaoyun.safety.permissions import can_manage
from jiaoyun.safety.views._common import Action, act, require_read
from jiaoyun.web.htmx import render_page

INVALID = "请检查填写内容"


def _sixt(user: User, c: Canteen, d: dict[str, Any], files: Any) -> SixTCheck:
    done = {k: d[k] for k in services.SIXT_FIELDS}
    return services.sixt_check_record(actor=user, canteen=c, date=d["date"], done=done, checker=d["checker"],
                                      note=d["note"])  # fmt: skip


# The records kept on one canteen; the POST names one in its hidden ``form`` field.
ACTIONS: dict[str, Action] = {
    "sixt": Action(SixTForm, _sixt, "已保存六T日检", INVALID),
    "meal": Action(MealForm, lambda u, c, d, f: services.accompaniment_record(actor=u, canteen=c, **d),
                   "已保存陪餐记录", INVALID),
    "sample": Action(SampleForm, lambda u, c, d, f: services.sample_record(actor=u, canteen=c, **d),
                     "已保存留样记录", INVALID),
    "staff": Action(StaffForm, lambda u, c, d, f: services.canteen_staff_add(actor=u, canteen=c, **d),
                    "已添加从业人员", INVALID),
    "kitchen": Action(KitchenForm, lambda u, c, d, f: services.canteen_update(
        actor=u, canteen=c, bright_kitchen=d["bright_kitchen"], online=d["online"]), "已更新明厨亮灶状态", INVALID),
}  # fmt: skip


def canteen(request: AuthedRequest, canteen_id: int) -> HttpResponse:
    require_read(request)
    c = selectors.canteen_get(user=request.user, canteen_id=canteen_id)
    editable = can_manage(request.user, c.school)
    today = timezone.localdate()
    forms_: dict[str, forms.BaseForm] = {k: a.form(initial={"date": today}) for k, a in ACTIONS.items()}
    forms_["kitchen"] = KitchenForm(initial={"bright_kitchen": c.bright_kitchen, "online": c.bright_kitchen_online})
    if request.method == "POST":
        if not editable:
            raise PermissionDenied("无权维护该食堂的记录")
        name = ActionForm(request.POST, field="form", names=ACTIONS).name
        if name is not None:
            forms_[name] = ACTIONS[name].form(request.POST)
            if done := act(request, ACTIONS[name], forms_[name], c, then=reverse("safety:canteen", args=[c.pk])):
                return done
    records = selectors.canteen_records(canteen=c, since=today - dt.timedelta(days=30))
    staff = selectors.canteen_staff(user=request.user, canteen=c)
    context = {"c": c, "editable": editable, "forms": forms_, "staff": staff, "today": today, **records}
    return render_page(request, "safety/canteen.html", context)
