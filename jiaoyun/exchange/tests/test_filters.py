"""The import records list: one FilterSet behind the page and the API (same names, same meaning)."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from jiaoyun.core.choices import Role, Section
from jiaoyun.core.errors import DomainError
from jiaoyun.core.tests.factories import UserFactory
from jiaoyun.exchange.models import ImportBatch
from jiaoyun.exchange.services import import_file, import_preview, import_upload
from jiaoyun.exchange.tests.helpers import csv_bytes, id_no, upload

ROWS = [["姓名", "身份证号"], ["张三", id_no(1, 1)]]


@pytest.fixture
def bureau_basic(county):
    return UserFactory(username="bureau_basic", role=Role.BUREAU_STAFF, section=Section.BASIC)


@pytest.fixture
def batches(county_admin, bureau_basic):
    good = import_file(actor=county_admin, kind="students", upload=upload(csv_bytes(ROWS)), file_name="名册甲.csv")
    empty = import_upload(actor=bureau_basic, kind="teachers", upload=upload(csv_bytes(ROWS[:1])), file_name="乙.csv")
    with pytest.raises(DomainError):  # only a header: the batch fails
        import_preview(actor=bureau_basic, batch=empty)
    return good, empty


def _page_ids(client, params):
    page = client.get(reverse("exchange:imports"), params)
    assert page.status_code == 200
    return sorted(b.pk for b in page.context["page"])


def _api_ids(client, params):
    response = client.get("/api/exchange/batches", params)
    assert response.status_code == 200, response.content
    return sorted(b["id"] for b in response.json()["items"])


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, ["good", "empty"]),
        ({"kind": "students"}, ["good"]),
        ({"kind": "nosuchkind"}, []),
        ({"status": "failed"}, ["empty"]),
        ({"status": "preview", "kind": "teachers"}, []),
        ({"status": "nosuchstatus"}, []),  # an unknown choice: an empty list, not the whole list
        ({"status": ""}, ["good", "empty"]),  # an empty value: no filter
        ({"q": "名册"}, ["good"]),
        ({"q": "  "}, ["good", "empty"]),
    ],
)
def test_page_and_api_filter_alike(client, county_admin, batches, params, expected):
    good, empty = batches
    want = sorted({"good": good.pk, "empty": empty.pk}[name] for name in expected)
    client.force_login(county_admin)
    assert _page_ids(client, params) == want
    assert _api_ids(client, params) == want


def test_q_finds_the_uploader_and_the_hash(client, county_admin, bureau_basic, batches):
    good, empty = batches
    client.force_login(county_admin)
    assert _page_ids(client, {"q": bureau_basic.username}) == [empty.pk]
    assert _api_ids(client, {"q": good.file_sha256[:12]}) == sorted(
        b.pk for b in ImportBatch.objects.filter(file_sha256=good.file_sha256)
    )


def test_mine_keeps_the_requesting_users_uploads(client, county_admin, batches):
    good, _ = batches
    client.force_login(county_admin)
    assert _page_ids(client, {"mine": "1"}) == [good.pk]


def test_an_upload_without_a_file_is_refused_by_its_form(client, county_admin, media_root):
    client.force_login(county_admin)
    response = client.post(reverse("exchange:upload", args=["students"]), {})
    assert response.status_code == 400 and "请选择要上传的文件" in response.content.decode()
    empty = client.post(reverse("exchange:upload", args=["students"]), {"file": SimpleUploadedFile("a.csv", b"")})
    batch = ImportBatch.objects.get()  # an empty file is stored and previewed: the batch says why it failed
    assert empty.status_code == 302 and batch.message == "文件是空的（0字节）"


def test_the_export_holds_the_filtered_list(client, county_admin, batches):
    import csv
    import io

    from jiaoyun.core.models import AuditEntry

    good, _ = batches
    client.force_login(county_admin)
    response = client.get(reverse("exchange:imports"), {"kind": "students", "format": "csv"})
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["编号", "数据类型", "文件名"] and [r[:3] for r in rows[1:]] == [
        [str(good.pk), "学生名册", "名册甲.csv"]
    ]
    assert not AuditEntry.objects.filter(action="export", object_type="exchange.ImportBatch").exists()  # not personal
