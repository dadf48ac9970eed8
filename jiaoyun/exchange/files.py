"""Files the exchange module hands out: empty templates, registry exports in import format, rejected rows."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from jiaoyun.core import idcard
from jiaoyun.core.types import User
from jiaoyun.exchange.models import ImportBatch
from jiaoyun.exchange.readers import open_table
from jiaoyun.exchange.registry import Kind, get_kind
from jiaoyun.reports.xlsx import write_xlsx

ERROR_HEADER = "错误原因"


def template_xlsx(kind: Kind) -> bytes:
    """An empty template: the Chinese headers (required ones marked *) and one example row."""
    headers = [f"{c.label}*" if c.required else c.label for c in kind.columns]
    notes = ["；".join(filter(None, [c.type_label, c.help])) for c in kind.columns]
    return write_xlsx([(kind.label, headers, [kind.example_row(), *([notes] if any(notes) else [])])])


def kind_rows(kind: Kind, user: User, *, reveal: bool = False) -> Iterator[list[Any]]:
    """The registry as rows of this format (values rendered as a file would hold them)."""
    for row in kind.export_rows(user, reveal=reveal):
        yield [c.render(row.get(c.name)) for c in kind.columns]


# Headers of columns holding an ID number (学籍号 embeds one): masked in the rejected-rows file whatever the kind says.
ID_HEADER_WORDS = ("身份证", "证件号", "学籍号", "学籍辅号")


def _identifying(header: str, kind: Kind) -> bool:
    col = kind.column_for(header)
    return (col is not None and col.sensitive) or any(word in str(header) for word in ID_HEADER_WORDS)


def rejects_xlsx(batch: ImportBatch) -> bytes:
    """The rejected rows as in the uploaded file, plus the row number and an error column.

    The rows are re-read from the stored file (rejections keep only masked values). ID numbers and student
    numbers are always masked (whoever downloads it): the row number leads back to the original file, which
    the importer has. Raises FileNotFoundError once the stored file has been purged.
    """
    kind = get_kind(batch.kind)
    reasons: dict[int, list[str]] = {}
    for r in batch.rejections.order_by("row", "id"):
        reasons.setdefault(r.row, []).append(f"{r.column}：{r.reason}" if r.column else r.reason)
    if not batch.stored_path:
        raise FileNotFoundError("purged")
    path = Path(batch.stored_path)
    table = open_table(path, known=kind.knows, name=batch.file_name)
    sensitive = {i for i, h in enumerate(table.headers) if _identifying(h, kind)}

    def rows() -> Iterator[list[Any]]:
        try:
            for number, cells in table.rows():
                if number in reasons:
                    shown = [
                        idcard.mask(str(v)) if i in sensitive and v not in (None, "") else v
                        for i, v in enumerate(cells)
                    ]
                    shown += [""] * (len(table.headers) - len(shown))
                    yield [number, *shown[: len(table.headers)], "；".join(reasons[number])]
        finally:
            table.close()

    return write_xlsx([("拒绝行", ["原行号", *table.headers, ERROR_HEADER], rows())])
