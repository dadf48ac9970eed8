"""JSON API: preview an upload, confirm a batch, list batches."""

from typing import Any

from ninja import File, Query, Router, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate

from jiaoyun.core.api_audit import audited_list
from jiaoyun.core.errors import DomainError
from jiaoyun.core.types import AuthedRequest, User
from jiaoyun.exchange import selectors, services
from jiaoyun.exchange.models import ImportBatch, ImportRejection
from jiaoyun.exchange.schemas import BatchDetailOut, BatchFilterIn, BatchOut

router = Router(tags=["exchange"])
REJECTIONS_SHOWN = 1000


def _out(batch: ImportBatch, *, user: User, detail: bool = False) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": batch.pk,
        "kind": batch.kind,
        "file_name": batch.file_name,
        "file_sha256": batch.file_sha256,
        "file_size": batch.file_size,
        "status": batch.status,
        "status_label": batch.get_status_display(),
        "created_by": batch.created_by.username if batch.created_by else None,
        "created_at": batch.created_at,
        "confirmed_at": batch.confirmed_at,
        "header_row": batch.header_row,
        "total": batch.total,
        "new": batch.new,
        "updated": batch.updated,
        "unchanged": batch.unchanged,
        "rejected": batch.rejected,
        "progress": batch.progress,
        "message": batch.message,
    }
    if detail:
        rejections = selectors.batch_rejections(user=user, batch=batch)
        data["rejections"] = list(rejections.values("row", "column", "value", "reason")[:REJECTIONS_SHOWN])
        changes = selectors.batch_changes(user=user, batch=batch)
        data["changes"] = list(changes.values("row", "outcome", "subject", "changes", "flag")[:REJECTIONS_SHOWN])
        data["flagged"], data["skipped"], data["next_steps"] = batch.flagged, batch.skipped, batch.next_steps
    return data


def _get(request: AuthedRequest, batch_id: int) -> ImportBatch:
    try:
        return selectors.batch_get(user=request.user, batch_id=batch_id)
    except ImportBatch.DoesNotExist:
        raise DomainError("导入批次不存在", code="not_found")


@router.get("/batches", response=list[BatchOut])
@paginate
def batch_list(request: AuthedRequest, filters: Query[BatchFilterIn]) -> Any:
    return selectors.batch_list(user=request.user, filters=filters.dict(exclude_none=True))


@router.get("/batches/{batch_id}", response=BatchDetailOut)
@audited_list(ImportRejection, rows=lambda result: len(result["rejections"]))
def batch_detail(request: AuthedRequest, batch_id: int) -> Any:
    return _out(_get(request, batch_id), user=request.user, detail=True)


@router.post("/batches/{batch_id}/confirm", response=BatchDetailOut)
def batch_confirm(request: AuthedRequest, batch_id: int, accept_flagged: bool = False) -> Any:
    """Write a previewed batch; updates the preview flagged (another name, birth date or sex under the same ID
    number) only with ``accept_flagged=true``, else they are skipped."""
    batch = services.import_confirm(actor=request.user, batch=_get(request, batch_id), accept_flagged=accept_flagged)
    return _out(batch, user=request.user, detail=True)


@router.post("/{kind}/preview", response={200: BatchDetailOut, 400: BatchDetailOut})
def preview(request: AuthedRequest, kind: str, file: UploadedFile = File(...)) -> Any:  # noqa: B008
    """Upload a file and validate it (dry run). A file that cannot be read returns 400 with the batch and message."""
    batch = services.import_upload(actor=request.user, kind=kind, upload=file, file_name=file.name or "")
    try:
        services.import_preview(actor=request.user, batch=batch)
    except DomainError:
        batch.refresh_from_db()
        return Status(400, _out(batch, user=request.user, detail=True))
    return Status(200, _out(batch, user=request.user, detail=True))
