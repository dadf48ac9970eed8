"""The one XLSX writer of the platform (ADR 0021): xlsxwriter, streaming, Chinese headers.

Every workbook the platform hands out (list exports, import templates, rejected-rows files, indicator
tables) is written by ``write_xlsx``. Rows are streamed: xlsxwriter's ``constant_memory`` mode writes each
row to a temporary file as it comes (in a private temporary folder removed when the call ends, also on an
error), so memory does not grow with the rows. Text is always written as text (``write_string``; never
read as a formula or a number), so ID numbers, 学籍号 and codes keep their leading zeros and all their
digits; numbers are numbers, dates ISO text, booleans 是/否.
"""

from __future__ import annotations

import io
import tempfile
from collections.abc import Iterable, Sequence
from typing import Any

import xlsxwriter

INVALID_SHEET_CHARS = str.maketrans(dict.fromkeys("[]:*?/\\", "_"))

# One sheet: (title, headers, rows); rows may be a generator (it is consumed once, in order).
Sheet = tuple[str, Sequence[str], Iterable[Sequence[Any]]]


def sheet_name(title: str) -> str:
    """Excel sheet names: at most 31 characters, none of []:*?/\\."""
    return (str(title).translate(INVALID_SHEET_CHARS).strip("'") or "Sheet")[:31]


def write_xlsx(sheets: Sequence[Sheet]) -> bytes:
    """Write sheets of (title, headers, rows) to XLSX bytes; the header row is bold and frozen."""
    buffer = io.BytesIO()
    with tempfile.TemporaryDirectory(prefix="jiaoyun-xlsx-") as tmpdir:
        book = xlsxwriter.Workbook(buffer, {"constant_memory": True, "tmpdir": tmpdir, "strings_to_formulas": False})
        bold = book.add_format({"bold": True, "bg_color": "#EEEEEE", "border": 1})
        for title, headers, rows in sheets:
            sheet = book.add_worksheet(sheet_name(title))
            for col, header in enumerate(headers):
                sheet.write_string(0, col, str(header), bold)
                sheet.set_column(col, col, max(10, min(40, len(str(header)) * 2 + 2)))
            sheet.freeze_panes(1, 0)
            for r, row in enumerate(rows, start=1):
                for c, value in enumerate(row):
                    _write_cell(sheet, r, c, value)
        book.close()
    return buffer.getvalue()


def _write_cell(sheet: Any, r: int, c: int, value: Any) -> None:
    if value is None:
        return
    if hasattr(value, "isoformat") and not isinstance(value, str):
        sheet.write_string(r, c, value.isoformat())
    elif isinstance(value, bool):
        sheet.write_string(r, c, "是" if value else "否")
    elif isinstance(value, int | float):
        sheet.write_number(r, c, value)
    else:
        sheet.write_string(r, c, str(value))
