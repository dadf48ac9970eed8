"""Stored files: upload checks (type, size, content), zip bombs, serving headers, purge of old uploads."""

from __future__ import annotations

import datetime as dt
import importlib
import io
import os
import zipfile
from io import StringIO
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import RequestFactory
from django.urls import Resolver404, clear_url_caches, resolve
from django.utils import timezone

from jiaoyun.core import files
from jiaoyun.core.errors import DomainError
from jiaoyun.core.models import AuditEntry

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 20
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF" + b"\x00" * 20
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n"
HTML = b"<!DOCTYPE html><html><script>alert(document.cookie)</script></html>"


def upload(name: str, data: bytes, content_type: str = "application/octet-stream") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


def office(kind: str) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("word/document.xml" if kind == "docx" else "xl/workbook.xml", "<x/>")
    return buf.getvalue()


def zip_bomb(megabytes: int, member: str = "xl/worksheets/sheet1.xml") -> bytes:
    """A zip declaring ``megabytes`` MB of zeros in one member (about 1/1000 of that on disk)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("xl/workbook.xml", "<workbook/>")
        with zf.open(member, "w", force_zip64=True) as fh:
            block = b"\x00" * (1 << 20)
            for _ in range(megabytes):
                fh.write(block)
    return buf.getvalue()


@pytest.mark.parametrize(
    ("name", "data"),
    [("a.png", PNG), ("a.jpg", JPEG), ("a.JPEG", JPEG), ("a.pdf", PDF), ("a.docx", office("docx")),
     ("a.xlsx", office("xlsx")), ("a.webp", b"RIFF\x10\x00\x00\x00WEBPVP8 ")],
)  # fmt: skip
def test_allowed_files_pass_and_get_a_random_stored_name(name, data):
    f = upload(name, data, "text/html")  # the type the browser claims is ignored
    assert files.check_upload(f, use="evidence", field="佐证材料") == name
    assert f.name != name and f.name.endswith("." + name.rsplit(".", 1)[1].lower()) and len(f.name) > 30
    assert f.read() == data  # the content is untouched and rewound


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("page.html", HTML, "类型不支持"),
        ("logo.svg", b"<svg onload=alert(1)>", "类型不支持"),
        ("x.js", b"alert(1)", "类型不支持"),
        ("x.exe", b"MZ\x90\x00", "类型不支持"),
        ("noext", PDF, "类型不支持"),
        ("report.pdf", HTML, "内容与扩展名“.pdf”不符"),
        ("report.pdf", b"<html><body>%PDF-1.4</body></html>", "内容与扩展名“.pdf”不符"),
        ("photo.jpg", HTML, "内容与扩展名“.jpg”不符"),
        ("photo.png", JPEG, "内容与扩展名“.png”不符"),
        ("doc.docx", office("xlsx"), "内容与扩展名“.docx”不符"),
        ("doc.docx", b"PK\x03\x04broken", "内容与扩展名“.docx”不符"),
        ("empty.pdf", b"", "是空的"),
    ],
)
def test_wrong_type_or_content_is_refused_with_the_field_and_reason(name, data, reason):
    with pytest.raises(DomainError, match=reason) as err:
        files.check_upload(upload(name, data), use="evidence", field="佐证材料")
    assert err.value.field == "佐证材料" and str(err.value).startswith("“佐证材料”：文件")


def test_html_disguised_as_a_spreadsheet_is_refused():
    with pytest.raises(DomainError, match="内容与扩展名“.csv”不符"):
        files.check_upload(upload("名册.csv", b"<html><script>x</script>"), use="spreadsheet")


def test_size_limit_comes_from_the_settings(settings):
    settings.JIAOYUN = {**settings.JIAOYUN, "UPLOAD_MAX_BYTES": 1024}
    big = upload("scan.pdf", PDF + b"0" * 2000)
    with pytest.raises(DomainError, match="超过上限0 MB|超过上限"):
        files.check_upload(big, use="evidence", field="佐证材料")
    assert files.conf("UPLOAD_MAX_BYTES") == 1024
    files.check_upload(upload("scan.pdf", PDF), use="evidence")


def test_default_limit_is_ten_megabytes():
    assert files.DEFAULTS["UPLOAD_MAX_BYTES"] == 10 * 1024 * 1024
    f = upload("scan.pdf", PDF + b"0" * (10 * 1024 * 1024))
    with pytest.raises(DomainError, match="超过上限10 MB"):
        files.check_upload(f, use="evidence")


def test_extension_whitelist_is_configurable_per_use(settings):
    with pytest.raises(DomainError, match="类型不支持"):
        files.check_upload(upload("a.pdf", PDF), use="image")
    settings.JIAOYUN = {**settings.JIAOYUN, "UPLOAD_EXTENSIONS": {"image": ("png", "pdf")}}
    files.check_upload(upload("a.pdf", PDF), use="image")
    files.check_upload(upload("a.docx", office("docx")), use="evidence")  # the other uses keep their defaults


def test_zip_bomb_is_refused_by_ratio_and_by_total(tmp_path, settings):
    bomb = zip_bomb(20)
    assert len(bomb) < 100_000  # small on disk …
    path = tmp_path / "bomb.xlsx"
    path.write_bytes(bomb)
    with pytest.raises(DomainError, match="压缩比异常"):  # … 20 MB inside: ratio far above 100
        files.check_zip(path)
    settings.JIAOYUN = {**settings.JIAOYUN, "UPLOAD_ZIP_MAX_BYTES": 5 * 1024 * 1024, "UPLOAD_ZIP_MAX_RATIO": 10_000}
    with pytest.raises(DomainError, match="解压后为20 MB，超过上限5 MB"):
        files.check_zip(path)
    with pytest.raises(DomainError, match="压缩比异常|超过上限"):
        files.check_upload(upload("bomb.xlsx", bomb), use="spreadsheet", field="文件")


def test_an_ordinary_workbook_passes_the_zip_check(tmp_path):
    import xlsxwriter

    path = tmp_path / "ok.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet()
    for r in range(3000):
        sheet.write_row(r, 0, [f"学生{r}", r, "530521", "甸阳镇中心小学"])
    book.close()
    assert files.check_zip(path) is None  # a bomb raises DomainError (above)
    assert path.stat().st_size > 0


@pytest.mark.django_db
def test_serve_is_an_attachment_with_safe_headers(tmp_path, settings):
    from jiaoyun.safety.models import HazardEvidence

    settings.MEDIA_ROOT = tmp_path
    (tmp_path / "x").mkdir()
    (tmp_path / "x" / "abc.pdf").write_bytes(PDF)
    field = HazardEvidence(file="x/abc.pdf").file
    request = RequestFactory().get("/")
    response = files.serve(request, field, filename="整改 报告.html")
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    disposition = response["Content-Disposition"]
    assert (
        disposition.startswith("attachment;")
        and "filename*=UTF-8''%E6%95%B4%E6%94%B9%20%E6%8A%A5%E5%91%8A.pdf" in disposition
    )
    assert 'filename="_____.pdf"' in disposition  # ASCII fallback; the name cannot change the type
    assert b"".join(response.streaming_content) == PDF
    settings.JIAOYUN = {**settings.JIAOYUN, "FILES_X_ACCEL_PREFIX": "/protected-media/"}
    response = files.serve(request, field, filename="r.pdf")
    assert response["X-Accel-Redirect"] == "/protected-media/x/abc.pdf" and response.content == b""
    assert response["X-Content-Type-Options"] == "nosniff" and response["Content-Disposition"].startswith("attachment")


def test_media_is_not_served_by_url_even_in_debug(settings):
    import config.urls

    settings.DEBUG = True
    try:
        importlib.reload(config.urls)
        clear_url_caches()
        with pytest.raises(Resolver404):
            resolve(f"{settings.MEDIA_URL}dropout/evidence/2021/10/x.pdf")
    finally:
        settings.DEBUG = False
        importlib.reload(config.urls)
        clear_url_caches()


# -- purge ----------------------------------------------------------------------------------------


def _age(path: Path, days: int) -> None:
    when = (timezone.now() - dt.timedelta(days=days)).timestamp()
    os.utime(path, (when, when))


@pytest.mark.django_db
def test_purge_deletes_old_uploads_only_and_batches_keep_their_record(tmp_path, settings, county_admin):
    from jiaoyun.exchange.models import ImportBatch
    from jiaoyun.exchange.services import import_file
    from jiaoyun.exchange.tests.helpers import csv_bytes, id_no

    settings.MEDIA_ROOT = tmp_path
    old = import_file(actor=county_admin, kind="students", upload=io.BytesIO(csv_bytes([["姓名", "身份证号"], ["甲", id_no(1, 1)]])),
                      file_name="old.csv")  # fmt: skip
    new = import_file(actor=county_admin, kind="students", upload=io.BytesIO(csv_bytes([["姓名", "身份证号"], ["乙", id_no(1, 2)]])),
                      file_name="new.csv")  # fmt: skip
    ImportBatch.objects.filter(pk=old.pk).update(created_at=timezone.now() - dt.timedelta(days=31))
    ImportBatch.objects.filter(pk=new.pk).update(created_at=timezone.now() - dt.timedelta(days=29))
    tmp = files.temporary_dir()
    stale, fresh = tmp / "hukou-stale.csv", tmp / "hukou-fresh.csv"
    stale.write_bytes(b"x")
    fresh.write_bytes(b"x")
    _age(stale, 31)
    part = tmp_path / "imports" / "upload-1.part"
    part.write_bytes(b"x")
    _age(part, 40)

    old_path = Path(old.stored_path)
    assert old_path.exists()
    assert files.uploads_purge() == 3
    old.refresh_from_db()
    new.refresh_from_db()
    assert not old_path.exists()
    assert old.stored_path == "" and "按保存期限删除" in old.message and old.status == "failed"
    assert (old.file_sha256, old.total, old.file_name) != ("", 0, "")  # the record stays
    assert Path(new.stored_path).exists() and new.status == "preview"
    assert not stale.exists() and fresh.exists() and not part.exists()
    assert len(list((tmp_path / "imports").glob("*.csv"))) == 1
    entry = AuditEntry.objects.get(object_type="core.StoredFile")
    assert entry.action == "delete" and entry.changes["removed"] == 3
    assert files.uploads_purge() == 0  # nothing left to do: no new entry
    assert AuditEntry.objects.filter(object_type="core.StoredFile").count() == 1


@pytest.mark.django_db
def test_purge_keeps_a_file_another_recent_batch_shares(tmp_path, settings, county_admin):
    from jiaoyun.exchange.models import ImportBatch
    from jiaoyun.exchange.services import import_file
    from jiaoyun.exchange.tests.helpers import csv_bytes, id_no

    settings.MEDIA_ROOT = tmp_path
    data = csv_bytes([["姓名", "身份证号"], ["甲", id_no(1, 1)]])
    first = import_file(actor=county_admin, kind="students", upload=io.BytesIO(data), file_name="a.csv")
    second = import_file(actor=county_admin, kind="students", upload=io.BytesIO(data), file_name="a.csv")
    assert first.stored_path == second.stored_path
    ImportBatch.objects.filter(pk=first.pk).update(created_at=timezone.now() - dt.timedelta(days=60))
    assert files.uploads_purge() == 0
    assert Path(second.stored_path).exists()
    first.refresh_from_db()
    assert first.stored_path == ""


@pytest.mark.django_db
def test_purge_command_and_keep_days_setting(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    settings.JIAOYUN = {**settings.JIAOYUN, "UPLOAD_KEEP_DAYS": 5}
    tmp = files.temporary_dir()
    (tmp / "a").write_bytes(b"x")
    (tmp / "b").write_bytes(b"x")
    _age(tmp / "a", 6)
    _age(tmp / "b", 4)
    out = StringIO()
    call_command("purge_uploads", stdout=out)
    assert "已删除1个超过5天" in out.getvalue()
    assert not (tmp / "a").exists() and (tmp / "b").exists()
    call_command("purge_uploads", "--days", "3", stdout=StringIO())
    assert not (tmp / "b").exists()


def test_purge_is_a_scheduled_job():
    from jiaoyun.core import schedule

    job = schedule.job_get("uploads_purge")
    assert job.calls == ("jiaoyun.core.files.uploads_purge",) and job.schedule.startswith("daily:")
