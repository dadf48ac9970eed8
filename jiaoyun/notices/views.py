"""The inbox (a user reads only their own notifications), the bell in the header, mark-read, the user's own
channels, and the delivery log for the county administrator."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from jiaoyun.core.errors import DomainError
from jiaoyun.core.types import AuthedRequest
from jiaoyun.notices import selectors, services
from jiaoyun.notices.forms import PreferenceForm
from jiaoyun.notices.models import Channel, Delivery, DeliveryStatus
from jiaoyun.notices.permissions import can_view_log
from jiaoyun.web.htmx import render_page
from jiaoyun.web.paging import paginate


def inbox(request: AuthedRequest) -> HttpResponse:
    unread = request.GET.get("unread") == "1"
    qs = selectors.notifications_for(request.user, unread_only=unread)
    return render_page(request, "notices/inbox.html",
                       {"page": paginate(request, qs, per_page=30), "unread": unread,
                        "unread_count": selectors.unread_count(request.user)})  # fmt: skip


def bell(request: AuthedRequest) -> HttpResponse:
    return render(request, "notices/_bell.html", {"unread_count": selectors.unread_count(request.user)})


@require_POST
def mark_read(request: AuthedRequest) -> HttpResponse:
    ids = [int(x) for x in request.POST.getlist("id") if x.isdigit()]
    n = services.notifications_mark_read(user=request.user, ids=ids or None)
    messages.success(request, f"已标记{n}条为已读")
    target = request.POST.get("next", "")
    return redirect(target if target.startswith("/") and not target.startswith("//") else "notices:inbox")


def preferences(request: AuthedRequest) -> HttpResponse:
    current = {p.channel: p for p in selectors.preferences_for(request.user)}
    first = next(iter(current.values()), None)
    initial = {"email": bool(current.get(Channel.EMAIL) and current[Channel.EMAIL].is_active),
               "sms": bool(current.get(Channel.SMS) and current[Channel.SMS].is_active),
               "modules": first.module_list if first else [], "min_level": first.min_level if first else 0}  # fmt: skip
    form = PreferenceForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            for channel in (Channel.EMAIL, Channel.SMS):
                if d[channel] or channel in current:
                    services.preference_set(actor=request.user, channel=channel, is_active=d[channel],
                                            modules=d["modules"], min_level=d["min_level"])  # fmt: skip
        except DomainError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, "提醒设置已保存")
            return redirect("notices:preferences")
    return render_page(request, "notices/preferences.html",
                       {"form": form, "robots": selectors.robots_for(request.user)})  # fmt: skip


def deliveries(request: AuthedRequest) -> HttpResponse:
    if not can_view_log(request.user):
        raise PermissionDenied("发送记录由县局管理员查看")
    if request.method == "POST":
        try:
            services.delivery_retry(
                actor=request.user, delivery=Delivery.objects.get(pk=int(request.POST.get("id", "0") or 0))
            )
        except (Delivery.DoesNotExist, ValueError):
            messages.error(request, "发送记录不存在")
        except DomainError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, "已重新排队发送")
        return redirect("notices:deliveries")
    status = request.GET.get("status", "")
    qs = selectors.delivery_log(status=status)
    return render_page(request, "notices/deliveries.html",
                       {"page": paginate(request, qs), "status": status, "statuses": DeliveryStatus.choices})  # fmt: skip
