from __future__ import annotations

import json

from django.conf import settings
from django.contrib.auth import authenticate, login, logout
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jiaoyun.core.audit import audit_record
from jiaoyun.core.audit_mask import mask_entry
from jiaoyun.core.auth import is_locked
from jiaoyun.core.choices import AuditAction
from jiaoyun.core.selectors import audit_list as select_audit
from jiaoyun.core.selectors import audit_object_types
from jiaoyun.exchange.export import Column, export_response, wants_export
from jiaoyun.web.htmx import render_page
from jiaoyun.web.paging import paginate
from jiaoyun.web.selectors import home_figures


def client_ip(request: HttpRequest) -> str | None:
    return request.META.get("REMOTE_ADDR")


def login_view(request: HttpRequest) -> HttpResponse:
    error = ""
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if request.method == "POST":
        username = request.POST.get("username", "").strip()
        password = request.POST.get("password", "")
        user = authenticate(request, username=username, password=password)
        if user is not None and user.is_active:
            login(request, user)
            audit_record(actor=user, action=AuditAction.LOGIN, obj=user, ip=client_ip(request))
            if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
                next_url = ""
            return redirect(next_url or settings.LOGIN_REDIRECT_URL)
        if is_locked(username):
            error = _("登录失败次数过多，账号已锁定%(minutes)s分钟。") % {"minutes": settings.LOGIN_LOCKOUT_MINUTES}
        else:
            error = _("用户名或密码错误。")
    context = {
        "error": error,
        "next": next_url,
        "failure_limit": settings.LOGIN_FAILURE_LIMIT,
        "idle_minutes": settings.SESSION_COOKIE_AGE // 60,
    }
    return render(request, "web/login.html", context)


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        audit_record(actor=request.user, action=AuditAction.LOGOUT, obj=request.user, ip=client_ip(request))
    logout(request)
    return redirect(settings.LOGOUT_REDIRECT_URL)


def home(request: HttpRequest) -> HttpResponse:
    context = {"figures": home_figures(user=request.user), "headline": _home_headline(request)}
    return render(request, "web/home.html", context)


def _home_headline(request: HttpRequest) -> object:
    """The work-plan targets block, provided by the indicators module when installed."""
    try:
        from jiaoyun.indicators.selectors import home_headline
    except ImportError:
        return None
    return home_headline(user=request.user)


# The audit log shows personal fields masked, to every reader (jiaoyun.core.audit_mask).
AUDIT_COLUMNS = [
    Column("时间", lambda e: timezone.localtime(e.at).strftime("%Y-%m-%d %H:%M:%S")),
    Column("操作人", lambda e: e.actor_name),
    Column("操作", lambda e: e.get_action_display()),
    Column("对象类型", lambda e: e.object_type),
    Column("对象编号", lambda e: e.object_id),
    Column("对象", lambda e: mask_entry(e).masked_repr),
    Column("变更内容", lambda e: json.dumps(e.masked_changes, ensure_ascii=False)),
    Column("说明", lambda e: e.masked_note),
    Column("IP", lambda e: e.ip or ""),
]


def jobs(request: HttpRequest) -> HttpResponse:
    """定时任务: each periodic job's schedule, next and last run; the latest background tasks."""
    from django.contrib import messages

    from jiaoyun.core import schedule
    from jiaoyun.core.errors import DomainError
    from jiaoyun.core.selectors import can_view_jobs, task_recent

    if not can_view_jobs(request.user):
        raise PermissionDenied(_("仅系统管理员和县局管理员可查看定时任务"))
    if request.method == "POST":
        try:
            schedule.job_run_now(actor=request.user, name=request.POST.get("job", ""))
        except DomainError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("已排入队列，后台任务进程将立即运行"))
        return redirect("web:jobs")
    return render_page(
        request, "web/jobs.html", {"jobs": schedule.schedule_status(), "tasks": task_recent(user=request.user)}
    )


def audit_list(request: HttpRequest) -> HttpResponse:
    try:
        qs = select_audit(user=request.user, filters=request.GET)
    except PermissionError:
        raise PermissionDenied(_("仅审计管理员和县局管理员可查看审计日志"))
    if wants_export(request):
        return export_response(
            request,
            rows=qs.iterator(chunk_size=2000),
            columns=AUDIT_COLUMNS,
            filename="审计日志",
            object_type="core.AuditEntry",
        )
    page = paginate(request, qs)
    page.object_list = [mask_entry(e) for e in page.object_list]
    return render_page(
        request,
        "web/audit_list.html",
        {
            "page": page,
            "filters": request.GET,
            "actions": AuditAction.choices,
            "object_types": [(t, t) for t in audit_object_types()],
            "retention": settings.AUDIT_RETENTION_DAYS,
        },
    )


def healthz(request: HttpRequest) -> HttpResponse:
    return JsonResponse({"ok": True})
