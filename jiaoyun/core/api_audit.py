"""Bulk reads of personal data through the API are audited: one entry per request, not per row.

``audited_list(Model)`` wraps an API list operation that returns children's or teachers' personal data. It sits
between the router decorator and ``@paginate`` (so that it sees the page the client receives)::

    @router.get("/students", response=list[StudentOut])
    @audited_list(Student)
    @paginate(PageNumberPagination, page_size=50)
    def student_list(request, filters: Query[StudentFilter]): ...

After the operation answers, one ``AuditAction.EXPORT`` entry is written ("API批量读取"): ``object_type`` is the
model label, ``changes`` holds the filters and path arguments used (ID-like numbers and mobile numbers in them
masked), the page asked for and the number of rows on that page, with the client's address. A request the operation refuses (out of scope, no permission, bad input)
raises before that and writes nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from functools import wraps
from typing import Any, TypeVar

from django.db import models
from django.http import HttpRequest
from pydantic import BaseModel

from jiaoyun.core.audit import audit_record
from jiaoyun.core.audit_mask import mask_numbers
from jiaoyun.core.choices import AuditAction
from jiaoyun.core.http import client_ip

NOTE = "API批量读取"
PAGINATION_ARG = "ninja_pagination"  # the argument django-ninja's ``@paginate`` adds

F = TypeVar("F", bound=Callable[..., Any])


def _plain(value: Any) -> Any:
    if isinstance(value, BaseModel):
        return {k: _plain(v) for k, v in value.model_dump(exclude_none=True).items() if v not in ("", None)}
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, list | tuple | set):
        return [_plain(v) for v in value]
    if isinstance(value, str):
        return mask_numbers(value)  # a search term may be an ID number: the log keeps it masked
    if value is None or isinstance(value, int | float | bool):
        return value
    return str(value)


def _filters(kwargs: Mapping[str, Any]) -> dict[str, Any]:
    """The operation's arguments (path and query) as the client gave them, empty ones left out."""
    out: dict[str, Any] = {}
    for name, value in kwargs.items():
        if name == PAGINATION_ARG or value in (None, ""):
            continue
        plain = _plain(value)
        if isinstance(value, BaseModel) and isinstance(plain, dict):
            out.update(plain)  # a filter schema (``Query[StudentFilter]``) spreads into its fields
        else:
            out[name] = plain
    return out


def _rows(result: Any) -> int:
    """How many rows the response carries: the page's items for a paginated answer, else the list."""
    if isinstance(result, Mapping):
        result = result["items"]
    return len(result)


def audited_list(model: type[models.Model], *, rows: Callable[[Any], int] = _rows) -> Callable[[F], F]:
    """Audit every successful call of an API list operation that returns rows of ``model`` (see module doc).
    ``rows`` counts the rows in the operation's result (by default the page's items, or the list)."""

    def decorate(view: F) -> F:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
            result = view(request, *args, **kwargs)
            page = kwargs.get(PAGINATION_ARG)
            changes: dict[str, Any] = {"filters": _filters(kwargs), "rows": rows(result)}
            if page is not None:
                changes["page"] = _plain(page)
            audit_record(
                actor=request.user,
                action=AuditAction.EXPORT,
                object_type=model._meta.label,
                object_repr=f"{model._meta.verbose_name} {changes['rows']} 条",
                changes=changes,
                note=NOTE,
                ip=client_ip(request),
            )
            return result

        return wrapped  # type: ignore[return-value]

    return decorate
