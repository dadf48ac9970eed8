"""Pages: import records, upload with progress, preview and confirm, rejected rows, templates, exports."""

from __future__ import annotations

import contextlib
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from jiaoyun.core.errors import DomainError
from jiaoyun.core.errors import PermissionDenied as DomainPermissionDenied
from jiaoyun.core.files import content_disposition
from jiaoyun.core.types import AuthedRequest
from jiaoyun.exchange import conf, selectors, services
from jiaoyun.exchange.choices import BatchStatus
from jiaoyun.exchange.files import rejects_xlsx, template_xlsx
from jiaoyun.exchange.forms import ConfirmForm, UploadForm
from jiaoyun.exchange.models import ImportBatch
from jiaoyun.exchange.permissions import can_import, can_import_kind, kinds_for
from jiaoyun.exchange.registry import NEW, SKIPPED, UPDATED, Kind, all_kinds, get_kind
from jiaoyun.reports.export import Column, export_response, may_reveal
from jiaoyun.web.htmx import hx_redirect, hx_refresh, render_page
from jiaoyun.web.lists import ListPage
from jiaoyun.web.paging import paginate

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Rows of each list the batch page shows (the preview keeps up to IMPORT_MAX_CHANGES_SHOWN of each).
SHOWN_FLAGGED, SHOWN_UPDATED, SHOWN_NEW = 500, 200, 100


def _kind_label(key: str) -> str:
    try:
        return get_kind(key).label
    except DomainError:
        return key


IMPORTS_PAGE = ListPage(
    template="exchange/imports.html",
    columns=[
        Column("编号", lambda b: b.pk),
        Column("数据类型", lambda b: _kind_label(b.kind)),
        Column("文件名", lambda b: b.file_name),
        Column("SHA-256", lambda b: b.file_sha256),
        Column("上传人", lambda b: str(b.created_by or "")),
        Column("上传时间", lambda b: timezone.localtime(b.created_at).strftime("%Y-%m-%d %H:%M")),
        Column("状态", lambda b: b.get_status_display()),
        Column("数据行", lambda b: b.total),
        Column("新增", lambda b: b.new),
        Column("更新", lambda b: b.updated),
        Column("无变化", lambda b: b.unchanged),
        Column("拒绝", lambda b: b.rejected),
    ],
    filename="导入记录",
    object_type="exchange.ImportBatch",
    personal=False,
)


def _require_importer(request: AuthedRequest) -> None:
    if not can_import(request.user):
        raise PermissionDenied("您的角色无权导入数据")


def _kind(key: str, request: AuthedRequest | None = None) -> Kind:
    """The format ``key``; with ``request``, only if the user imports it (another section's format: 404)."""
    if request is not None and not can_import_kind(request.user, key):
        raise Http404("未知的数据类型")
    try:
        return get_kind(key)
    except DomainError:
        raise Http404("未知的数据类型")


def _batch(request: AuthedRequest, pk: int) -> ImportBatch:
    _require_importer(request)
    try:
        return selectors.batch_get(user=request.user, batch_id=pk)
    except ImportBatch.DoesNotExist:
        raise Http404("导入批次不存在")


def _attachment(data: bytes, filename: str, content_type: str = XLSX) -> HttpResponse:
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = content_disposition(filename)
    response["X-Content-Type-Options"] = "nosniff"
    return response


def imports(request: AuthedRequest) -> HttpResponse:
    """Import records with filters; the formats with their upload, template and export links."""
    _require_importer(request)
    batches = selectors.batch_list(user=request.user, filters=request.GET)
    mine = kinds_for(request.user)
    kinds = [k for k in all_kinds() if mine is None or k.key in mine]
    context = {"kinds": kinds, "kind_labels": {k.key: k.label for k in kinds}, "statuses": BatchStatus.choices}
    return IMPORTS_PAGE(request, batches, context)


def upload(request: AuthedRequest, kind: str) -> HttpResponse:
    """GET: the upload form and the format; POST (multipart, HTMX with progress): store, then preview.

    Small files are previewed at once; larger ones by a background task whose progress the batch page polls.
    """
    _require_importer(request)
    fmt = _kind(kind, request)
    error = ""
    if request.method == "POST":
        form = UploadForm(request.POST, request.FILES)
        if not form.is_valid():
            error = str(form.errors["file"][0])
        else:
            file = form.cleaned_data["file"]
            try:
                batch = services.import_upload(actor=request.user, kind=kind, upload=file, file_name=file.name or "")
                if batch.file_size > conf.get("IMPORT_ASYNC_BYTES"):
                    from jiaoyun.exchange.tasks import import_preview_task

                    import_preview_task.enqueue(batch.pk, int(request.user.pk or 0))
                else:
                    with contextlib.suppress(DomainError):  # the batch page shows the failure message
                        services.import_preview(actor=request.user, batch=batch)
                return hx_redirect(request, reverse("exchange:batch", args=[batch.pk]))
            except DomainError as exc:
                error = str(exc)
    return render_page(
        request,
        "exchange/upload.html",
        {
            "kind": fmt,
            "error": error,
            "max_mb": conf.get("IMPORT_MAX_BYTES") // 1048576,
            "text_columns": [c.label for c in fmt.columns if c.as_text],
        },
        status=400 if error and not getattr(request, "htmx", False) else 200,
    )


