"""Security devices: the list with registration (the token is shown once), and acknowledging an alert."""

from __future__ import annotations

from django.http import HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from jiaoyun.core.types import AuthedRequest
from jiaoyun.reports.export import Column
from jiaoyun.safety import selectors, services
from jiaoyun.safety.choices import DeviceKind
from jiaoyun.safety.forms import DeviceForm, NextForm
from jiaoyun.safety.views._common import FAILED, Action, perform, require_read, yes_no
from jiaoyun.schools.choices_in_scope import township_choices
from jiaoyun.web.htmx import hx_redirect
from jiaoyun.web.lists import ListPage
from jiaoyun.web.redirects import safe_next

DEVICE_COLUMNS = [
    Column("乡镇", lambda d: d.school.township.name),
    Column("学校", lambda d: d.school.name),
    Column("类型", lambda d: d.get_kind_display()),
    Column("名称", lambda d: d.name),
    Column("设备编号", lambda d: d.serial),
    Column("在线", lambda d: yes_no(d.is_online)),
    Column(
        "最近心跳", lambda d: timezone.localtime(d.last_seen_at).strftime("%Y-%m-%d %H:%M") if d.last_seen_at else ""
    ),
]

DEVICE_PAGE = ListPage(
    template="safety/devices.html",
    columns=DEVICE_COLUMNS,
    filename="安防设备",
    object_type="safety.Device",
    personal=False,
)

DEVICE_REGISTER = Action(
    DeviceForm,
    lambda u, _, d, f: services.device_register(
        actor=u, school=d["school"], kind=d["kind"], name=d["name"], serial=d["serial"],
        interval_seconds=d["interval_seconds"],
    ),
    lambda result: f"已登记设备{result[0].serial}。令牌只显示这一次，请立即配置到设备上。",
)  # fmt: skip


def devices(request: AuthedRequest) -> HttpResponse:
    require_read(request)
    manageable = selectors.school_list_for_devices(user=request.user)
    form = DeviceForm(schools=manageable)
    token = None
    if request.method == "POST":
        form = DeviceForm(request.POST, schools=manageable)
        registered = perform(request, DEVICE_REGISTER, form, None)
        if registered is not FAILED:
            # No redirect: the device's token is shown on this response only and is never stored in clear.
            token = registered[1]
            form = DeviceForm(schools=manageable)
    rows = selectors.device_list(user=request.user, filters=request.GET)
    context = {"kinds": DeviceKind.choices, "townships": township_choices(request.user), "form": form, "token": token,
               "can_register": manageable.exists(), "alerts": selectors.alert_list(user=request.user)[:20]}  # fmt: skip
    return DEVICE_PAGE(request, rows, context)


ALERT_ACK = Action(NextForm, lambda u, alert, d, f: services.alert_acknowledge(actor=u, alert=alert))


@require_POST
def alert_ack(request: AuthedRequest, alert_id: int) -> HttpResponse:
    require_read(request)
    form = NextForm(request.POST)
    alert = selectors.alert_list(user=request.user).filter(pk=alert_id).first()
    if alert is not None:
        perform(request, ALERT_ACK, form, alert)
    target = form.cleaned_data.get("next") if form.is_valid() else None
    return hx_redirect(request, safe_next(request, target, reverse("safety:devices")))
