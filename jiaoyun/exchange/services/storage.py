"""Uploaded files: stored under ``MEDIA_ROOT/imports`` by content hash, checked before a confirm, purged."""

from __future__ import annotations

import datetime as dt
import hashlib
import shutil
from pathlib import Path
from typing import IO

from django.conf import settings
from django.utils import timezone

from jiaoyun.core.errors import DomainError
from jiaoyun.exchange import conf
from jiaoyun.exchange.choices import BatchStatus
from jiaoyun.exchange.models import ImportBatch


def store(upload: IO[bytes], file_name: str) -> tuple[Path, str, int]:
    folder = Path(settings.MEDIA_ROOT) / "imports"
    folder.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    tmp = folder / f"upload-{timezone.now():%Y%m%d%H%M%S%f}.part"
    size = 0
    limit = conf.get("IMPORT_MAX_BYTES")
    with open(tmp, "wb") as out:
        while chunk := upload.read(1 << 20):
            size += len(chunk)
            if size > limit:
                out.close()
                tmp.unlink(missing_ok=True)
                raise DomainError(f"文件过大：超过上限{limit / 1048576:.0f} MB，请拆分后分批导入")
            digest.update(chunk)
            out.write(chunk)
    sha = digest.hexdigest()
    suffix = Path(file_name).suffix.lower()[:8]
    final = folder / f"{sha}{suffix}"
    shutil.move(str(tmp), final)
    return final, sha, size


PURGED_NOTE = "原文件已于{date}按保存期限删除（剩余信息保护），批次记录保留"


def import_files_purge(*, before: dt.datetime) -> int:
    """Delete the stored files of batches uploaded before ``before`` (not those being read); returns how many.

    The batch keeps its metadata and rejected rows; its message says when the file was purged, and a
    batch still waiting in 预览 can no longer be confirmed (it is marked 失败).
    """
    removed = 0
    today = timezone.localdate()
    running = (BatchStatus.PROCESSING, BatchStatus.CONFIRMING)
    old = ImportBatch.objects.filter(created_at__lt=before).exclude(stored_path="").exclude(status__in=running)
    for batch in old.iterator():
        path = Path(batch.stored_path)
        shared = ImportBatch.objects.filter(stored_path=batch.stored_path).exclude(pk=batch.pk)
        still_used = shared.filter(created_at__gte=before).exists() or shared.filter(status__in=running).exists()
        if not still_used and path.exists():
            path.unlink()
            removed += 1
        note = PURGED_NOTE.format(date=today.isoformat())
        message = f"{batch.message}；{note}" if batch.message else note
        status = BatchStatus.FAILED if batch.status == BatchStatus.PREVIEW else batch.status
        ImportBatch.objects.filter(pk=batch.pk).update(stored_path="", message=message[:2000], status=status)
        batch.changes.all().delete()  # the listed rows hold names and values of the file: gone with it
    return removed