def batch_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    """The preview: totals, rejected rows (paginated), confirm button; polls while a task runs."""
    batch = _batch(request, pk)
    running = batch.status in (BatchStatus.PROCESSING, BatchStatus.CONFIRMING)
    if request.GET.get("poll") and not running:
        return hx_refresh()
    rejections = selectors.batch_rejections(user=request.user, batch=batch)
    changes = selectors.batch_changes(user=request.user, batch=batch)
    return render_page(
        request,
        "exchange/batch.html",
        {
            "batch": batch,
            "kind_label": _kind_label(batch.kind),
            "running": running,
            "progress": services.batch_live_progress(batch),
            "page": paginate(request, rejections),
            "flagged": list(changes.exclude(flag="")[:SHOWN_FLAGGED]),
            "updates": list(changes.filter(flag="", outcome=UPDATED)[:SHOWN_UPDATED]),
            "new_rows": list(changes.filter(outcome=NEW)[:SHOWN_NEW]),
            "shown": {"flagged": SHOWN_FLAGGED, "updated": SHOWN_UPDATED, "new": SHOWN_NEW},
            "next_steps": _next_steps(batch),
            "skipped_outcome": SKIPPED,
        },
    )


def _next_steps(batch: ImportBatch) -> list[dict[str, Any]]:
    """The stored next steps with their links: the import page of the kind to import next, a list page."""
    steps = []
    for step in batch.next_steps or []:
        shown = dict(step)
        if step.get("kind"):
            shown["import_url"] = reverse("exchange:upload", args=[step["kind"]])
            shown["import_label"] = f"导入{_kind_label(step['kind'])}"
        if step.get("route"):
            query = f"?{step['query']}" if step.get("query") else ""
            shown["url"] = reverse(step["route"]) + query
        steps.append(shown)
    return steps


@require_POST
def batch_confirm(request: AuthedRequest, pk: int) -> HttpResponse:
    """Confirm a previewed batch (flagged updates only when ticked); large files in a task."""
    batch = _batch(request, pk)
    form = ConfirmForm(request.POST)
    accept = form.is_valid() and bool(form.cleaned_data["accept_flagged"])
    try:
        if batch.file_size > conf.get("IMPORT_ASYNC_BYTES"):
            from jiaoyun.exchange.tasks import import_confirm_task

            services.import_confirm_start(actor=request.user, batch=batch, accept_flagged=accept)
            import_confirm_task.enqueue(batch.pk, int(request.user.pk or 0))
        else:
            services.import_confirm(actor=request.user, batch=batch, accept_flagged=accept)
    except DomainPermissionDenied as exc:
        raise PermissionDenied(str(exc))
    except DomainError:
        pass  # the batch records the failure; the page shows it
    return hx_redirect(request, reverse("exchange:batch", args=[pk]))


@require_POST
def batch_cancel(request: AuthedRequest, pk: int) -> HttpResponse:
    """Cancel a previewed batch (nothing of it is written); back to the import page of its kind."""
    batch = _batch(request, pk)
    try:
        services.import_cancel(actor=request.user, batch=batch)
    except DomainPermissionDenied as exc:
        raise PermissionDenied(str(exc))
    except DomainError:
        return hx_redirect(request, reverse("exchange:batch", args=[pk]))
    return hx_redirect(request, reverse("exchange:upload", args=[batch.kind]))


def batch_rejects(request: AuthedRequest, pk: int) -> HttpResponse:
    """The rejected rows as XLSX with an error column (ID numbers and 学籍号 always masked); every download audited."""
    batch = _batch(request, pk)
    try:
        data = rejects_xlsx(batch)
    except (DomainError, OSError):  # purged, or never stored (a batch refused before its file was kept)
        raise Http404("原文件已不存在（已按保存期限删除或未保存），无法生成拒绝行文件")
    services.rejects_downloaded(actor=request.user, batch=batch, ip=request.META.get("REMOTE_ADDR"))
    return _attachment(data, f"拒绝行-{batch.file_name.rsplit('.', 1)[0]}.xlsx")


def template(request: AuthedRequest, kind: str) -> HttpResponse:
    """An empty template for a kind: a note, Chinese headers (required ones marked *), ID/code columns as text."""
    fmt = _kind(kind)
    return _attachment(template_xlsx(fmt), f"{fmt.label}-导入模板.xlsx")


def export_kind(request: AuthedRequest, kind: str) -> HttpResponse:
    """The registry in its import format (scope-filtered), XLSX or CSV; full ID numbers only if allowed."""
    fmt = _kind(kind)
    rows = fmt.export_rows(request.user, reveal=may_reveal(request))
    columns = [_column(fmt, i) for i in range(len(fmt.columns))]
    personal = fmt.per_record_audit or any(c.sensitive for c in fmt.columns)
    return export_response(
        request, rows=rows, columns=columns, filename=fmt.label, object_type=fmt.object_type, personal=personal
    )


def _column(fmt: Kind, index: int) -> Column:
    col = fmt.columns[index]

    def value(row: dict[str, Any]) -> Any:
        return col.render(row.get(col.name))

    return Column(col.label, value, sensitive=col.sensitive, reveal=value if col.sensitive else None)
