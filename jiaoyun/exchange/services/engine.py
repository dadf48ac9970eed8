"""The import engine: one run over a file, as a preview (dry run, nothing written) or a confirm (written).

A run streams the file row by row: header mapping → cell parsing → the kind's row validator → duplicate
check inside the file → every ``IMPORT_BATCH_ROWS`` rows one set-based comparison with the database
(new / updated / unchanged) and, when confirming, one set-based write plus bulk per-record audit.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.apps import apps

from jiaoyun.core.audit import audit_record_many
from jiaoyun.core.choices import AuditAction
from jiaoyun.core.errors import DomainError
from jiaoyun.core.types import User
from jiaoyun.exchange import conf
from jiaoyun.exchange.db import audit_created
from jiaoyun.exchange.ledger import KeyLedger
from jiaoyun.exchange.permissions import Actor, _System
from jiaoyun.exchange.readers import Table, open_table
from jiaoyun.exchange.registry import NEW, REJECTED, SKIPPED, UNCHANGED, UPDATED, Col, Context, Kind, Rec
from jiaoyun.exchange.services.rows import RowChecker, shown
from jiaoyun.exchange.services.workers import checked_chunks

Progress = Callable[[float], None]


def as_user(actor: Actor) -> User | None:
    """The user behind an actor (none for ``SYSTEM``): who is recorded as uploader or confirmer."""
    return None if isinstance(actor, _System) else actor


@dataclass
class Rejection:
    row: int
    column: str
    value: str
    reason: str


@dataclass
class Change:
    """A row the preview lists: a new record's values, or an update's changed fields [column, before, after]."""

    row: int
    outcome: str
    subject: str
    changes: list[list[str]]
    flag: str = ""


@dataclass
class RunResult:
    header_row: int = 0
    total: int = 0
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    # Updates changing a person's identity (counted in ``updated`` by a preview; when confirming without
    # the importer's acknowledgement they are ``skipped`` instead, and not written).
    flagged: int = 0
    skipped: int = 0
    flagged_rows: list[int] = field(default_factory=list)
    rejections: list[Rejection] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)
    ignored_headers: list[str] = field(default_factory=list)
    next_steps: list[dict[str, Any]] = field(default_factory=list)
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


def run_import(
    *,
    kind: Kind,
    path: Path,
    ctx: Context,
    on_progress: Progress | None = None,
    keep: int | None = None,
    expected_rows: int = 0,
    name: str = "",
) -> RunResult:
    """Validate (and, when ``ctx.write``, write) a file; fatal problems raise DomainError.

    ``name`` is the file's name as uploaded (messages name it).

    ``on_progress`` gets the share done after each batch of rows: rows done / ``expected_rows`` when the
    preview has counted them, else the share of the file read.
    """
    table: Table = open_table(path, known=kind.knows, name=name)
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
            result.rejections.append(Rejection(row, err.field or "", shown(col, raw), err.message))

    listed = {NEW: 0, UPDATED: 0}
    shown_cap = conf.get("IMPORT_MAX_CHANGES_SHOWN")

    def note(rec: Rec) -> None:
        """Keep the rows the preview lists: every flagged update, the first new and updated rows."""
        if rec.flag:
            if result.flagged > keep:
                return
        elif rec.outcome not in listed or listed[rec.outcome] >= shown_cap:
            return
        else:
            listed[rec.outcome] += 1
        shown = kind.shown_record(rec, ctx) if rec.outcome == NEW else kind.shown_changes(rec, ctx)
        result.changes.append(Change(rec.row, rec.outcome, rec.repr[:100], shown, rec.flag[:300]))

    def settle(recs: Iterable[Rec]) -> None:
        done = list(recs)
        for rec in done:
            if rec.outcome == REJECTED and rec.error is not None:
                reject(rec.row, rec.error, raw_rows.get(rec.row, []))
            elif rec.outcome in (NEW, UPDATED, UNCHANGED):
                if rec.outcome == UPDATED and (flag := kind.flag(rec, ctx)):
                    rec.flag = flag
                    result.flagged += 1
                    if len(result.flagged_rows) < keep:  # memory stays flat; the count is exact
                        result.flagged_rows.append(rec.row)
                    if ctx.write and not ctx.accept_flagged:
                        rec.outcome = SKIPPED
                result.count(rec.outcome)
                if rec.outcome != UNCHANGED:
                    note(rec)
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
        checked = checked_chunks(kind, table, checker)
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
            result.next_steps = kind.next_steps(ctx)
    finally:
        ledger.drop()
    if result.total == 0:
        raise DomainError(f"文件只有表头（第{table.header_row}行），没有数据行")
    result.rejections.sort(key=lambda r: r.row)
    result.changes.sort(key=lambda c: c.row)
    result.flagged_rows.sort()
    return result


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
            audit_record_many(actor=ctx.actor, action=action, object_type=kind.object_type, entries=entries, note=note)
