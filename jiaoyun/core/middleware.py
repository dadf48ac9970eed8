from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

# Paths that authenticate themselves (API keys, device tokens, xAPI basic auth) or need no login.
OPEN_PREFIXES = ("/static/", "/login/", "/i18n/", "/api/", "/xapi/", "/devices/", "/healthz")


class LoginRequiredMiddleware:
    """Every page needs a login except the open prefixes above."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        path = request.path_info
        if not request.user.is_authenticated and not path.startswith(OPEN_PREFIXES) and not path.startswith("/admin/"):
            from django.urls import reverse

            return redirect(f"{reverse(settings.LOGIN_URL)}?next={path}")
        return self.get_response(request)


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
