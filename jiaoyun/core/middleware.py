from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse

from jiaoyun.core.accounts import LOGOUT_NOTE, S_IDLE, S_MAX, S_PW_EXPIRES, S_SEEN, S_START

# While the password has expired, only these views are reachable (besides those marked ``login_not_required``).
PASSWORD_CHANGE_VIEWS = frozenset({"web:password_change", "web:logout", "admin:logout"})


class ScopeCacheMiddleware:
    """Each user's data scope is read once per request (``jiaoyun.core.scope.scopes_cached``): the menu, the tabs
    and the page share it; the next request reads it again."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        from jiaoyun.core.scope import scopes_cached

        with scopes_cached():
            return self.get_response(request)


class SessionPolicyMiddleware:
    """The session limits of the security policy, after Django's ``LoginRequiredMiddleware`` (which sends every
    anonymous request for a view not marked ``login_not_required`` to the login page, with ``next``):

    * the admin site's login page sends to the login page, so every interactive login passes the second factor;
    * a session ends after the idle timeout or, whatever the activity, after the absolute lifetime
      (等保 2.0 会话超时), both stamped into the session at login (``jiaoyun.core.accounts``); the request then
      goes on as anonymous, so ``LoginRequiredMiddleware`` sends it to the login page;
    * while the password is past its maximum age (or was set by an administrator), every page sends to the
      password change page and the JSON API answers 403.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        path = request.path_info
        if path.startswith("/admin/password_change/"):
            return redirect(reverse("web:password_change"))
        if path.startswith("/admin/login/"):
            next_url = request.GET.get("next") or "/admin/"
            return redirect(f"{reverse(settings.LOGIN_URL)}?{urlencode({'next': next_url})}")
        if request.user.is_authenticated:
            ended = _session_ended(request)
            if ended:
                setattr(request, LOGOUT_NOTE, ended)
                logout(request)
                request.user = AnonymousUser()
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view_func: Callable[..., HttpResponse], view_args: Any, view_kwargs: Any
    ) -> HttpResponse | None:
        if not request.user.is_authenticated or not _password_expired(request):
            return None
        if request.path_info.startswith("/api/"):
            return JsonResponse({"detail": "密码已过期，请先在页面上修改密码"}, status=403)
        match = request.resolver_match
        if not getattr(view_func, "login_required", True) or (match and match.view_name in PASSWORD_CHANGE_VIEWS):
            return None
        return redirect(reverse("web:password_change"))


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
