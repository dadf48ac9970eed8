"""Paging of list pages: the page of rows (``paginate``) and the links of the pager partial
(``web/partials/_pager.html``: 共 N 条, first/previous, numbered pages with gaps, next/last, a 跳至 __ 页 form).

Every list page includes the one partial; its links keep the list's filters (the query string without ``page``).
"""

from __future__ import annotations

from typing import Any

from django.core.paginator import Page, Paginator
from django.http import HttpRequest, QueryDict

GAP = None  # a gap between page numbers (shown as …)


def paginate(request: HttpRequest, queryset: Any, per_page: int = 50) -> Page:
    """Paginate a list page; ``?page=N`` (out-of-range pages give the last page, malformed ones the first)."""
    try:
        size = min(max(int(request.GET.get("per_page", per_page)), 10), 200)
    except ValueError:
        size = per_page
    return Paginator(queryset, size).get_page(request.GET.get("page"))


def page_numbers(number: int, count: int, *, edge: int = 1, around: int = 2) -> list[int | None]:
    """The page numbers the pager shows: the first and last ``edge`` pages, ``around`` pages either side of the
    current one, and ``None`` for each gap, e.g. page 6 of 120 → ``[1, None, 4, 5, 6, 7, 8, None, 120]``.
    A gap of a single page shows that page instead of ``…``."""
    if count <= 0:
        return []
    shown = sorted(
        set(range(1, edge + 1))
        | set(range(count - edge + 1, count + 1))
        | set(range(number - around, number + around + 1))
    )
    shown = [n for n in shown if 1 <= n <= count]
    out: list[int | None] = []
    for n in shown:
        prev = out[-1] if out else None
        if prev is not None and n - prev == 2:
            out.append(prev + 1)
        elif prev is not None and n - prev > 2:
            out.append(GAP)
        out.append(n)
    return out


def query_without_page(request: HttpRequest) -> str:
    """The query string of the list without ``page`` (a pager link appends its own)."""
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


def hidden_filters(query: QueryDict) -> list[tuple[str, str]]:
    """The list's filters as ``(name, value)`` pairs, for the hidden inputs of the jump form (``page`` left out)."""
    return [(key, value) for key, values in query.lists() if key != "page" for value in values]
