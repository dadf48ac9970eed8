"""The one XLSX writer of the platform (ADR 0021): xlsxwriter, streaming, Chinese headers.

Every workbook the platform hands out (list exports, import templates, rejected-rows files, indicator
tables) is written by ``write_xlsx``. Rows are streamed: xlsxwriter's ``constant_memory`` mode writes each
row to a temporary file as it comes (in a private temporary folder removed when the call ends, also on an
error), so memory does not grow with the rows. Text is always written as text (``write_string``; never
read as a formula or a number), so ID numbers, 学籍号 and codes keep their leading zeros and all their
digits; numbers are numbers, dates ISO text, booleans 是/否. Columns named in ``text_columns`` are also
formatted as text (number format ``@``, every value written as a string), so a value typed or pasted
into them later (an import template) stays text in Excel and WPS instead of becoming 5.30521E+17; a
``note`` is a line above the header row (e.g. which columns are text).
"""

from __future__ import annotations

import io
import tempfile
from collections.abc import Collection, Iterable, Mapping, Sequence
from typing import Any

import xlsxwriter

INVALID_SHEET_CHARS = str.maketrans(dict.fromkeys("[]:*?/\\", "_"))

# One sheet: (title, headers, rows); rows may be a generator (it is consumed once, in order).
Sheet = tuple[str, Sequence[str], Iterable[Sequence[Any]]]


def sheet_name(title: str) -> str:
    """Excel sheet names: at most 31 characters, none of []:*?/\\."""
    return (str(title).translate(INVALID_SHEET_CHARS).strip("'") or "Sheet")[:31]


def write_xlsx(
    sheets: Sequence[Sheet],
    *,
    text_columns: Mapping[str, Collection[int]] | None = None,
    notes: Mapping[str, str] | None = None,
) -> bytes:
    """Write sheets of (title, headers, rows) to XLSX bytes; the header row is bold and frozen.

    ``text_columns``: per sheet title, the indexes of columns formatted as text (``@``); ``notes``: per sheet
    title, a line written above the header row.
    """
    buffer = io.BytesIO()
    with tempfile.TemporaryDirectory(prefix="jiaoyun-xlsx-") as tmpdir:
        book = xlsxwriter.Workbook(buffer, {"constant_memory": True, "tmpdir": tmpdir, "strings_to_formulas": False})
        bold = book.add_format({"bold": True, "bg_color": "#EEEEEE", "border": 1})
        text = book.add_format({"num_format": "@"})
        bold_text = book.add_format({"bold": True, "bg_color": "#EEEEEE", "border": 1, "num_format": "@"})
        wrap = book.add_format({"text_wrap": True, "valign": "top", "font_color": "#333333"})
        for title, headers, rows in sheets:
            sheet = book.add_worksheet(sheet_name(title))
            as_text = set((text_columns or {}).get(title, ()))
            note = (notes or {}).get(title, "")
            top = 1 if note else 0
            for col, header in enumerate(headers):
                width = max(10, min(40, len(str(header)) * 2 + 2))
                sheet.set_column(
                    col, col, max(width, 20) if col in as_text else width, text if col in as_text else None
                )
            if note:
                sheet.set_row(0, 15 * (1 + len(note) // 120))
                sheet.merge_range(0, 0, 0, max(len(headers) - 1, 1), note, wrap)
            for col, header in enumerate(headers):
                sheet.write_string(top, col, str(header), bold_text if col in as_text else bold)
            sheet.freeze_panes(top + 1, 0)
            for r, row in enumerate(rows, start=top + 1):
                for c, value in enumerate(row):
                    if c in as_text and value is not None and value != "":
                        sheet.write_string(r, c, _as_text(value), text)
                    else:
                        _write_cell(sheet, r, c, value)
        book.close()
    return buffer.getvalue()


def _as_text(value: Any) -> str:
    """A value of a text column: integral floats without ``.0`` (a code read back from a number cell)."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if hasattr(value, "isoformat") and not isinstance(value, str):
        return str(value.isoformat())
    return str(value)


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
