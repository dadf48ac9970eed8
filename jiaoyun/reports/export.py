"""Export of list pages to XLSX and CSV (Chinese headers; ID numbers masked; every export audited).

Views call ``export_response`` when ``?format=xlsx`` or ``?format=csv`` is present, passing the same
scope-filtered queryset the page shows and a list of ``Column`` definitions.

* ``?format=csv&encoding=gbk`` writes CSV in GBK (GB18030, its superset) for older Excel versions;
  the default CSV is UTF-8 with a BOM.
* Formula cells: CSV text starting with ``= + - @``, a tab or a CR is written with a leading ``'``; XLSX
  files are written with ``strings_to_formulas=False`` (such text stays text).
* ID numbers: a column built with ``id_column()`` (or any ``Column(..., sensitive=True)``) is always
  masked, unless ``?reveal=1`` is asked by a user with ``can_reveal_id``; such an export is audited as
  a reveal as well as an export.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, HttpResponseForbidden
from django.utils import timezone

from jiaoyun.core import idcard
from jiaoyun.core.audit import audit_record
from jiaoyun.core.choices import AuditAction
from jiaoyun.reports.xlsx import write_xlsx

EXPORT_FORMATS = ("xlsx", "csv")
CSV_ENCODINGS = {"utf-8": "utf-8", "utf8": "utf-8", "gbk": "gb18030", "gb18030": "gb18030", "gb2312": "gb18030"}


@dataclass(frozen=True)
class Column:
    """One exported column: header text and how to get the value from a row.

    ``sensitive`` columns (ID numbers) are masked in every export; ``reveal`` gives the full value and is
    used only when the user asked for it (``?reveal=1``) and may see full ID numbers.
    """

    header: str
    value: Callable[[Any], Any]
    sensitive: bool = False
    reveal: Callable[[Any], Any] | None = None


def id_column(
    header: str = "身份证号",
    *,
    masked: Callable[[Any], Any] = lambda o: o.id_masked,
    cipher: Callable[[Any], Any] = lambda o: o.id_cipher,
) -> Column:
    """The ID-number column of people-level exports: masked, full only for a permitted ``?reveal=1``."""

    def full(obj: Any) -> str:
        token = cipher(obj)
        return idcard.decrypt(token) if token else (masked(obj) or "")

    return Column(header, masked, sensitive=True, reveal=full)


# A spreadsheet program reads a CSV cell starting with one of these as a formula (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(value: Any) -> Any:
    """A text cell that would start a formula gets a leading ``'`` (shown as text by Excel and WPS)."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _looks_like_id(header: str) -> bool:
    """Columns headed like an ID number are treated as sensitive even if the caller did not say so."""
    return any(word in header for word in ("身份证", "证件号"))


def wants_export(request: HttpRequest) -> str | None:
    fmt = request.GET.get("format", "")
    return fmt if fmt in EXPORT_FORMATS else None


def wants_reveal(request: HttpRequest) -> bool:
    """Whether this request asks for full ID numbers (``?reveal=1``)."""
    return request.GET.get("reveal") in ("1", "true", "yes")


REVEAL_REASON_MIN = 2  # characters: "核对" is a reason, "1" is not


def reveal_reason(request: HttpRequest) -> str:
    """The reason given for an export with full ID numbers (``?reason=…``), stripped; "" when none was given."""
    return " ".join(request.GET.get("reason", "").split())[:200]


def may_reveal(request: HttpRequest) -> bool:
    """Whether this export shows full ID numbers: asked for, and the user is allowed to."""
    return wants_reveal(request) and bool(getattr(request.user, "can_reveal_id", False))


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
    encoding = CSV_ENCODINGS.get(request.GET.get("encoding", "utf-8").lower(), "utf-8")
    columns = [c if c.sensitive or not _looks_like_id(c.header) else Column(c.header, c.value, True) for c in columns]
    has_sensitive = any(c.sensitive for c in columns)
    if wants_reveal(request) and has_sensitive and not may_reveal(request):
        return HttpResponseForbidden("您的角色无权导出完整身份证号".encode())
    reason = reveal_reason(request)
    if wants_reveal(request) and has_sensitive and len(reason) < REVEAL_REASON_MIN:
        # As on a student's page, full numbers are given only for a stated reason, which the audit entry keeps.
        return HttpResponseBadRequest(
            "导出完整身份证号须说明原因（在地址中加 reason=原因，如 reason=核对劝返名单），原因记入审计日志".encode()
        )
    # Audited as revealed only if a column actually gives full numbers (a sensitive column without ``reveal``
    # stays masked whatever was asked).
    reveal = may_reveal(request) and any(c.sensitive and c.reveal is not None for c in columns)
    headers = [c.header for c in columns]
    count = 0

    def cell(c: Column, obj: Any) -> Any:
        if not c.sensitive:
            return c.value(obj)
        if reveal and c.reveal is not None:
            return c.reveal(obj)
        value = c.value(obj)
        return idcard.mask(str(value)) if value else value

    def body() -> Iterable[list[Any]]:
        nonlocal count
        for obj in rows:
            count += 1
            yield [cell(c, obj) for c in columns]

    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow([csv_safe(h) for h in headers])
        writer.writerows([csv_safe(v) for v in row] for row in body())
        if encoding == "utf-8":
            data: bytes = ("\ufeff" + buffer.getvalue()).encode("utf-8")  # BOM so Excel opens UTF-8 correctly
            content_type = "text/csv; charset=utf-8"
        else:
            data = buffer.getvalue().encode("gb18030")
            content_type = "text/csv; charset=gb18030"
    else:
        data = write_xlsx([(filename, headers, body())])
        content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    if personal or reveal:
        filters = {k: v for k, v in request.GET.items() if k not in ("format", "page")}
        filters.pop("reason", None)
        changes = {"filters": filters, "rows": count, "format": fmt, "encoding": encoding, "revealed": reveal}
        if reveal:
            changes["reason"] = reason
        audit_record(
            actor=request.user,
            action=AuditAction.EXPORT,
            object_type=object_type,
            object_repr=f"{filename}（{count}行）",
            changes=changes,
            note=f"导出文件含完整身份证号（理由：{reason}）" if reveal else "",
            ip=request.META.get("REMOTE_ADDR"),
        )
        if reveal:
            audit_record(
                actor=request.user,
                action=AuditAction.REVEAL,
                object_type=object_type,
                object_repr=f"导出{filename}：{count}人的完整身份证号",
                changes=changes,
                note=f"导出文件含完整身份证号（理由：{reason}）",
                ip=request.META.get("REMOTE_ADDR"),
            )
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(f'{filename}-{stamp}.{fmt}')}"
    return response
