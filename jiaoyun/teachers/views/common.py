from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.http import HttpRequest

from jiaoyun.core.errors import DomainError
from jiaoyun.core.schoolyear import SchoolYear


def current_year() -> int:
    return SchoolYear.current().start_year


def int_param(value: Any, default: int = 0) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


def opt_int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def date_param(value: Any, field: str) -> dt.date:
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise DomainError("日期格式应为YYYY-MM-DD", field=field) from None


def run(request: HttpRequest, fn: Any, success: str, **kwargs: Any) -> Any:
    """Call a service; report its DomainError as a message instead of failing the page."""
    try:
        result = fn(actor=request.user, **kwargs)
    except DomainError as exc:
        messages.error(request, str(exc))
        return None
    messages.success(request, success)
    return result
