"""The list page of a registry: filtered rows, an export of the same rows, or a page of them; and the one
object of a registry an API handler reads (``api_object``).

``list_page`` is the scaffolding every list view repeated: the selector's rows (already filtered and
scoped), an audited Excel/CSV export when the query asks for one (``format=xlsx|csv``), else the page
(``render_page``: the whole page, or its results partial for HTMX) with ``page`` and ``filters``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, fields
from typing import Any, TypeVar

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, QueryDict
from ninja.errors import HttpError

from jiaoyun.reports.export import Column, export_response, wants_export
from jiaoyun.web.htmx import render_page
from jiaoyun.web.paging import paginate

EXPORT_CHUNK = 2000
T = TypeVar("T")
ALL = "all"  # the value of a list's "全部" choice where the list has a default (``with_default``)


def with_default(query: QueryDict, name: str, default: str) -> QueryDict:
    """The list's filters with ``name`` set to ``default`` when the query does not name it (the list's default
    view, e.g. the students in school); ``name=all`` removes it (every row). The page, its pager links and its
    export all read these filters, so what is counted is what is shown."""
    effective = query.copy()
    value = effective.get(name)
    if value is None:
        effective[name] = default
    elif value == ALL:
        effective.pop(name)
    return effective


@dataclass(frozen=True)
class ListPage:
    """A registry's list page: its template and its export (columns, file name, audited object type)."""

    template: str
    columns: Sequence[Column]
    filename: str
    object_type: str
    personal: bool = True  # the export holds personal data (audited as such; ID columns masked)
    stream: bool = False  # the export reads the rows in chunks (large registers)

    def __call__(
        self, request: HttpRequest, rows: QuerySet[Any], context: Mapping[str, Any] | None = None
    ) -> HttpResponse:
        return list_page(request, rows=rows, context=context, **{f.name: getattr(self, f.name) for f in fields(self)})


def list_page(
    request: HttpRequest,
    *,
    rows: QuerySet[Any],
    template: str,
    columns: Sequence[Column],
    filename: str,
    object_type: str,
    context: Mapping[str, Any] | None = None,
    personal: bool = True,
    stream: bool = False,
) -> HttpResponse:
    """Export ``rows`` (audited; ``stream`` reads them in chunks) or render a page of them with ``context``."""
    if wants_export(request):
        return export_response(
            request,
            rows=rows.iterator(chunk_size=EXPORT_CHUNK) if stream else rows,
            columns=columns,
            filename=filename,
            object_type=object_type,
            personal=personal,
        )
    return render_page(request, template, {"page": paginate(request, rows), "filters": request.GET, **(context or {})})


def api_object(fetch: Callable[[], T], *, missing: type[Exception], message: str) -> T:
    """``fetch()`` (a scoped selector's get), or a 404 with ``message`` when it raises ``missing``."""
    try:
        return fetch()
    except missing:
        raise HttpError(404, message) from None
