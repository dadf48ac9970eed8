"""HTMX helpers: one template serves the full page and its partial.

A list template extends ``{{ layout }}`` and puts the swappable part in ``{% block results %}``. For a
plain request ``layout`` is ``base.html``; for an HTMX (not boosted) request it is ``web/_partial.html``,
which renders only the ``results`` block.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django_htmx.http import HttpResponseClientRedirect, HttpResponseClientRefresh

FULL = "base.html"
PARTIAL = "web/_partial.html"


def is_partial(request: HttpRequest) -> bool:
    htmx = getattr(request, "htmx", None)
    return bool(htmx) and not htmx.boosted  # type: ignore[union-attr]


def layout(request: HttpRequest) -> str:
    return PARTIAL if is_partial(request) else FULL


def render_page(request: HttpRequest, template: str, context: dict[str, Any], status: int = 200) -> HttpResponse:
    """Render ``template`` with ``layout`` set for a full page or an HTMX partial."""
    return render(request, template, {"layout": layout(request), **context}, status=status)


def hx_redirect(request: HttpRequest, url: str) -> HttpResponse:
    """After a successful POST: HTMX follows ``HX-Redirect``; a plain form gets a 302.

    The HTMX answer keeps status 204 (no body to swap); django-htmx's class sets the header.
    """
    if getattr(request, "htmx", None):
        response = HttpResponseClientRedirect(url)
        response.status_code = 204
        return response
    return redirect(url)


def hx_refresh() -> HttpResponse:
    """HTMX reloads the whole page (``HX-Refresh``), e.g. when a polled task has finished; status 204."""
    response = HttpResponseClientRefresh()
    response.status_code = 204
    return response
