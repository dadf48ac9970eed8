"""The import engine and its services: preview (dry run, nothing written) and confirm (all or nothing).

A run streams the file row by row: header mapping → cell parsing → the kind's row validator → duplicate
check inside the file → every ``IMPORT_BATCH_ROWS`` rows one set-based comparison with the database
(new / updated / unchanged) and, when confirming, one set-based write plus bulk per-record audit.
"""

from __future__ import annotations

import hashlib
import itertools
import multiprocessing
import os
import shutil
import time
import zlib
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from django.apps import apps
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.utils import timezone

from jiaoyun.core import idcard
from jiaoyun.core.audit import audit_record
from jiaoyun.core.choices import AuditAction, Role, Section
from jiaoyun.core.errors import DomainError, PermissionDenied
from jiaoyun.core.files import allowed_extensions, extension
from jiaoyun.exchange import conf
from jiaoyun.exchange.choices import BatchStatus
from jiaoyun.exchange.db import audit_bulk, audit_created, is_postgres
from jiaoyun.exchange.ledger import KeyLedger, digest
from jiaoyun.exchange.models import ImportBatch, ImportRejection
from jiaoyun.exchange.readers import Table, open_table
from jiaoyun.exchange.registry import NEW, REJECTED, UNCHANGED, UPDATED, Col, Context, Kind, Rec, get_kind
from jiaoyun.exchange.values import text

Progress = Callable[[float], None]


class _System:
    """The actor of ``manage.py import_data`` run without ``--user`` (an operator on the server)."""

    is_authenticated = False
    username = ""

    def __str__(self) -> str:
        return "系统（命令行）"


SYSTEM = _System()


@dataclass
class Rejection:
    row: int
    column: str
    value: str
    reason: str


@dataclass
class RunResult:
    header_row: int = 0
    total: int = 0
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    rejections: list[Rejection] = field(default_factory=list)
    ignored_headers: list[str] = field(default_factory=list)
    # Seconds the importing process spent per stage (wall clock: its own work and its waits on the
    # database or the worker processes), for benchmarks and logs.
    seconds: dict[str, float] = field(default_factory=dict)

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        start = time.perf_counter()
        try:
            yield
        finally:
            self.seconds[name] = self.seconds.get(name, 0.0) + time.perf_counter() - start

    def count(self, outcome: str) -> None:
        setattr(self, outcome, getattr(self, outcome) + 1)


def can_import(user: Any) -> bool:
    """County-level data managers import registries (read-only roles never do)."""
    if user is SYSTEM:
        return True
    if not getattr(user, "is_authenticated", False) or not user.can_write:
        return False
    return user.role == Role.COUNTY_ADMIN or (
        user.role == Role.BUREAU_STAFF and user.section in (Section.BASIC, Section.PERSONNEL)
    )


def _map_headers(kind: Kind, headers: list[str]) -> tuple[list[tuple[Col, int]], list[str]]:
    mapping: dict[str, tuple[Col, int]] = {}
    ignored: list[str] = []
    for idx, header in enumerate(headers):
        col = kind.column_for(header)
        if col is None:
            if header:
                ignored.append(header)
            continue
        if col.name in mapping:
            first = mapping[col.name][1]
            raise DomainError(
                f"列“{col.label}”出现了两次（第{first + 1}列“{headers[first]}”和第{idx + 1}列“{header}”），请删除其中一列"
            )
        mapping[col.name] = (col, idx)
    missing = [c.label for c in kind.required_columns() if c.name not in mapping]
    if missing:
        found = "、".join(h for h in headers if h) or "（无）"
        raise DomainError(f"缺少必填列：{'、'.join(missing)}。文件中的列为：{found}", field="表头")
    return list(mapping.values()), ignored


def _shown(col: Col | None, raw: Any) -> str:
    value = text(raw)
    if col is not None and col.sensitive and value:
        return idcard.mask(value)
    return value[:200]


