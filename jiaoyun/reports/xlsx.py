"""Excel writing (xlsxwriter, constant memory) with Chinese headers."""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from typing import Any

import xlsxwriter

INVALID_SHEET_CHARS = str.maketrans(dict.fromkeys("[]:*?/\\", "_"))


def sheet_name(title: str) -> str:
    """Excel sheet names: at most 31 characters, none of []:*?/\\."""
    return (str(title).translate(INVALID_SHEET_CHARS).strip("'") or "Sheet")[:31]


def write_xlsx(sheets: Sequence[tuple[str, Sequence[str], Iterable[Sequence[Any]]]]) -> bytes:
    """Write sheets of (title, headers, rows) to XLSX bytes; the header row is bold and frozen."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"constant_memory": True, "in_memory": True, "strings_to_formulas": False})
    bold = book.add_format({"bold": True, "bg_color": "#EEEEEE", "border": 1})
    for title, headers, rows in sheets:
        sheet = book.add_worksheet(sheet_name(title))
        for col, header in enumerate(headers):
            sheet.write_string(0, col, str(header), bold)
            sheet.set_column(col, col, max(10, min(40, len(str(header)) * 2 + 2)))
        sheet.freeze_panes(1, 0)
        for r, row in enumerate(rows, start=1):
            for c, value in enumerate(row):
                if value is None:
                    continue
                if hasattr(value, "isoformat") and not isinstance(value, str):
                    sheet.write_string(r, c, value.isoformat())
                elif isinstance(value, bool):
                    sheet.write_string(r, c, "是" if value else "否")
                elif isinstance(value, int | float):
                    sheet.write_number(r, c, value)
                else:
                    sheet.write_string(r, c, str(value))
    book.close()
    return buffer.getvalue()
