"""The services of an import batch: upload, preview, confirm (all or nothing, audited), rejected-rows download."""

from __future__ import annotations

from pathlib import Path
from typing import IO

from django.db import transaction
from django.utils import timezone

from jiaoyun.core.audit import audit_record
from jiaoyun.core.backup import sha256_file
from jiaoyun.core.choices import AuditAction
from jiaoyun.core.errors import DomainError, PermissionDenied
from jiaoyun.core.files import allowed_extensions, extension
from jiaoyun.core.types import User
from jiaoyun.exchange.choices import BatchStatus
from jiaoyun.exchange.models import ImportBatch, ImportChange, ImportRejection
from jiaoyun.exchange.permissions import can_import_kind
from jiaoyun.exchange.registry import Context, get_kind
from jiaoyun.exchange.services.engine import Actor, Progress, RunResult, as_user, run_import
from jiaoyun.exchange.services.storage import store


def _save_result(batch: ImportBatch, result: RunResult) -> None:
    batch.run_seconds = result.seconds
    batch.header_row = result.header_row
    batch.total, batch.new, batch.updated = result.total, result.new, result.updated
    batch.unchanged, batch.rejected = result.unchanged, result.rejected
    batch.flagged, batch.skipped = result.flagged, result.skipped
    batch.next_steps = result.next_steps
    batch.progress = 100
    notes = []
    if result.ignored_headers:
        notes.append(f"未识别、已忽略的列：{'、'.join(result.ignored_headers)}")
    if result.skipped:
        notes.append(f"{result.skipped}行同一证件号的姓名、出生日期或性别与已登记的不同，未勾选确认，未导入")
    batch.message = "；".join(notes)
    batch.changes.all().delete()
    ImportChange.objects.bulk_create(
        [
            ImportChange(batch=batch, row=c.row, outcome=c.outcome, subject=c.subject, changes=c.changes, flag=c.flag)
            for c in result.changes
        ],
        batch_size=2000,
    )
    batch.rejections.all().delete()
    ImportRejection.objects.bulk_create(
        [
            ImportRejection(batch=batch, row=r.row, column=r.column, value=r.value[:200], reason=r.reason[:500])
            for r in result.rejections
        ],
        batch_size=2000,
    )


def import_upload(*, actor: Actor, kind: str, upload: IO[bytes], file_name: str) -> ImportBatch:
    """Store an uploaded file and open a batch for it (status 处理中); ``import_preview`` then checks it."""
    if not can_import_kind(actor, kind):
        raise PermissionDenied("您的角色无权导入数据")
    get_kind(kind)
    ext = extension(file_name)
    if ext and ext not in allowed_extensions("spreadsheet"):
        raise DomainError(
            f"文件“{Path(file_name).name}”的类型不支持，只接受Excel（.xlsx、.xls）或CSV文件", field="文件"
        )
    path, sha, size = store(upload, file_name)
    return ImportBatch.objects.create(
        kind=kind,
        file_name=Path(file_name).name[:255],
        file_sha256=sha,
        file_size=size,
        stored_path=str(path),
        created_by=as_user(actor),
        status=BatchStatus.PROCESSING,
    )


def import_preview(*, actor: Actor, batch: ImportBatch, on_progress: Progress | None = None) -> ImportBatch:
    """Dry run: validate the whole file and compare it with the database; nothing is written."""
    kind = get_kind(batch.kind)
    ctx = Context(actor=as_user(actor), write=False, batch_id=batch.pk)
    try:
        result = run_import(
            kind=kind, path=Path(batch.stored_path), ctx=ctx, on_progress=on_progress, name=batch.file_name
        )
    except DomainError as exc:
        batch.status, batch.message, batch.progress = BatchStatus.FAILED, str(exc), 100
        batch.save(update_fields=["status", "message", "progress"])
        raise
    with transaction.atomic():
        _save_result(batch, result)
        batch.status = BatchStatus.PREVIEW
        batch.save()
    return batch


def import_file(*, actor: Actor, kind: str, upload: IO[bytes], file_name: str) -> ImportBatch:
    """Upload and preview in one call (API, command line, small files on the web page)."""
    batch = import_upload(actor=actor, kind=kind, upload=upload, file_name=file_name)
    return import_preview(actor=actor, batch=batch)


