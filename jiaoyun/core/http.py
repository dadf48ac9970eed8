"""Small request helpers shared by the web pages, the login backend and the admin."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.urls import URLPattern, URLResolver


def client_ip(request: HttpRequest | None) -> str | None:
    """The client's address as the WSGI server saw it (the reverse proxy sets it; see docs/deployment)."""
    return request.META.get("REMOTE_ADDR") if request is not None else None


def _open(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """``view`` marked ``login_not_required`` without touching the original (it may be shared or a bound method)."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return view(request, *args, **kwargs)

    return login_not_required(wrapped)


def login_not_required_urls(patterns: Iterable[URLPattern | URLResolver]) -> list[URLPattern | URLResolver]:
    """The same URL patterns with every view marked ``login_not_required``, nested includes included.

    For endpoints that authenticate themselves (the JSON API's session/token auth, xAPI basic auth, device
    tokens) or need no login (language switch): Django's ``LoginRequiredMiddleware`` lets them through and the
    endpoint answers an anonymous caller itself (401 JSON, not a redirect to the login page).
    """
    result: list[URLPattern | URLResolver] = []
    for p in patterns:
        if isinstance(p, URLResolver):
            inner = URLResolver(
                p.pattern, login_not_required_urls(p.url_patterns), p.default_kwargs, p.app_name, p.namespace
            )
            result.append(inner)
        else:
            result.append(URLPattern(p.pattern, _open(p.callback), p.default_args, p.name))
    return result


def login_not_required_include(
    urls: tuple[Any, str | None, str | None],
) -> tuple[list[URLPattern | URLResolver], str | None, str | None]:
    """``include(...)``'s result with every view marked ``login_not_required``: ``path("x/", open(include(...)))``."""
    urlconf, app_name, namespace = urls
    patterns = getattr(urlconf, "urlpatterns", urlconf)
    return login_not_required_urls(patterns), app_name, namespace
