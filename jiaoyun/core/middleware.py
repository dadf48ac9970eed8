from __future__ import annotations

import time
from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect

from jiaoyun.core.accounts import LOGOUT_NOTE, S_IDLE, S_MAX, S_PW_EXPIRES, S_SEEN, S_START

# Paths that authenticate themselves (API keys, device tokens, xAPI basic auth) or need no login.
OPEN_PREFIXES = ("/static/", "/login/", "/i18n/", "/api/", "/xapi/", "/devices/", "/healthz")


# While the password has expired, only these pages are reachable (besides the open prefixes).
PASSWORD_CHANGE_PATHS = ("/account/password/", "/logout/", "/admin/logout/")


class LoginRequiredMiddleware:
    """Every page needs a login except the open prefixes above; the session limits of the security policy.

    * the admin site's login page sends to the login page, so every interactive login passes the second factor;
    * a session ends after the idle timeout or, whatever the activity, after the absolute lifetime
      (等保 2.0 会话超时), both stamped into the session at login (``jiaoyun.core.accounts``);
    * while the password is past its maximum age (or was set by an administrator), every page sends to the
      password change page.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        from django.urls import reverse

        path = request.path_info
        if path.startswith("/admin/password_change/"):
            return redirect(reverse("web:password_change"))
        if path.startswith("/admin/login/"):
            next_url = request.GET.get("next") or "/admin/"
            return redirect(f"{reverse(settings.LOGIN_URL)}?{urlencode({'next': next_url})}")
        if request.user.is_authenticated:
            ended = _session_ended(request)
            if ended:
                from django.contrib.auth import logout
                from django.contrib.auth.models import AnonymousUser

                setattr(request, LOGOUT_NOTE, ended)
                logout(request)
                request.user = AnonymousUser()
            elif _password_expired(request):
                if path.startswith("/api/"):
                    return JsonResponse({"detail": "密码已过期，请先在页面上修改密码"}, status=403)
                if not path.startswith(PASSWORD_CHANGE_PATHS + OPEN_PREFIXES):
                    return redirect(reverse("web:password_change"))
        if not request.user.is_authenticated and not path.startswith(OPEN_PREFIXES) and not path.startswith("/admin/"):
            return redirect(f"{reverse(settings.LOGIN_URL)}?{urlencode({'next': path})}")
        return self.get_response(request)


def _session_ended(request: HttpRequest) -> str:
    """Why the session must end now ("" when it may go on); refreshes the last-seen time."""
    session = request.session
    now = time.time()
    start = session.get(S_START)
    if start is None:
        return "会话缺少登录时间，重新登录"
    if now - float(start) > float(session.get(S_MAX, settings.SESSION_MAX_HOURS * 3600)):
        return "会话超过最长时长，自动退出"
    if now - float(session.get(S_SEEN, start)) > float(session.get(S_IDLE, settings.SESSION_COOKIE_AGE)):
        return "长时间无操作，自动退出"
    session[S_SEEN] = now
    return ""


def _password_expired(request: HttpRequest) -> bool:
    expires = request.session.get(S_PW_EXPIRES)
    return expires is not None and time.time() >= float(expires)


class ChineseFirstMiddleware:
    """The interface is Chinese first: the browser's Accept-Language is ignored, so English appears only
    when the user picks it with the language switcher (stored in the language cookie). The xAPI endpoint
    keeps the header: it chooses language-map entries by it (``format=canonical``)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path_info.startswith("/xapi/"):
            request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        return self.get_response(request)