def import_confirm(
    *, actor: Actor, batch: ImportBatch, on_progress: Progress | None = None, accept_flagged: bool | None = None
) -> ImportBatch:
    """Write every accepted row of a previewed batch in one transaction (or nothing), audited.

    Updates that change a person's name, birth date or sex under the same ID number (flagged by the
    preview) are written only with ``accept_flagged`` (the importer ticked them; ``None``: as chosen when a
    background confirm was started), else skipped and listed. An acknowledgement holds only for the rows
    the preview flagged: if the database changed since and other rows are now flagged, nothing is written.
    """
    if not can_import_kind(actor, batch.kind):
        raise PermissionDenied("您的角色无权导入数据")
    if batch.status not in (BatchStatus.PREVIEW, BatchStatus.CONFIRMING):
        raise DomainError(f"该批次状态为“{batch.get_status_display()}”，只有“预览”状态的批次可以确认导入")
    path = Path(batch.stored_path)
    if not path.exists() or sha256_file(path) != batch.file_sha256:
        raise DomainError("已上传的文件不存在或已被改动，请重新上传")
    kind = get_kind(batch.kind)
    accept = batch.flagged_accepted if accept_flagged is None else accept_flagged
    previewed = sorted(batch.changes.exclude(flag="").values_list("row", flat=True)) if accept else []
    ctx = Context(actor=as_user(actor), write=True, batch_id=batch.pk, accept_flagged=accept)
    try:
        with transaction.atomic():
            rows, name = batch.total, batch.file_name
            result = run_import(kind=kind, path=path, ctx=ctx, on_progress=on_progress, expected_rows=rows, name=name)
            if accept and (result.flagged != batch.flagged or result.flagged_rows[: len(previewed)] != previewed):
                raise DomainError("自预览以来已登记的数据有变化，需确认的行与预览时不同；请重新上传文件预览后再确认")
            _save_result(batch, result)
            batch.flagged_accepted = accept
            batch.status = BatchStatus.IMPORTED
            batch.confirmed_by = as_user(actor)
            batch.confirmed_at = timezone.now()
            batch.save()
            audit_record(
                actor=as_user(actor),
                action=AuditAction.IMPORT,
                obj=batch,
                object_type=kind.object_type,
                object_repr=f"{kind.label}：{batch.file_name}",
                changes={
                    "batch": batch.pk,
                    "kind": kind.key,
                    "file_sha256": batch.file_sha256,
                    "total": result.total,
                    "new": result.new,
                    "updated": result.updated,
                    "unchanged": result.unchanged,
                    "rejected": result.rejected,
                    "flagged": result.flagged,
                    "flagged_accepted": accept,
                    "skipped": result.skipped,
                },
            )
            transaction.on_commit(_enqueue_indicators)
    except DomainError as exc:
        ImportBatch.objects.filter(pk=batch.pk).update(status=BatchStatus.FAILED, message=f"确认导入失败：{exc}")
        batch.refresh_from_db()
        raise
    return batch


def import_confirm_start(*, actor: Actor, batch: ImportBatch, accept_flagged: bool = False) -> ImportBatch:
    """Mark a previewed batch as being imported (a background task then calls ``import_confirm``)."""
    if not can_import_kind(actor, batch.kind):
        raise PermissionDenied("您的角色无权导入数据")
    updated = ImportBatch.objects.filter(pk=batch.pk, status=BatchStatus.PREVIEW).update(
        status=BatchStatus.CONFIRMING, progress=0, flagged_accepted=accept_flagged
    )
    if not updated:
        batch.refresh_from_db()
        raise DomainError(f"该批次状态为“{batch.get_status_display()}”，只有“预览”状态的批次可以确认导入")
    batch.refresh_from_db()
    return batch


@transaction.atomic
def import_cancel(*, actor: Actor, batch: ImportBatch) -> ImportBatch:
    """Cancel a previewed batch: it can no longer be confirmed (nothing of it was written); audited."""
    if not can_import_kind(actor, batch.kind):
        raise PermissionDenied("您的角色无权导入数据")
    updated = ImportBatch.objects.filter(pk=batch.pk, status=BatchStatus.PREVIEW).update(status=BatchStatus.CANCELLED)
    batch.refresh_from_db()
    if not updated:
        raise DomainError(f"该批次状态为“{batch.get_status_display()}”，只有“预览”状态的批次可以取消")
    audit_record(
        actor=as_user(actor),
        action=AuditAction.TRANSITION,
        obj=batch,
        object_repr=f"取消导入：{batch.file_name}",
        changes={"batch": batch.pk, "kind": batch.kind, "status": ["preview", "cancelled"]},
    )
    return batch


def _enqueue_indicators() -> None:
    try:
        from jiaoyun.indicators.tasks import indicators_refresh_soon  # type: ignore[import-not-found,unused-ignore]
    except ImportError:
        return
    indicators_refresh_soon(triggered_by="import")


def rejects_downloaded(*, actor: User, batch: ImportBatch, ip: str | None = None) -> None:
    """Audit a download of a batch's rejected-rows file (it holds names and masked ID numbers)."""
    audit_record(
        actor=actor,
        action=AuditAction.EXPORT,
        obj=batch,
        object_repr=f"拒绝行文件：{batch.file_name}（{batch.rejected}行）",
        changes={"batch": batch.pk, "kind": batch.kind, "rows": batch.rejected, "revealed": False},
        note="下载导入拒绝行文件（证件号已脱敏）",
        ip=ip,
    )
