"""Legacy Excel 97-2003 (.xls, BIFF8) rosters, as older county systems still export them.

The fixture ``files/students.xls`` is a real BIFF8 workbook of 5.5 KB written by xlwt, committed rather than
generated at test time: xlwt is unmaintained (last release 2017) and only this one fixture needs it, so it
is not worth a dependency. To regenerate it: ``pip install --target /tmp/xlwt xlwt==1.3.0``, then
``PYTHONPATH=/tmp/xlwt python manage.py shell -c "from jiaoyun.exchange.tests.test_xls import _write_fixture;
_write_fixture()"``.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from jiaoyun.core import idcard
from jiaoyun.exchange.services import import_confirm, import_file
from jiaoyun.exchange.tests.helpers import id_no, upload
from jiaoyun.people.models import Student

FIXTURE = Path(__file__).parent / "files" / "students.xls"


def test_xls_roster_with_title_row_date_cells_and_numeric_codes(county_admin, village_a1):
    data = FIXTURE.read_bytes()
    assert data.startswith(b"\xd0\xcf\x11\xe0")  # an OLE compound file, not an XLSX renamed
    batch = import_file(actor=county_admin, kind="students", upload=upload(data), file_name="学生名册.xls")
    # the header is found below the merged title row; the bad check digit is the only rejection
    assert (batch.header_row, batch.total, batch.new, batch.rejected) == (2, 3, 2, 1)
    bad = batch.rejections.get()
    assert (bad.row, bad.column, bad.reason) == (5, "身份证号", f"校验码错误（末位应为{id_no(3, 1)[-1]}）")
    import_confirm(actor=county_admin, batch=batch)
    zhang = Student.objects.get(id_hash=idcard.match_hash(id_no(1, 1)))
    # a real date cell, and a village code Excel stored as a number
    assert (zhang.name, zhang.birth_date, zhang.hukou_village, zhang.left_behind) == (
        "张三",
        dt.date(2014, 3, 1),
        village_a1,
        True,
    )
    assert Student.objects.get(id_hash=idcard.match_hash(id_no(2, 2))).birth_date == dt.date(2014, 3, 2)


def _write_fixture() -> None:  # pragma: no cover - run by hand, see the module docstring
    import xlwt  # type: ignore[import-not-found,unused-ignore]

    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("学生名册")
    sheet.write_merge(0, 0, 0, 4, "施甸县2024年秋季学期学生名册")
    for c, label in enumerate(["姓名", "身份证号", "出生日期", "户籍所在村代码", "留守儿童"]):
        sheet.write(1, c, label)
    date_style = xlwt.easyxf(num_format_str="YYYY-MM-DD")
    wrong = id_no(3, 1)[:-1] + ("0" if id_no(3, 1)[-1] != "0" else "1")
    rows = [
        ["张三", id_no(1, 1), dt.datetime(2014, 3, 1), 530521100001, "是"],  # noqa: DTZ001 - an Excel date has no zone
        ["李四", id_no(2, 2), "2014年3月2日", "530521100001", "否"],
        ["王五", wrong, None, None, "否"],
    ]
    for r, row in enumerate(rows, start=2):
        for c, value in enumerate(row):
            if isinstance(value, dt.datetime):
                sheet.write(r, c, value, date_style)
            elif value is not None:
                sheet.write(r, c, value)
    book.save(str(FIXTURE))
