"""HTTP hardening that Django 5.2 does not do by itself: a Content-Security-Policy and a request-size limit.

* ``ContentSecurityPolicyMiddleware`` sends ``settings.CONTENT_SECURITY_POLICY`` on every response. Scripts
  come only from the site itself (HTMX, ECharts and ``web/app.js`` are vendored under ``static``); an inline
  ``<script>`` runs only with the per-request nonce (``{{ csp_nonce }}``, from the ``csp_nonce`` context
  processor). Inline event handlers (``onclick=`` …) never run: pages use ``data-`` attributes that
  ``web/app.js`` wires up.
* ``RequestSizeLimitMiddleware`` refuses (413) a request whose declared body is larger than
  ``settings.UPLOAD_MAX_BYTES``, before anything reads it; views named in ``settings.UPLOAD_LARGE_VIEWS`` (the
  data imports) have their own, larger limit.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.module_loading import import_string


def _policy(nonce: str) -> str:
    directives: dict[str, str] = settings.CONTENT_SECURITY_POLICY
    parts = []
    for name, value in directives.items():
        if name == "script-src":
            value = f"{value} 'nonce-{nonce}'"
        parts.append(f"{name} {value}".strip())
    return "; ".join(parts)


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        nonce = secrets.token_urlsafe(16)
        request.csp_nonce = nonce  # type: ignore[attr-defined]
        response = self.get_response(request)
        if settings.CONTENT_SECURITY_POLICY and "Content-Security-Policy" not in response:
            header = "Content-Security-Policy-Report-Only" if settings.CSP_REPORT_ONLY else "Content-Security-Policy"
            response[header] = _policy(nonce)
        return response


def csp_nonce(request: HttpRequest) -> dict[str, Any]:
    """Template context: ``csp_nonce`` for the rare inline ``<script nonce="{{ csp_nonce }}">``."""
    return {"csp_nonce": getattr(request, "csp_nonce", "")}


class RequestSizeLimitMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view: Any, args: Any, kwargs: Any) -> HttpResponse | None:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return HttpResponse("请求长度无效", status=400, content_type="text/plain; charset=utf-8")
        limit = upload_limit(request)
        if length > limit:
            return HttpResponse(
                f"请求内容过大：{length / 1048576:.1f} MB，上限 {limit / 1048576:.0f} MB",
                status=413,
                content_type="text/plain; charset=utf-8",
            )
        return None


def upload_limit(request: HttpRequest) -> int:
    match = request.resolver_match
    name = match.view_name if match else ""
    large: dict[str, Any] = settings.UPLOAD_LARGE_VIEWS
    if name in large:
        value = large[name]
        if isinstance(value, str):
            value = import_string(value)
        return int(value() if callable(value) else value)
    return int(settings.UPLOAD_MAX_BYTES)