def run_import(
    *,
    kind: Kind,
    path: Path,
    ctx: Context,
    on_progress: Progress | None = None,
    keep: int | None = None,
    expected_rows: int = 0,
) -> RunResult:
    """Validate (and, when ``ctx.write``, write) a file; fatal problems raise DomainError.

    ``on_progress`` gets the share done after each batch of rows: rows done / ``expected_rows`` when the
    preview has counted them, else the share of the file read.
    """
    table: Table = open_table(path, known=kind.knows)
    try:
        kept = keep if keep is not None else conf.get("IMPORT_MAX_REJECTS_KEPT")
        return _run(kind, table, ctx, on_progress, kept, expected_rows)
    finally:
        table.close()


def _run(
    kind: Kind, table: Table, ctx: Context, on_progress: Progress | None, keep: int, expected_rows: int
) -> RunResult:
    mapping, ignored = _map_headers(kind, table.headers)
    result = RunResult(header_row=table.header_row, ignored_headers=ignored)
    by_label = {c.label: c for c in kind.columns}
    index_of = {col.label: idx for col, idx in mapping}
    kind.prepare(ctx)
    checker = RowChecker(kind, mapping, ctx, table.formula_without_value)
    raw_rows: dict[int, list[Any]] = {}

    def reject(row: int, err: DomainError, cells: list[Any]) -> None:
        result.count(REJECTED)
        if len(result.rejections) < keep:
            col = by_label.get(err.field or "")
            idx = index_of.get(err.field or "")
            raw = cells[idx] if idx is not None and idx < len(cells) else ""
            result.rejections.append(Rejection(row, err.field or "", _shown(col, raw), err.message))

    def settle(recs: Iterable[Rec]) -> None:
        done = list(recs)
        for rec in done:
            if rec.outcome == REJECTED and rec.error is not None:
                reject(rec.row, rec.error, raw_rows.get(rec.row, []))
            elif rec.outcome in (NEW, UPDATED, UNCHANGED):
                result.count(rec.outcome)
        changes = [r for r in done if r.outcome in (NEW, UPDATED)]
        if ctx.write and changes:
            with result.stage("write"):
                kind.write(changes, ctx)
            if kind.per_record_audit:
                with result.stage("audit"):
                    _audit_records(kind, changes, ctx)
        for rec in done:
            raw_rows.pop(rec.row, None)

    ledger = KeyLedger()
    try:
        checked = _checked_chunks(kind, table, checker)
        while True:
            with result.stage("read+check"):
                item = next(checked, None)
            if item is None:
                break
            chunk, outcomes = item
            result.total += len(outcomes)
            accepted: list[tuple[int, dict[str, Any], list[tuple[str, str, int]], int, int]] = []
            for (row_no, cells), outcome in zip(chunk, outcomes, strict=True):
                if outcome[1] is None:
                    result.count(REJECTED)
                    if len(result.rejections) < keep:
                        result.rejections.append(Rejection(row_no, outcome[2], outcome[4], outcome[3]))
                    continue
                accepted.append(outcome)  # type: ignore[arg-type]
                raw_rows[row_no] = cells
            pending: list[Rec] = []
            with result.stage("duplicates"):
                for row_no, record, error in _without_duplicates(kind, ledger, accepted):
                    if error is not None:
                        reject(row_no, error, raw_rows.pop(row_no))
                    else:
                        pending.append(Rec(row=row_no, data=record))
            if pending:
                with result.stage("compare"):
                    flushed = kind.flush(pending, ctx)
                settle(flushed)
            if on_progress:
                on_progress(min(1.0, result.total / expected_rows) if expected_rows > 0 else table.progress())
        settle(kind.finish(ctx))
        if ctx.write:
            kind.after_write(ctx)
    finally:
        ledger.drop()
    if result.total == 0:
        raise DomainError(f"文件只有表头（第{table.header_row}行），没有数据行")
    result.rejections.sort(key=lambda r: r.row)
    return result


