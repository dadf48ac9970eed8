from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.contrib.auth import authenticate, login, logout
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jiaoyun.core.accounts import (
    S_PENDING,
    S_PW_EXPIRES,
    password_change,
    totp_begin,
    totp_device,
    totp_secret,
    totp_uri,
    totp_verify,
)
from jiaoyun.core.audit_mask import mask_entry
from jiaoyun.core.audit_text import iter_sentences, noun_of, sentences
from jiaoyun.core.auth import ip_blocked, is_locked, register_failure
from jiaoyun.core.choices import AuditAction
from jiaoyun.core.http import client_ip
from jiaoyun.core.models import User
from jiaoyun.core.security_policy import needs_second_factor, policy_get
from jiaoyun.core.selectors import audit_list as select_audit
from jiaoyun.core.selectors import audit_object_types
from jiaoyun.core.types import AuthedRequest
from jiaoyun.reports.export import Column, export_response, wants_export
from jiaoyun.web.forms import JobRunForm
from jiaoyun.web.htmx import render_page
from jiaoyun.web.paging import paginate
from jiaoyun.web.redirects import safe_next

PENDING_SECONDS = 300  # the TOTP step must follow the password within five minutes
PENDING_TRIES = 5


@login_not_required
def login_view(request: HttpRequest) -> HttpResponse:
    """Step one: user name and password. Roles of the policy's second-factor list go on to the TOTP step before
    any session is opened; everyone else is logged in here (the login is audited by the signal receiver)."""
    error = ""
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    policy = policy_get()
    if request.method == "POST":
        username = request.POST.get("username", "").strip()
        password = request.POST.get("password", "")
        user = authenticate(request, username=username, password=password)
        if user is not None and user.is_active:
            if needs_second_factor(user, policy):
                request.session.cycle_key()
                request.session[S_PENDING] = {"uid": user.pk, "backend": getattr(user, "backend", ""), "at": time.time(),
                                              "next": safe_next(request, next_url, ""), "tries": 0}  # fmt: skip
                return redirect("web:login_totp")
            login(request, user)
            return redirect(safe_next(request, next_url, "") or settings.LOGIN_REDIRECT_URL)
        if ip_blocked(client_ip(request), policy):
            error = _("此地址登录失败次数过多，请%(minutes)s分钟后再试。") % {"minutes": policy.ip_window_minutes}
        elif is_locked(username):
            error = _("登录失败次数过多，账号已锁定%(minutes)s分钟。") % {"minutes": policy.lockout_minutes}
        else:
            error = _("用户名或密码错误。")
    context = {
        "error": error or request.session.pop("jy_login_error", ""),
        "next": next_url,
        "failure_limit": policy.lockout_limit,
        "idle_minutes": policy.session_idle_minutes,
    }
    return render(request, "web/login.html", context)


def _pending_user(request: HttpRequest) -> tuple[dict[str, Any] | None, User | None]:
    pending = request.session.get(S_PENDING)
    if not pending or time.time() - float(pending.get("at", 0)) > PENDING_SECONDS:
        return None, None
    user = User.objects.filter(pk=pending["uid"], is_active=True).first()
    return (pending, user) if user is not None else (None, None)


@login_not_required
def login_totp(request: HttpRequest) -> HttpResponse:
    """Step two for the administrative roles: the TOTP code; on the first login, enrol the authenticator first
    (its secret and otpauth URI are shown once the password has been checked)."""
    pending, user = _pending_user(request)
    if pending is None or user is None:
        request.session.pop(S_PENDING, None)
        request.session["jy_login_error"] = _("验证已超时，请重新登录。")
        return redirect(settings.LOGIN_URL)
    device = totp_device(user)
    if device is None:
        device = totp_begin(user=user)
    enrolling = device.confirmed_at is None
    error = ""
    if request.method == "POST":
        if totp_verify(user=user, code=request.POST.get("code", "")):
            request.session.pop(S_PENDING, None)
            user.backend = pending["backend"]  # type: ignore[attr-defined]
            login(request, user, backend=pending["backend"])
            return redirect(pending.get("next") or settings.LOGIN_REDIRECT_URL)
        register_failure(user, ip=client_ip(request), reason="动态口令错误")
        pending["tries"] = int(pending.get("tries", 0)) + 1
        if pending["tries"] >= PENDING_TRIES or is_locked(user.username):
            request.session.pop(S_PENDING, None)
            request.session["jy_login_error"] = _("动态口令错误次数过多，请重新登录。")
            return redirect(settings.LOGIN_URL)
        request.session[S_PENDING] = pending
        error = _("动态口令错误或已使用，请输入验证器上的最新口令。")
    context: dict[str, Any] = {"error": error, "enrolling": enrolling, "account": user.username}
    if enrolling:
        secret = totp_secret(device)
        context.update({"secret": secret, "uri": totp_uri(user, secret)})
    return render(request, "web/login_totp.html", context)


