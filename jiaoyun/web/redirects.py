"""Redirects to a URL the user supplied (``next``): only to this site, never to another host or scheme."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme


def safe_next(request: HttpRequest, url: str | None, fallback: str) -> str:
    """``url`` when it stays on this site (same host, http(s), https when the request is); else ``fallback``."""
    if url and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return fallback