# An outcome of one row: (row, record, keys, fingerprint, conflict fingerprint) when it passed the column
# parsers and the kind's validator; (row, None, column, reason, value as shown) when it did not.
Outcome = tuple[int, Any, Any, Any, Any]


class RowChecker:
    """Parse and validate rows: cells → typed values → the kind's record, its keys and fingerprints.

    Pure Python on lookups loaded by ``Kind.prepare``: no database access, so chunks of rows can be
    checked by worker processes (see ``_checked_chunks``) with the same result as in the importing process.
    """

    def __init__(self, kind: Kind, mapping: list[tuple[Col, int]], ctx: Context, formulas: set[tuple[int, int]]):
        self.kind, self.ctx, self.formulas = kind, ctx, formulas
        self.parsers = [(col.name, idx, col.parser(), col.label) for col, idx in mapping]
        self.width = max((idx for _, idx in mapping), default=-1) + 1
        self.by_label = {col.label: (col, idx) for col, idx in mapping}
        self.conflict_fields = kind.conflict_fields()
        self.seal = ctx.write and type(kind).seal is not Kind.seal

    def __call__(self, chunk: list[tuple[int, list[Any]]]) -> list[Outcome]:
        kind, ctx, parsers, width, formulas = self.kind, self.ctx, self.parsers, self.width, self.formulas
        conflict_fields, seal = self.conflict_fields, self.seal
        out: list[Outcome] = []
        append = out.append
        for row_no, cells in chunk:
            if len(cells) < width:
                cells = [*cells, *([None] * (width - len(cells)))]
            try:
                if formulas:
                    self._formulas(row_no)
                values: dict[str, Any] = {}
                for name, idx, parse, label in parsers:
                    try:
                        values[name] = parse(cells[idx])
                    except DomainError as exc:
                        exc.field = exc.field or label
                        raise
                record = kind.validate(values, ctx)
                keys = []
                for label, key in kind.unique_keys(record):
                    text_key = _key_text(label, key)
                    keys.append((label, text_key, digest(text_key)))
                fingerprint = zlib.crc32("\x1f".join(map(str, record.values())).encode())
                named = zlib.crc32("\x1f".join(str(record.get(f)) for f in conflict_fields).encode())
                if seal:
                    kind.seal(record, ctx)
                append((row_no, record, keys, fingerprint, named))
            except DomainError as exc:
                found = self.by_label.get(exc.field or "")
                shown = _shown(found[0], cells[found[1]]) if found else ""
                append((row_no, None, exc.field or "", exc.message, shown))
        return out

    def _formulas(self, row_no: int) -> None:
        for _, idx, _, label in self.parsers:
            if (row_no, idx) in self.formulas:
                raise DomainError("公式单元格没有计算结果，请在Excel中重新计算并保存，或把公式转换为数值", field=label)


def _key_text(label: str, key: Any) -> str:
    return f"{label}\x1f{key if isinstance(key, str) else repr(key)}"


def _without_duplicates(
    kind: Kind, ledger: KeyLedger, accepted: list[tuple[int, dict[str, Any], list[tuple[str, str, int]], int, int]]
) -> Iterator[tuple[int, dict[str, Any], DomainError | None]]:
    """Reject rows whose natural key an earlier row of the file already has (the first one stays)."""
    seen = ledger.lookup([(key, h) for _, _, keys, _, _ in accepted for _, key, h in keys])
    added: dict[str, tuple[int, int, int, int]] = {}
    for row_no, record, keys, fingerprint, named in accepted:
        error = None
        for label, key, _ in keys:
            previous = seen.get(key) or added.get(key)
            if previous is None:
                continue
            first_row, first_named, first_fp = previous[-3:]
            if first_fp == fingerprint:
                error = DomainError(f"与第{first_row}行重复（{label}相同，内容相同）", field=label)
            elif first_named != named:
                error = DomainError(f"与第{first_row}行的{label}相同，但{kind.conflict_label}不同，请核对", field=label)
            else:
                error = DomainError(f"与第{first_row}行的{label}相同，但其他信息不同，请合并为一行", field=label)
            break
        if error is None:
            for _, key, h in keys:
                added[key] = (h, row_no, named, fingerprint)
        yield row_no, record, error
    ledger.add(added)


