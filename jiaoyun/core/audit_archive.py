"""Archive audit entries older than the keeping period, then delete them from the table.

Audit records are kept at least 180 days (GB/T 22239-2019 8.1.4.3 c, 网络安全法 第二十一条 (三)). Older entries
are written, with their chain hashes, to a gzip-compressed JSON-lines file in ``JIAOYUN["AUDIT_ARCHIVE_DIR"]``
beside a manifest (count, id range, first ``prev_hash``, last ``entry_hash``, the file's SHA-256). The file is
read back and checked; only then are the rows deleted, in the same transaction that moves the chain's anchor
(``AuditChainHead.anchor_*``) to the last archived entry, so the remaining chain still verifies from there.
"""

from __future__ import annotations

import datetime as dt
import gzip
import hashlib
import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from jiaoyun.core.audit import (
    GENESIS,
    HEAD_PK,
    audit_record,
    chain_key,
    check_rows,
    iter_entries,
    lock_head,
)
from jiaoyun.core.choices import AuditAction
from jiaoyun.core.errors import DomainError
from jiaoyun.core.models import AuditArchive, AuditChainHead, AuditEntry

MIN_KEEP_DAYS = 180


def keep_days() -> int:
    conf: Any = settings.JIAOYUN
    days = int(conf.get("AUDIT_KEEP_DAYS", MIN_KEEP_DAYS))
    if days < MIN_KEEP_DAYS:
        raise ImproperlyConfigured(
            f'JIAOYUN["AUDIT_KEEP_DAYS"] = {days}: 审计记录至少保存{MIN_KEEP_DAYS}天（网络安全法第二十一条）'
        )
    return days


def archive_dir() -> Path:
    conf: Any = settings.JIAOYUN
    return Path(conf["AUDIT_ARCHIVE_DIR"])


def _row_json(row: dict[str, Any]) -> str:
    out = dict(row)
    out["at"] = row["at"].isoformat()
    return json.dumps(out, ensure_ascii=False, separators=(",", ":"))


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        while block := f.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()


def read_archive(path: Path) -> Iterator[dict[str, Any]]:
    with gzip.open(path, "rt", encoding="utf-8") as f:
        for line in f:
            if line.strip():
                yield json.loads(line)


def verify_archive_file(path: Path, *, sha256: str, count: int, first_prev_hash: str, last_hash: str) -> str | None:
    """None when the file is intact and its chain runs from ``first_prev_hash`` to ``last_hash``; else the fault."""
    if not path.exists():
        return f"归档文件不存在：{path}"
    if _sha256(path) != sha256:
        return f"归档文件校验和不符：{path.name}"
    rows = list(read_archive(path)) if count <= 200_000 else None
    report = check_rows(rows if rows is not None else read_archive(path), start_hash=first_prev_hash)
    if not report.ok:
        if report.broken is None:  # check_rows names the entry of every failure
            raise RuntimeError("chain check failed without naming an entry")
        return f"归档文件{path.name}中#{report.broken.entry_id}：{report.broken.reason}"
    if report.checked != count or report.last_hash != last_hash:
        return f"归档文件{path.name}的条数或最后哈希与清单不符"
    return None


