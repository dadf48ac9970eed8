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


GUIDE_TITLE = "填写说明"
GUIDE_HEADERS = ("列名", "必填", "类型", "单元格格式", "示例（仅供参考，不要填入数据表）", "也可写作", "说明")


def text_column_labels(kind: Kind) -> list[str]:
    return [c.label for c in kind.columns if c.as_text]


def template_xlsx(kind: Kind) -> bytes:
    """An empty template: a note, the Chinese headers (required ones marked *), no data rows.

    ID-number, 学籍号, code and phone columns are formatted as text (``@``), so what is typed or pasted
    into them keeps every digit in Excel and WPS. The examples and each column's rules are on a second
    sheet (填写说明), never in the data sheet, so a forgotten example row can never be imported.
    """
    headers = [f"{c.label}*" if c.required else c.label for c in kind.columns]
    text_cols = [i for i, c in enumerate(kind.columns) if c.as_text]
    note = (
        f"{kind.label}导入模板：从第3行起每行填写一条记录；带*的列必填。"
        f"以下列已设为“文本”格式：{'、'.join(text_column_labels(kind))}——请勿改为“数值”或“常规”，"
        "从其他表格粘贴时请用“选择性粘贴→值”，否则Excel/WPS会把长号码显示为5.30521E+17并丢失末几位（此类行将被拒绝）。"
        f"每列的类型、示例和可写法见“{GUIDE_TITLE}”工作表。"
    )
    guide = [
        [
            c.label,
            "是" if c.required else "",
            c.type_label,
            "文本" if c.as_text else "常规",
            c.example,
            "、".join(c.aliases),
            c.help,
        ]
        for c in kind.columns
    ]
    return write_xlsx(
        [(kind.label, headers, []), (GUIDE_TITLE, GUIDE_HEADERS, guide)],
        text_columns={kind.label: text_cols, GUIDE_TITLE: (4,)},
        notes={kind.label: note},
    )


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
    # Columns of the file kept as text in the report: ID numbers, codes, phones (offset 1: 原行号 first).
    as_text = {
        i + 1
        for i, h in enumerate(table.headers)
        if i in sensitive or ((col := kind.column_for(h)) is not None and col.as_text)
    }

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

    return write_xlsx([("拒绝行", ["原行号", *table.headers, ERROR_HEADER], rows())], text_columns={"拒绝行": as_text})