def _chunked(rows: Iterator[tuple[int, list[Any]]], size: int) -> Iterator[list[tuple[int, list[Any]]]]:
    while chunk := list(itertools.islice(rows, size)):
        yield chunk


def _checked_chunks(
    kind: Kind, table: Table, checker: RowChecker
) -> Iterator[tuple[list[tuple[int, list[Any]]], list[Outcome]]]:
    """(rows, outcomes) per batch, in file order; large files are checked by worker processes.

    The importing process reads the file and hands chunks to the workers, keeping at most two chunks per
    worker in flight (memory stays flat); results come back in file order.
    """
    size = conf.get("IMPORT_BATCH_ROWS")
    chunks = _chunked(table.rows(), size)
    workers = _worker_count(kind, table)
    if workers < 2:
        for chunk in chunks:
            yield chunk, checker(chunk)
        return
    pool = multiprocessing.get_context("fork").Pool(workers, initializer=_worker_init, initargs=(checker,))
    try:
        inflight: deque[tuple[list[tuple[int, list[Any]]], Any]] = deque()
        for chunk in chunks:
            inflight.append((chunk, pool.apply_async(_worker_check, (chunk,))))
            if len(inflight) >= 2 * workers:
                done, result = inflight.popleft()
                yield done, _outcomes(result)
        while inflight:
            done, result = inflight.popleft()
            yield done, _outcomes(result)
    finally:
        pool.terminate()
        pool.join()


CHUNK_TIMEOUT = 600  # seconds; a worker killed from outside (e.g. out of memory) loses its chunk for good


def _outcomes(result: Any) -> list[Outcome]:
    try:
        outcomes: list[Outcome] = result.get(timeout=CHUNK_TIMEOUT)
    except multiprocessing.TimeoutError:
        raise RuntimeError(f"a worker process checking import rows gave no result within {CHUNK_TIMEOUT} s")
    return outcomes


def _worker_count(kind: Kind, table: Table) -> int:
    workers = int(conf.get("IMPORT_WORKERS") or 0) or min(4, os.cpu_count() or 1)
    if workers < 2 or not kind.parallel_safe or table.size < conf.get("IMPORT_PARALLEL_BYTES"):
        return 1
    if "fork" not in multiprocessing.get_all_start_methods():
        return 1
    return workers


_CHECKER: RowChecker | None = None


def _worker_init(checker: RowChecker) -> None:
    """In a forked worker: keep the checker (inherited, not pickled). Never touches the database."""
    global _CHECKER
    _CHECKER = checker


def _worker_check(chunk: list[tuple[int, list[Any]]]) -> list[Outcome]:
    assert _CHECKER is not None
    return _CHECKER(chunk)


def _audit_records(kind: Kind, recs: list[Rec], ctx: Context) -> None:
    note = f"导入批次#{ctx.batch_id}" if ctx.batch_id else "导入"
    shared = {"import_batch": ctx.batch_id}
    if kind.audit_repr_column:
        # New rows: the database writes their entries from the rows themselves (nothing per row in Python).
        created = [r.pk for r in recs if r.outcome == NEW and r.pk is not None]
        audit_created(
            actor=ctx.actor,
            model=apps.get_model(kind.object_type),
            repr_column=kind.audit_repr_column,
            pks=created,
            changes=shared,
            note=note,
        )
        outcomes: tuple[tuple[str, str], ...] = ((AuditAction.UPDATE, UPDATED),)
    else:
        outcomes = ((AuditAction.CREATE, NEW), (AuditAction.UPDATE, UPDATED))
    for action, outcome in outcomes:
        entries = [
            (r.pk, r.repr, {**shared, "changes": r.before} if r.before else shared)
            for r in recs
            if r.outcome == outcome and r.pk is not None
        ]
        if entries:
            audit_bulk(actor=ctx.actor, action=action, object_type=kind.object_type, entries=entries, note=note)