def audit_archive(*, now: dt.datetime | None = None, directory: Path | None = None) -> AuditArchive | None:
    """Archive and delete the entries older than the keeping period; returns the archive (None if nothing)."""
    now = now or timezone.now()
    cutoff = now - dt.timedelta(days=keep_days())
    directory = directory or archive_dir()
    with transaction.atomic():
        lock_head()  # makes sure the head row exists
    head = AuditChainHead.objects.get(pk=HEAD_PK)
    anchor_id, start = head.anchor_id, (head.anchor_hash if head.anchor_id else "") or GENESIS
    upto = AuditEntry.objects.filter(id__gt=anchor_id, at__lt=cutoff).aggregate(m=Max("id"))["m"]
    if upto is None:
        return None
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    key = chain_key()
    first_id, last_id, count, prev = None, None, 0, start
    tmp = directory / f"audit-{now:%Y%m%d%H%M%S}.part"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb") as gz:
        for row in iter_entries(after_id=anchor_id, upto_id=upto):
            report = check_rows([row], start_hash=prev, key=key)
            if not report.ok:
                tmp.unlink(missing_ok=True)
                raise DomainError(f"审计链在#{row['id']}处断裂，拒绝归档：请先运行 manage.py audit_verify 查明原因")
            first_id = first_id if first_id is not None else row["id"]
            last_id, prev, count = row["id"], row["entry_hash"], count + 1
            gz.write((_row_json(row) + "\n").encode("utf-8"))
        gz.flush()
        raw.flush()
        os.fsync(raw.fileno())
    if first_id is None or last_id is None:  # the range was found non-empty above
        raise RuntimeError("no audit entries were written to the archive")
    name = f"audit-{first_id:012d}-{last_id:012d}.jsonl.gz"
    path = directory / name
    os.replace(tmp, path)
    sha = _sha256(path)
    manifest = {
        "file": name,
        "sha256": sha,
        "count": count,
        "first_id": first_id,
        "last_id": last_id,
        "first_prev_hash": start,
        "last_hash": prev,
        "before": cutoff.isoformat(),
        "created_at": now.isoformat(),
        "hash": "HMAC-SM3, key HKDF(DATA_KEY, 'audit-chain')",
    }
    manifest_path = directory / (name + ".manifest.json")
    fd = os.open(manifest_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        json.dump(manifest, f, ensure_ascii=False, indent=2)
    fault = verify_archive_file(path, sha256=sha, count=count, first_prev_hash=start, last_hash=prev)
    if fault:
        raise DomainError(f"归档文件写入后校验失败，未删除任何记录：{fault}")
    with transaction.atomic():
        head = lock_head()
        if head.anchor_id != anchor_id:
            raise DomainError("另一个归档同时进行，本次未删除任何记录")
        qs = AuditEntry.objects.filter(id__gt=anchor_id, id__lte=last_id)
        deleted = qs._raw_delete(qs.db)  # type: ignore[attr-defined]
        if deleted != count:
            raise DomainError(f"待删除{deleted}条与已归档{count}条不符，未删除任何记录")
        AuditChainHead.objects.filter(pk=HEAD_PK).update(anchor_id=last_id, anchor_hash=prev)
        archive = AuditArchive.objects.create(
            file_name=name,
            sha256=sha,
            first_id=first_id,
            last_id=last_id,
            count=count,
            first_prev_hash=start,
            last_hash=prev,
            before=cutoff,
        )
        audit_record(
            actor=None,
            action=AuditAction.DELETE,
            object_type="core.AuditArchive",
            object_id=str(archive.pk),
            object_repr=name,
            note=f"归档并删除{count}条早于{timezone.localtime(cutoff):%Y-%m-%d}的审计记录（#{first_id}–#{last_id}），"
            f"SHA-256 {sha}",
        )
    return archive


def audit_archive_run() -> str:
    """The periodic job: archive what is past the keeping period."""
    archive = audit_archive()
    return f"归档{archive.count}条：{archive.file_name}" if archive else "无需归档"


def archives_verify(*, directory: Path | None = None) -> list[str]:
    """Check every archive file against its record, and that the archives and the table link up."""
    directory = directory or archive_dir()
    faults: list[str] = []
    prev: AuditArchive | None = None
    for archive in AuditArchive.objects.order_by("first_id"):
        fault = verify_archive_file(
            directory / archive.file_name,
            sha256=archive.sha256,
            count=archive.count,
            first_prev_hash=archive.first_prev_hash,
            last_hash=archive.last_hash,
        )
        if fault:
            faults.append(fault)
        if prev is not None and archive.first_prev_hash != prev.last_hash:
            faults.append(f"归档{archive.file_name}与上一个归档{prev.file_name}不相接")
        prev = archive
    head = AuditChainHead.objects.filter(pk=HEAD_PK).first()
    if prev is not None and head is not None and head.anchor_hash != prev.last_hash:
        faults.append(f"链头的归档锚点与最后一个归档{prev.file_name}不符")
    return faults
