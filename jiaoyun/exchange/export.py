"""Export of list pages to XLSX and CSV (Chinese headers; ID numbers masked; every export audited).

Views call ``export_response`` when ``?format=xlsx`` or ``?format=csv`` is present, passing the same
scope-filtered queryset the page shows and a list of ``Column`` definitions.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from jiaoyun.core.audit import audit_record
from jiaoyun.core.choices import AuditAction
from jiaoyun.reports.xlsx import write_xlsx

EXPORT_FORMATS = ("xlsx", "csv")


@dataclass(frozen=True)
class Column:
    header: str
    value: Callable[[Any], Any]


def wants_export(request: HttpRequest) -> str | None:
    fmt = request.GET.get("format", "")
    return fmt if fmt in EXPORT_FORMATS else None


def export_response(
    request: HttpRequest,
    *,
    rows: Iterable[Any],
    columns: Sequence[Column],
    filename: str,
    object_type: str,
    personal: bool = True,
) -> HttpResponse:
    """Build the file; audit the export (who, what, filters, how many rows)."""
    fmt = wants_export(request) or "xlsx"
    headers = [c.header for c in columns]
    count = 0

    def body() -> Iterable[list[Any]]:
        nonlocal count
        for obj in rows:
            count += 1
            yield [c.value(obj) for c in columns]

    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(headers)
        writer.writerows(body())
        data: bytes = ("\ufeff" + buffer.getvalue()).encode("utf-8")  # BOM so Excel opens UTF-8 correctly
        content_type = "text/csv; charset=utf-8"
    else:
        data = write_xlsx([(filename, headers, body())])
        content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    if personal:
        filters = {k: v for k, v in request.GET.items() if k not in ("format", "page")}
        audit_record(
            actor=request.user,
            action=AuditAction.EXPORT,
            object_type=object_type,
            object_repr=f"{filename}（{count}行）",
            changes={"filters": filters, "rows": count, "format": fmt},
            ip=request.META.get("REMOTE_ADDR"),
        )
    response = HttpResponse(data, content_type=content_type)
    from urllib.parse import quote

    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(f'{filename}-{stamp}.{fmt}')}"
    return response