# -- stored files ---------------------------------------------------------------------------------


def _store(upload: IO[bytes], file_name: str) -> tuple[Path, str, int]:
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


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def _save_result(batch: ImportBatch, result: RunResult) -> None:
    batch.run_seconds = result.seconds
    batch.header_row = result.header_row
    batch.total, batch.new, batch.updated = result.total, result.new, result.updated
    batch.unchanged, batch.rejected = result.unchanged, result.rejected
    batch.progress = 100
    notes = []
    if result.ignored_headers:
        notes.append(f"未识别、已忽略的列：{'、'.join(result.ignored_headers)}")
    batch.message = "；".join(notes)
    batch.rejections.all().delete()
    ImportRejection.objects.bulk_create(
        [
            ImportRejection(batch=batch, row=r.row, column=r.column, value=r.value[:200], reason=r.reason[:500])
            for r in result.rejections
        ],
        batch_size=2000,
    )


# -- services -------------------------------------------------------------------------------------


def import_upload(*, actor: Any, kind: str, upload: IO[bytes], file_name: str) -> ImportBatch:
    """Store an uploaded file and open a batch for it (status 处理中); ``import_preview`` then checks it."""
    if not can_import(actor):
        raise PermissionDenied("您的角色无权导入数据")
    get_kind(kind)
    ext = extension(file_name)
    if ext and ext not in allowed_extensions("spreadsheet"):
        raise DomainError(
            f"文件“{Path(file_name).name}”的类型不支持，只接受Excel（.xlsx、.xls）或CSV文件", field="文件"
        )
    path, sha, size = _store(upload, file_name)
    return ImportBatch.objects.create(
        kind=kind,
        file_name=Path(file_name).name[:255],
        file_sha256=sha,
        file_size=size,
        stored_path=str(path),
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
        status=BatchStatus.PROCESSING,
    )


def import_preview(*, actor: Any, batch: ImportBatch, on_progress: Progress | None = None) -> ImportBatch:
    """Dry run: validate the whole file and compare it with the database; nothing is written."""
    kind = get_kind(batch.kind)
    ctx = Context(actor=None if actor is SYSTEM else actor, write=False, batch_id=batch.pk)
    try:
        result = run_import(kind=kind, path=Path(batch.stored_path), ctx=ctx, on_progress=on_progress)
    except DomainError as exc:
        batch.status, batch.message, batch.progress = BatchStatus.FAILED, str(exc), 100
        batch.save(update_fields=["status", "message", "progress"])
        raise
    with transaction.atomic():
        _save_result(batch, result)
        batch.status = BatchStatus.PREVIEW
        batch.save()
    return batch


def import_file(*, actor: Any, kind: str, upload: IO[bytes], file_name: str) -> ImportBatch:
    """Upload and preview in one call (API, command line, small files on the web page)."""
    batch = import_upload(actor=actor, kind=kind, upload=upload, file_name=file_name)
    return import_preview(actor=actor, batch=batch)


def import_confirm(*, actor: Any, batch: ImportBatch, on_progress: Progress | None = None) -> ImportBatch:
    """Write every accepted row of a previewed batch in one transaction (or nothing), audited."""
    if not can_import(actor):
        raise PermissionDenied("您的角色无权导入数据")
    if batch.status not in (BatchStatus.PREVIEW, BatchStatus.CONFIRMING):
        raise DomainError(f"该批次状态为“{batch.get_status_display()}”，只有“预览”状态的批次可以确认导入")
    path = Path(batch.stored_path)
    if not path.exists() or _sha256(path) != batch.file_sha256:
        raise DomainError("已上传的文件不存在或已被改动，请重新上传")
    kind = get_kind(batch.kind)
    ctx = Context(actor=None if actor is SYSTEM else actor, write=True, batch_id=batch.pk)
    try:
        with transaction.atomic():
            result = run_import(kind=kind, path=path, ctx=ctx, on_progress=on_progress, expected_rows=batch.total)
            _save_result(batch, result)
            batch.status = BatchStatus.IMPORTED
            batch.confirmed_by = actor if getattr(actor, "is_authenticated", False) else None
            batch.confirmed_at = timezone.now()
            batch.save()
            audit_record(
                actor=actor,
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
                },
            )
            transaction.on_commit(_enqueue_indicators)
    except DomainError as exc:
        ImportBatch.objects.filter(pk=batch.pk).update(status=BatchStatus.FAILED, message=f"确认导入失败：{exc}")
        batch.refresh_from_db()
        raise
    return batch


