"""Reading the files bureaus actually have: XLSX/XLS (python-calamine) and CSV in UTF-8, UTF-8 with BOM or GBK.

The one file reader of the platform (ADR 0021): every import and every re-read of an uploaded file goes
through ``open_table``. The XML inside an XLSX is parsed with defusedxml and an XLSX whose XML declares
entities is refused before anything reads it.

``open_table`` detects the format from the bytes (not the file name), finds the header row even below
merged title rows, joins header cells merged across two rows, and yields data rows one at a time with
the row number a person sees in Excel (1-based, blank lines counted but skipped). CSV is streamed, so
memory does not grow with the file; XLSX sheets are read by calamine's Rust reader row by row.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

import python_calamine
from defusedxml import DefusedXmlException, ElementTree

from jiaoyun.core.errors import DomainError
from jiaoyun.core.files import check_zip
from jiaoyun.exchange import conf

ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls (BIFF in an OLE container)
SAMPLE_BYTES = 256 * 1024

_SPACES = re.compile(r"[\s\u3000]+")
_MARKS = str.maketrans({"（": "(", "）": ")", "*": "", "＊": "", "：": "", ":": ""})


def normalize_header(text: Any) -> str:
    """Header text as compared with column names: no spaces, half-width brackets, no ``*`` marks."""
    return _SPACES.sub("", str(text or "")).translate(_MARKS).lower()


def _blank(cells: list[Any]) -> bool:
    first = cells[0]
    if type(first) is str and first.strip():  # the usual row: settled by its first cell
        return False
    return all(c is None or (isinstance(c, str) and not c.strip()) for c in cells)


class CountingReader(io.RawIOBase):
    """A raw binary stream that counts the bytes handed out (for the progress bar)."""

    def __init__(self, raw: BinaryIO) -> None:
        self.raw = raw
        self.count = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        data = self.raw.read(len(buffer))
        n = len(data)
        buffer[:n] = data
        self.count += n
        return n


@dataclass
class Table:
    """A sheet with its header found: ``headers`` are the texts, ``rows()`` yields (row number, cells)."""

    fmt: str
    header_row: int
    headers: list[str]
    _rows: Iterator[tuple[int, list[Any]]]
    _progress: Callable[[], float]
    encoding: str = ""
    size: int = 0
    formula_without_value: set[tuple[int, int]] = field(default_factory=set)
    _close: Callable[[], None] | None = None

    def rows(self) -> Iterator[tuple[int, list[Any]]]:
        return self._rows

    def progress(self) -> float:
        """Share of the file read so far (0…1)."""
        return max(0.0, min(1.0, self._progress()))

    def close(self) -> None:
        if self._close is not None:
            self._close()


def detect_format(head: bytes) -> str:
    if head.startswith(ZIP_MAGIC):
        return "xlsx"
    if head.startswith(OLE_MAGIC):
        return "xls"
    return "csv"


def detect_encoding(sample: bytes, *, complete: bool) -> str:
    """UTF-8 (with or without BOM) or GB18030 (a superset of GBK/GB2312); raise on anything else."""
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or b"\x00" in sample[:4096]:
        raise DomainError(
            "文件编码为UTF-16（或不是文本文件），请在Excel中另存为“CSV UTF-8”或“CSV（逗号分隔）”后重新上传"
        )
    try:
        codecs.getincrementaldecoder("utf-8")().decode(sample, final=complete)
        return "utf-8"
    except UnicodeDecodeError as exc:
        utf8_error = exc.start
    try:
        codecs.getincrementaldecoder("gb18030")().decode(sample, final=complete)
        return "gb18030"
    except UnicodeDecodeError as exc:
        line = sample[: max(utf8_error, exc.start)].count(b"\n") + 1
        raise DomainError(
            f"无法识别文件编码（第{line}行附近既不是UTF-8也不是GBK），请另存为UTF-8或GBK编码的CSV后重新上传"
        )


def _pick_header(head_rows: list[tuple[int, list[Any]]], known: Callable[[str], bool]) -> tuple[int, list[str], int]:
    """Choose the header row among the first rows: the one (joined with a merged neighbour) naming most columns.

    Returns (index into head_rows of the first data row, headers, header row number).
    """
    best: tuple[int, int, list[str], int] | None = None  # (score, index, headers, data_start_index)
    for i, (_, cells) in enumerate(head_rows):
        width = max(len(cells), len(head_rows[i + 1][1]) if i + 1 < len(head_rows) else 0)
        headers: list[str] = []
        used_next = False
        score = 0
        for c in range(width):
            own = str(cells[c]).strip() if c < len(cells) and cells[c] not in (None, "") else ""
            candidates = [own]
            below = head_rows[i + 1][1] if i + 1 < len(head_rows) else []
            above = head_rows[i - 1][1] if i > 0 else []
            # A cell merged down from this row leaves the one below empty; a cell merged across the
            # group title above leaves this row's name in the row below.
            if c < len(below) and below[c] not in (None, ""):
                candidates.append(str(below[c]).strip())
            if c < len(above) and above[c] not in (None, ""):
                candidates.append(str(above[c]).strip())
            chosen = next((t for t in candidates if t and known(normalize_header(t))), own)
            if chosen and known(normalize_header(chosen)):
                score += 2 if chosen == own else 1  # a row naming columns itself beats one borrowing names
                if chosen != own and c < len(below) and str(below[c]).strip() == chosen:
                    used_next = True
            headers.append(chosen)
        if best is None or score > best[0]:
            best = (score, i, headers, i + (2 if used_next else 1))
    if best is None or best[0] == 0:
        raise DomainError(
            f"未找到表头行（前{len(head_rows)}行中没有可识别的列名）。请确认文件第一张工作表是数据表；"
            "若中文显示为乱码，请检查文件编码（支持UTF-8、GBK）"
        )
    score, index, headers, data_start = best
    while headers and not headers[-1]:
        headers.pop()
    return data_start, headers, head_rows[index][0]


def _numbered_nonblank(rows: Iterator[list[Any]], first_row_number: int = 1) -> Iterator[tuple[int, list[Any]]]:
    for number, cells in enumerate(rows, start=first_row_number):
        if cells and not _blank(cells):
            yield number, cells


def _head(rows: Iterator[tuple[int, list[Any]]], n: int) -> list[tuple[int, list[Any]]]:
    out = []
    for item in rows:
        out.append(item)
        if len(out) >= n:
            break
    return out


def _chain(
    first: list[tuple[int, list[Any]]], rest: Iterator[tuple[int, list[Any]]]
) -> Iterator[tuple[int, list[Any]]]:
    yield from first
    yield from rest


def _formulas_without_value(path: Path) -> set[tuple[int, int]]:
    """Cells of the first sheet holding a formula with no cached result (row number, column index from 0)."""
    out: set[tuple[int, int]] = set()
    try:
        with zipfile.ZipFile(path) as zf:
            ns = {
                "m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
                "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
            }
            book = ElementTree.fromstring(zf.read("xl/workbook.xml"))
            sheet = book.find("m:sheets/m:sheet", ns)
            target = "xl/worksheets/sheet1.xml"
            if sheet is not None:
                rid = sheet.get(f"{{{ns['r']}}}id")
                rels = ElementTree.fromstring(zf.read("xl/_rels/workbook.xml.rels"))
                for rel in rels:
                    if rel.get("Id") == rid:
                        t = rel.get("Target", "")
                        target = t.lstrip("/") if t.startswith("/") else "xl/" + t
            with zf.open(target) as fh:
                for _, elem in ElementTree.iterparse(fh):
                    if elem.tag.endswith("}c"):
                        children = {child.tag.rsplit("}", 1)[-1]: child for child in elem}
                        if "f" in children and (children.get("v") is None or children["v"].text in (None, "")):
                            ref = elem.get("r", "")
                            m = re.match(r"([A-Z]+)(\d+)", ref)
                            if m:
                                col = 0
                                for ch in m.group(1):
                                    col = col * 26 + ord(ch) - 64
                                out.add((int(m.group(2)), col - 1))
                        elem.clear()
                    elif elem.tag.endswith("}row"):
                        elem.clear()
    except (KeyError, zipfile.BadZipFile, ElementTree.ParseError, DefusedXmlException):
        return out
    return out


def check_xml(path: Path, name: str) -> None:
    """Refuse an XLSX whose XML parts declare entities or refer to external ones (billion laughs, XXE).

    A declaration can stand only in a part's prolog, before its root element, so each part is parsed
    (by defusedxml, which raises on such a declaration) only up to its root element.
    """
    with zipfile.ZipFile(path) as zf:
        for info in zf.infolist():
            if not info.filename.endswith((".xml", ".rels")):
                continue
            try:
                with zf.open(info) as fh:
                    next(iter(ElementTree.iterparse(fh, events=("start",))), None)
            except DefusedXmlException:
                raise DomainError(
                    f"文件“{name}”的XML部分（{info.filename}）声明了实体或引用了外部实体，"
                    "不是Excel正常保存的文件，已拒绝读取，未写入任何数据。请在Excel中另存为新的.xlsx文件后重新上传"
                )
            except ElementTree.ParseError:
                continue  # a broken part: calamine reports the damage when it reads the sheet


def _open_workbook(path: Path, fmt: str, known: Callable[[str], bool]) -> Table:
    try:
        book = python_calamine.CalamineWorkbook.from_path(str(path))
        visible = [m.name for m in book.sheets_metadata if str(m.visible).endswith("Visible")] or book.sheet_names
        sheet = book.get_sheet_by_name(visible[0])
        total = max(sheet.total_height, 1)
        col0 = sheet.start[1] if sheet.start else 0
        raw_rows = sheet.iter_rows()
    except Exception as exc:  # calamine raises several error types for broken files
        raise DomainError(f"Excel文件已损坏或不完整（可能上传中断），无法读取：{exc}。请重新保存后上传")
    seen = {"row": 0}

    def rows() -> Iterator[list[Any]]:
        try:
            for cells in raw_rows:
                seen["row"] += 1
                yield [None] * col0 + list(cells) if col0 else list(cells)
        except Exception as exc:
            raise DomainError(f"Excel文件第{seen['row'] + 1}行附近已损坏，无法继续读取：{exc}")

    numbered = _numbered_nonblank(rows())
    head = _head(numbered, conf.get("IMPORT_HEADER_SCAN_ROWS"))
    if not head:
        raise DomainError("文件是空的：第一张工作表没有任何内容")
    data_start, headers, header_row = _pick_header(head, known)
    formulas = _formulas_without_value(path) if fmt == "xlsx" else set()
    return Table(
        fmt=fmt,
        header_row=header_row,
        headers=headers,
        _rows=_chain(head[data_start:], numbered),
        _progress=lambda: seen["row"] / total,
        size=path.stat().st_size,
        formula_without_value=formulas,
        _close=book.close,
    )


def _open_csv(path: Path, size: int, known: Callable[[str], bool]) -> Table:
    with open(path, "rb") as fh:
        sample = fh.read(SAMPLE_BYTES)
    if not sample.strip(b" \t\r\n\xef\xbb\xbf"):
        raise DomainError("文件是空的：没有表头，也没有数据行")
    encoding = detect_encoding(sample, complete=len(sample) >= size)
    raw = open(path, "rb")  # noqa: SIM115 - closed by Table.close
    counter = CountingReader(raw)
    text = io.TextIOWrapper(io.BufferedReader(counter, 1 << 16), encoding=encoding, newline="")
    first_line = sample.split(b"\n", 1)[0]
    delimiter = "\t" if first_line.count(b"\t") > first_line.count(b",") else ","
    reader = csv.reader(text, delimiter=delimiter)
    state = {"record": 0}

    def rows() -> Iterator[list[Any]]:
        try:
            for cells in reader:
                state["record"] += 1
                yield cells
        except UnicodeDecodeError:
            raise DomainError(
                f"第{state['record'] + 1}行附近的字节不符合{'UTF-8' if encoding.startswith('utf') else 'GBK'}编码："
                "文件编码不一致或已损坏，请统一另存为UTF-8或GBK后重新上传"
            )
        except csv.Error as exc:
            raise DomainError(f"第{state['record'] + 1}行CSV格式错误：{exc}")

    numbered = _numbered_nonblank(rows())
    head = _head(numbered, conf.get("IMPORT_HEADER_SCAN_ROWS"))
    if not head:
        raw.close()
        raise DomainError("文件是空的：没有表头，也没有数据行")
    try:
        data_start, headers, header_row = _pick_header(head, known)
    except DomainError:
        raw.close()
        raise
    return Table(
        fmt="csv",
        header_row=header_row,
        headers=headers,
        _rows=_chain(head[data_start:], numbered),
        _progress=lambda: counter.count / max(size, 1),
        encoding=encoding,
        size=size,
        _close=raw.close,
    )


def open_table(path: Path, *, known: Callable[[str], bool], name: str = "") -> Table:
    """Open an uploaded file; ``known(normalized_header)`` tells whether a header text names a column.

    ``name`` is the file's name as uploaded, for messages (the stored file is named by its hash).
    """
    size = path.stat().st_size
    if size == 0:
        raise DomainError("文件是空的（0字节）")
    limit = conf.get("IMPORT_MAX_BYTES")
    if size > limit:
        raise DomainError(f"文件过大：{size / 1048576:.1f} MB，超过上限{limit / 1048576:.0f} MB，请拆分后分批导入")
    with open(path, "rb") as fh:
        head = fh.read(8)
    fmt = detect_format(head)
    if fmt == "xlsx":
        check_zip(path)  # a zip bomb is refused before calamine inflates it
        check_xml(path, name or path.name)  # so are XML entity declarations, before any part is read
    if fmt in ("xlsx", "xls"):
        return _open_workbook(path, fmt, known)
    return _open_csv(path, size, known)
