from __future__ import annotations

from django.conf import settings
from django.contrib.auth import authenticate, login, logout
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from jiaoyun.core.audit import audit_record
from jiaoyun.core.auth import is_locked
from jiaoyun.core.choices import AuditAction
from jiaoyun.core.selectors import audit_list as select_audit
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
            error = f"登录失败次数过多，账号已锁定{settings.LOGIN_LOCKOUT_MINUTES}分钟。"
        else:
            error = "用户名或密码错误。"
    return render(request, "web/login.html", {"error": error, "next": next_url})


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


def audit_list(request: HttpRequest) -> HttpResponse:
    try:
        qs = select_audit(user=request.user, filters=request.GET)
    except PermissionError:
        raise PermissionDenied("仅审计管理员和县局管理员可查看审计日志")
    page = paginate(request, qs)
    return render(
        request, "web/audit_list.html", {"page": page, "filters": request.GET, "actions": AuditAction.choices}
    )


def healthz(request: HttpRequest) -> HttpResponse:
    return JsonResponse({"ok": True})