def import_confirm_start(*, actor: Any, batch: ImportBatch) -> ImportBatch:
    """Mark a previewed batch as being imported (a background task then calls ``import_confirm``)."""
    if not can_import(actor):
        raise PermissionDenied("您的角色无权导入数据")
    updated = ImportBatch.objects.filter(pk=batch.pk, status=BatchStatus.PREVIEW).update(
        status=BatchStatus.CONFIRMING, progress=0
    )
    if not updated:
        batch.refresh_from_db()
        raise DomainError(f"该批次状态为“{batch.get_status_display()}”，只有“预览”状态的批次可以确认导入")
    batch.refresh_from_db()
    return batch


def _enqueue_indicators() -> None:
    try:
        from jiaoyun.indicators.tasks import indicators_refresh_soon  # type: ignore[import-not-found,unused-ignore]
    except ImportError:
        return
    indicators_refresh_soon(triggered_by="import")


def rejects_downloaded(*, actor: Any, batch: ImportBatch, ip: str | None = None) -> None:
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


PURGED_NOTE = "原文件已于{date}按保存期限删除（剩余信息保护），批次记录保留"


def import_files_purge(*, before: Any) -> int:
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
    return removed


def batch_set_progress(*, batch_id: int, share: float) -> None:
    """Progress of a running preview (0…1), polled by the upload page."""
    ImportBatch.objects.filter(pk=batch_id).update(progress=min(99, int(share * 100)))


class ConfirmProgress:
    """Progress of a confirm (0…1 per batch of rows), visible to the batch page while its transaction is open.

    The confirm writes everything in one transaction, so an ordinary update of the batch row would only
    show at the end. On PostgreSQL the row is updated through a second connection of its own (autocommit).
    SQLite has a single writer, which the confirm holds: there the share goes to a small file next to the
    stored upload, read by ``batch_live_progress``. Use as a context manager around ``import_confirm``.
    """

    def __init__(self, batch: ImportBatch) -> None:
        self.batch_id = batch.pk
        self.side_file = Path(f"{batch.stored_path}.progress")
        self.last = -1
        self.connection = connections.create_connection(DEFAULT_DB_ALIAS) if is_postgres() else None

    def __call__(self, share: float) -> None:
        percent = max(0, min(99, int(share * 100)))
        if percent == self.last:
            return
        self.last = percent
        if self.connection is not None:
            with self.connection.cursor() as cur:
                cur.execute(
                    f"UPDATE {ImportBatch._meta.db_table} SET progress = %s WHERE id = %s", [percent, self.batch_id]
                )
        else:
            self.side_file.write_text(str(percent), encoding="ascii")

    def __enter__(self) -> ConfirmProgress:
        return self

    def __exit__(self, *exc: object) -> None:
        if self.connection is not None:
            self.connection.close()
        self.side_file.unlink(missing_ok=True)


def batch_live_progress(batch: ImportBatch) -> int:
    """The progress to show (%): that of a confirm still running on SQLite comes from its side file."""
    if batch.status == BatchStatus.CONFIRMING and batch.stored_path:
        try:
            return int(Path(f"{batch.stored_path}.progress").read_text(encoding="ascii"))
        except (OSError, ValueError):
            pass
    return int(batch.progress)
