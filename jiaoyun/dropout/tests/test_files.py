"""Evidence files of cases (scoped, audited downloads; checked uploads) and the hukou roster upload.

The roster is uploaded through the exchange import of the kind ``hukou`` (preview, then confirm).
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import pytest
import xlsxwriter
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from jiaoyun.core import idcard
from jiaoyun.core.models import AuditEntry
from jiaoyun.dropout import services
from jiaoyun.dropout.models import CaseEvent, HukouRecord, ReturnAttempt
from jiaoyun.exchange.models import ImportBatch

D = dt.date
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n"
PERSONAS = ("county_admin", "township_officer", "principal", "class_teacher", "village_cadre", "outsider")


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def evidence_cases(enrolled, make_student, county_admin, village_b1):
    """Case a (child of class_a1, village_a1) and case b (child of village_b1), each with an event and an attempt file."""
    a = services.case_open(actor=county_admin, student=enrolled("甸阳学生"), on=D(2021, 10, 8))
    b = services.case_open(actor=county_admin, student=make_student("太和娃", village=village_b1), on=D(2021, 10, 8))
    out = []
    for case in (a, b):
        services.case_verify(actor=county_admin, case=case, outcome="confirmed_dropout", on=D(2021, 10, 9),
                             note="入户核实", evidence=SimpleUploadedFile("户口本.pdf", PDF, "text/html"))  # fmt: skip
        attempt = services.case_attempt_log(actor=county_admin, case=case, date=D(2021, 10, 10), people="班主任",
                                            method="home_visit", result="refused",
                                            evidence=SimpleUploadedFile("家访.pdf", PDF))  # fmt: skip
        event = CaseEvent.objects.filter(case=case).exclude(evidence="").get()
        out.append((case, event, attempt))
    return out


def test_evidence_is_stored_under_a_random_name(evidence_cases):
    (_, event, attempt), _ = evidence_cases
    for f in (event.evidence, attempt.evidence):
        assert f.name.startswith("dropout/evidence/") and "户口本" not in f.name and "家访" not in f.name
        assert f.name.endswith(".pdf")


def test_evidence_download_follows_the_case_scope_for_every_persona(client, evidence_cases, request):
    """A persona downloads a file exactly when it may open the case; the outsider never."""
    seen = {}
    for persona in PERSONAS:
        user = request.getfixturevalue(persona)
        client.force_login(user)
        for case, event, attempt in evidence_cases:
            page = client.get(reverse("dropout:case", args=[case.pk])).status_code
            for owner, record in (("event", event), ("attempt", attempt)):
                response = client.get(reverse("dropout:evidence", args=[owner, record.pk]))
                assert response.status_code == (200 if page == 200 else 404), (persona, case.student.name, owner)
                seen[(persona, case.student.name)] = response.status_code
    assert seen[("county_admin", "太和娃")] == 200 and seen[("township_officer", "甸阳学生")] == 200
    assert seen[("township_officer", "太和娃")] == 404 and seen[("village_cadre", "太和娃")] == 404
    assert seen[("class_teacher", "太和娃")] == 404 and seen[("principal", "太和娃")] == 404
    assert seen[("outsider", "甸阳学生")] == 404 and seen[("outsider", "太和娃")] == 404


def test_evidence_download_is_an_audited_attachment(client, evidence_cases, township_officer):
    (case, event, _), _ = evidence_cases
    client.force_login(township_officer)
    response = client.get(reverse("dropout:evidence", args=["event", event.pk]))
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"  # not the text/html the uploader claimed
    assert response["X-Content-Type-Options"] == "nosniff"
    assert (
        response["Content-Disposition"].startswith("attachment;")
        and "filename*=UTF-8''" in response["Content-Disposition"]
    )
    entry = AuditEntry.objects.get(action="export", note="下载佐证材料")
    assert entry.actor == township_officer and entry.object_id == str(case.pk)
    assert entry.changes == {"file": "event", "id": event.pk}


def test_unknown_owner_or_a_record_without_file_is_404(client, evidence_cases, county_admin):
    (case, _, _), _ = evidence_cases
    client.force_login(county_admin)
    bare = CaseEvent.objects.filter(case=case, evidence="").first()
    assert client.get(reverse("dropout:evidence", args=["event", bare.pk])).status_code == 404
    assert client.get(reverse("dropout:evidence", args=["document", 1])).status_code == 404
    assert not AuditEntry.objects.filter(note="下载佐证材料").exists()


def test_case_page_links_files_through_the_view(client, evidence_cases, county_admin):
    (case, event, attempt), _ = evidence_cases
    client.force_login(county_admin)
    body = client.get(reverse("dropout:case", args=[case.pk])).content.decode()
    assert reverse("dropout:evidence", args=["event", event.pk]) in body
    assert reverse("dropout:evidence", args=["attempt", attempt.pk]) in body
    assert "/media/" not in body


def test_an_html_evidence_upload_is_refused_and_nothing_is_written(client, enrolled, county_admin):
    case = services.case_open(actor=county_admin, student=enrolled("上传生"), on=D(2021, 10, 8))
    services.case_verify(actor=county_admin, case=case, outcome="confirmed_dropout", on=D(2021, 10, 9))
    client.force_login(county_admin)
    before = CaseEvent.objects.count()
    response = client.post(
        reverse("dropout:case_action", args=[case.pk, "attempt"]),
        {"date": "2021-10-10", "people": "班主任", "method": "home_visit", "result": "refused",
         "evidence": SimpleUploadedFile("照片.html", b"<html><script>alert(1)</script></html>", "image/jpeg")},
        follow=True,
    )  # fmt: skip
    body = response.content.decode()
    assert response.status_code == 200 and "类型不支持" in body and "佐证材料" in body
    assert CaseEvent.objects.count() == before and not ReturnAttempt.objects.filter(case=case).exists()
    with pytest.raises(Exception, match="内容与扩展名"):
        services.case_attempt_log(actor=county_admin, case=case, date=D(2021, 10, 10), people="班主任",
                                  method="home_visit", result="refused",
                                  evidence=SimpleUploadedFile("证明.pdf", b"<html>%PDF-1.4</html>"))  # fmt: skip


def test_oversize_evidence_is_refused(enrolled, county_admin, settings):
    settings.JIAOYUN = {**settings.JIAOYUN, "UPLOAD_MAX_BYTES": 1024 * 1024}
    case = services.case_open(actor=county_admin, student=enrolled("大文件"), on=D(2021, 10, 8))
    big = SimpleUploadedFile("扫描.pdf", PDF + b"0" * (2 * 1024 * 1024))
    with pytest.raises(Exception, match="超过上限1 MB"):
        services.case_verify(actor=county_admin, case=case, outcome="out_of_province", on=D(2021, 10, 9),
                             note="外省就读", evidence=big)  # fmt: skip
    case.refresh_from_db()
    assert case.status == "pending"


# -- hukou roster upload --------------------------------------------------------------------------

HEADER = "姓名,性别,出生日期,身份证号,户籍村（社区）代码,村民小组,户主,脱贫户/监测户\n"


def post_roster(client, name, data):
    return client.post(reverse("exchange:upload", args=["hukou"]), {"file": SimpleUploadedFile(name, data)})


def confirm_roster(client, response):
    """Confirm the previewed batch the upload redirected to."""
    assert response.status_code == 302, response.content.decode()[:500]
    batch = ImportBatch.objects.get(pk=int(response["Location"].rstrip("/").rsplit("/", 1)[1]))
    assert batch.status == "preview" and batch.rejected == 0, batch.message
    assert client.post(reverse("exchange:confirm", args=[batch.pk])).status_code == 302
    batch.refresh_from_db()
    assert batch.status == "imported"


def roster_page(client, response):
    """The page that tells why a roster was not taken: the upload form (400) or the batch preview it redirected to."""
    if response.status_code == 302:
        response = client.get(response["Location"])
        assert response.status_code == 200
    else:
        assert response.status_code in (400, 413)
    return response.content.decode()


def test_roster_upload_streams_a_csv_and_an_xlsx(client, county_admin, village_a1):
    number = idcard.make("530521", D(2013, 4, 4), 17)
    client.force_login(county_admin)
    data = (HEADER + f"李花,女,2013-04-04,{number},{village_a1.code},二组,李大,监测户\n").encode("gbk")
    confirm_roster(client, post_roster(client, "名册.csv", data))
    buf = io.BytesIO()
    book = xlsxwriter.Workbook(buf, {"in_memory": True})
    sheet = book.add_worksheet()
    sheet.write_row(0, 0, ["户籍名册（2021年秋季）"])  # a title row above the header
    sheet.write_row(1, 0, HEADER.strip().split(","))
    sheet.write_row(2, 0, ["王草", "男", "2014-02-02", "", int(village_a1.code), "三组", "王大", ""])
    book.close()
    confirm_roster(client, post_roster(client, "名册.xlsx", buf.getvalue()))
    assert set(HukouRecord.objects.values_list("name", flat=True)) == {"李花", "王草"}
    assert HukouRecord.objects.get(name="李花").poverty == "monitored"


def _zip_bomb() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("xl/workbook.xml", "<workbook/>")
        with zf.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as fh:
            for _ in range(20):
                fh.write(b"\x00" * (1 << 20))
    return buf.getvalue()


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        # the exchange reader takes the format from the bytes (this is text) and finds no header in it
        ("名册.xlsx", b"this is not a spreadsheet at all", "未找到表头行"),
        ("名册.pdf", PDF, "类型不支持"),
        ("名册.csv", HEADER.encode("utf-16"), "UTF-16"),
        ("名册.csv", (HEADER + "张三,男,2014-01-01,,1,,,\n").encode("utf-8") + b"\xff\xfe\xfa,\n", "编码"),
        ("名册.csv", "姓名,性别,出生日期\n张三,男,2014-01-01\n".encode(), "缺少必填列：户籍村（社区）代码"),
        ("名册.csv", "甲,乙\n1,2\n".encode(), "未找到表头行"),
        # the preview lists the rejected row: row 3, column 出生日期
        (
            "名册.csv",
            (HEADER + "张三,男,2014-01-01,,{v},,,\n李四,男,2014-13-01,,{v},,,\n").encode(),
            "<td>3</td><td>出生日期</td>",
        ),
        ("名册.xlsx", b"PK\x03\x04" + b"\x00" * 100, "不符|已损坏"),
        ("名册.xlsx", "bomb", "压缩比异常"),
        ("名册.csv", b"", "请选择|空"),
    ],
)
def test_malformed_roster_gets_a_page_with_the_reason_not_a_server_error(
    client, county_admin, village_a1, name, data, message
):
    if data == "bomb":
        data = _zip_bomb()
    elif isinstance(data, bytes) and b"{v}" in data:
        data = data.replace(b"{v}", village_a1.code.encode())
    client.force_login(county_admin)
    body = roster_page(client, post_roster(client, name, data))
    import re

    assert re.search(message, body), body[body.find("<h1>") : body.find("<h1>") + 1500]
    assert not HukouRecord.objects.exists()


def test_oversize_roster_is_refused(client, county_admin, settings):
    settings.JIAOYUN = {**settings.JIAOYUN, "IMPORT_MAX_BYTES": 1024 * 1024}
    client.force_login(county_admin)
    body = roster_page(client, post_roster(client, "名册.csv", HEADER.encode() + b"x" * (2 * 1024 * 1024)))
    assert "1 MB" in body or "1MB" in body, body
    assert not HukouRecord.objects.exists()


def test_only_the_county_uploads_a_roster(client, township_officer):
    client.force_login(township_officer)
    assert post_roster(client, "名册.csv", HEADER.encode()).status_code == 403