def password_change_view(request: AuthedRequest) -> HttpResponse:
    """Self-service password change (old password, new twice, the policy's validators); also where an expired
    password sends every page until it is changed."""
    from django.contrib import messages
    from django.contrib.auth.forms import PasswordChangeForm

    expired = bool(request.session.get(S_PW_EXPIRES) is not None and time.time() >= request.session[S_PW_EXPIRES])
    form = PasswordChangeForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        password_change(user=form.user, new_password=form.cleaned_data["new_password1"], request=request)
        messages.success(request, _("密码已修改。"))
        return redirect(settings.LOGIN_REDIRECT_URL)
    return render(request, "web/password_change.html", {"form": form, "expired": expired})


@require_POST
def logout_view(request: AuthedRequest) -> HttpResponse:
    logout(request)  # audited by the user_logged_out receiver
    return redirect(settings.LOGOUT_REDIRECT_URL)


# The audit log shows personal fields masked, to every reader (jiaoyun.core.audit_mask), each entry as a sentence
# (jiaoyun.core.audit_text); the export keeps the recorded facts in their own columns beside the sentence.
AUDIT_COLUMNS = [
    Column("时间", lambda e: timezone.localtime(e.at).strftime("%Y-%m-%d %H:%M:%S")),
    Column("记录", lambda e: e.sentence),
    Column("操作人", lambda e: e.who),
    Column("操作人账号", lambda e: e.actor_name),
    Column("操作", lambda e: e.get_action_display()),
    Column("对象类型", lambda e: noun_of(e.object_type)),
    Column("对象编号", lambda e: e.object_id),
    Column("对象", lambda e: mask_entry(e).masked_repr),
    Column("变更内容", lambda e: "；".join(e.details)),
    Column("说明", lambda e: e.masked_note),
    Column("IP", lambda e: e.ip or ""),
]


def jobs(request: AuthedRequest) -> HttpResponse:
    """定时任务: each periodic job's schedule, next and last run; the latest background tasks."""
    from django.contrib import messages

    from jiaoyun.core import schedule
    from jiaoyun.core.errors import DomainError
    from jiaoyun.core.selectors import can_view_jobs, task_recent

    if not can_view_jobs(request.user):
        raise PermissionDenied(_("仅系统管理员和县局管理员可查看定时任务"))
    if request.method == "POST":
        try:
            form = JobRunForm(request.POST)
            name = form.cleaned_data["job"] if form.is_valid() else ""
            if name not in {job.name for job in schedule.JOBS}:  # the page lists no other (names are codes)
                raise DomainError(_("没有这个定时任务，请刷新页面后重试"))
            schedule.job_run_now(actor=request.user, name=name)
        except DomainError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("已排入队列，后台任务进程将立即运行"))
        return redirect("web:jobs")
    return render_page(
        request, "web/jobs.html", {"jobs": schedule.schedule_status(), "tasks": task_recent(user=request.user)}
    )


def audit_list(request: AuthedRequest) -> HttpResponse:
    try:
        qs = select_audit(user=request.user, filters=request.GET)
    except PermissionError:
        raise PermissionDenied(_("仅审计管理员可查看审计日志"))
    if wants_export(request):
        return export_response(
            request,
            rows=iter_sentences(qs.iterator(chunk_size=2000)),
            columns=AUDIT_COLUMNS,
            filename="审计日志",
            object_type="core.AuditEntry",
        )
    page = paginate(request, qs)
    page.object_list = sentences(mask_entry(e) for e in page.object_list)
    return render_page(
        request,
        "web/audit_list.html",
        {
            "page": page,
            "filters": request.GET,
            "actions": AuditAction.choices,
            "object_types": sorted(((t, noun_of(t)) for t in audit_object_types()), key=lambda p: p[1]),
            "retention": settings.AUDIT_RETENTION_DAYS,
        },
    )


@login_not_required
def healthz(request: HttpRequest) -> HttpResponse:
    return JsonResponse({"ok": True})
