from __future__ import annotations

from typing import Any

from django.core.paginator import Page, Paginator
from django.http import HttpRequest


def paginate(request: HttpRequest, queryset: Any, per_page: int = 50) -> Page:
    """Paginate a list page; ``?page=N`` (out-of-range pages give the last page)."""
    try:
        size = min(max(int(request.GET.get("per_page", per_page)), 10), 200)
    except ValueError:
        size = per_page
    return Paginator(queryset, size).get_page(request.GET.get("page"))


def query_without_page(request: HttpRequest) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()
