"""Checking rows: cells → typed values → the kind's record, its natural keys and fingerprints.

Pure Python on the lookups ``Kind.prepare`` loaded, so the same ``RowChecker`` runs in the importing
process or in forked worker processes (``workers``) with the same result.
"""

from __future__ import annotations

import zlib
from typing import Any

from jiaoyun.core import idcard
from jiaoyun.core.errors import DomainError
from jiaoyun.exchange.ledger import digest
from jiaoyun.exchange.registry import Col, Context, Kind
from jiaoyun.exchange.values import text


def shown(col: Col | None, raw: Any) -> str:
    value = text(raw)
    if col is not None and col.sensitive and value:
        return idcard.mask(value)
    return value[:200]


# An outcome of one row: (row, record, keys, fingerprint, conflict fingerprint) when it passed the column
# parsers and the kind's validator; (row, None, column, reason, value as shown) when it did not.
Outcome = tuple[int, Any, Any, Any, Any]


class RowChecker:
    """Parse and validate rows: cells → typed values → the kind's record, its keys and fingerprints.

    Pure Python on lookups loaded by ``Kind.prepare``: no database access, so chunks of rows can be
    checked by worker processes (see ``checked_chunks``) with the same result as in the importing process.
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
                value = shown(found[0], cells[found[1]]) if found else ""
                append((row_no, None, exc.field or "", exc.message, value))
        return out

    def _formulas(self, row_no: int) -> None:
        for _, idx, _, label in self.parsers:
            if (row_no, idx) in self.formulas:
                raise DomainError("公式单元格没有计算结果，请在Excel中重新计算并保存，或把公式转换为数值", field=label)


def _key_text(label: str, key: Any) -> str:
    return f"{label}\x1f{key if isinstance(key, str) else repr(key)}"
