"""Building test files: CSV in any encoding, XLSX with title rows, merged headers and formulas."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Sequence
from typing import Any

import xlsxwriter

from jiaoyun.core import idcard


def id_no(day: int, order: int, birth_year: int = 2014, month: int = 3) -> str:
    return idcard.make("530521", dt.date(birth_year, month, day), order)


def csv_bytes(rows: Sequence[Sequence[Any]], encoding: str = "utf-8") -> bytes:
    buf = io.StringIO()
    csv.writer(buf).writerows(rows)
    return buf.getvalue().encode(encoding)


def xlsx_bytes(rows: Sequence[Sequence[Any]], *, title: str | None = None, formulas: dict | None = None) -> bytes:
    """rows[0] is the header; ``title`` adds a merged title row above it; ``formulas`` maps (r, c) → formula."""
    buf = io.BytesIO()
    book = xlsxwriter.Workbook(buf, {"in_memory": True})
    sheet = book.add_worksheet("名册")
    date_fmt = book.add_format({"num_format": "yyyy-mm-dd"})
    r0 = 0
    if title:
        sheet.merge_range(0, 0, 0, max(len(rows[0]) - 1, 1), title)
        r0 = 1
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if isinstance(value, dt.date):
                sheet.write_datetime(r0 + r, c, dt.datetime.combine(value, dt.time()), date_fmt)
            elif value is not None:
                sheet.write(r0 + r, c, value)
    for (r, c), formula in (formulas or {}).items():
        sheet.write_formula(r0 + r, c, formula[0], None, formula[1]) if isinstance(formula, tuple) else (
            sheet.write_formula(r0 + r, c, formula)
        )
    book.close()
    return buf.getvalue()


def upload(data: bytes) -> io.BytesIO:
    return io.BytesIO(data)
