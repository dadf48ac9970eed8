"""ADR 0021: one XLSX writer (reports.xlsx), one file reader (exchange.readers); the XML inside XLSX via defusedxml."""

from __future__ import annotations

import re
from pathlib import Path

import jiaoyun

APP = Path(jiaoyun.__file__).parent

# library → the modules allowed to use it, each with its reason
ALLOWED = {
    "xlsxwriter": {
        "reports/xlsx.py": "the one writer",
        "dropout/services/reporting.py": "archived bulletins are verified by the hash of a re-render (ADR 0021)",
    },
    "openpyxl": {},  # tests only (dev extras)
    "python_calamine": {"exchange/readers.py": "the one reader"},
    "xml.etree": {},  # defusedxml.ElementTree instead
    "csv.reader": {"exchange/readers.py": "the one reader"},
    "csv.DictReader": {},
}
USE = {
    name: re.compile(rf"^\s*(import {re.escape(name)}\b|from {re.escape(name)}\b)|\b{re.escape(name)}\(", re.M)
    for name in ALLOWED
}


def _app_modules():
    for path in sorted(APP.rglob("*.py")):
        rel = path.relative_to(APP).as_posix()
        if "/tests/" in f"/{rel}" or "/migrations/" in rel or rel.endswith("conftest.py"):
            continue
        yield rel, path.read_text(encoding="utf-8")


def test_spreadsheets_are_written_and_read_in_one_place_each():
    found = {(name, rel) for rel, text in _app_modules() for name, use in USE.items() if use.search(text)}
    allowed = {(name, rel) for name, modules in ALLOWED.items() for rel in modules}
    assert found - allowed == set()


def test_the_check_sees_a_use():
    assert USE["xlsxwriter"].search("def f():\n    import xlsxwriter\n")
    assert USE["xml.etree"].search("from xml.etree import ElementTree\n")
    assert USE["csv.reader"].search("rows = csv.reader(fh)\n")
    assert not USE["csv.reader"].search("import csv\nw = csv.writer(fh)\n")
