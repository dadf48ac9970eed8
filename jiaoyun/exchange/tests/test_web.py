"""Pages, API, command line and exports of the exchange module."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from python_calamine import CalamineWorkbook

from jiaoyun.core import idcard
from jiaoyun.core.models import AuditEntry
from jiaoyun.core.tests.factories import UserFactory
from jiaoyun.exchange.models import ImportBatch
from jiaoyun.exchange.services import import_file
from jiaoyun.exchange.tests.helpers import csv_bytes, id_no, upload
from jiaoyun.people.models import Student

ROWS = [["姓名", "身份证号"], ["张三", id_no(1, 1)], ["李四", id_no(1, 1)[:-1] + "0"]]


def sheet_rows(data: bytes) -> list[list]:
    book = CalamineWorkbook.from_filelike(io.BytesIO(data))
    return book.get_sheet_by_index(0).to_python()


@pytest.fixture
def admin_client(client, county_admin):
    client.force_login(county_admin)
    return client


def test_upload_preview_confirm_through_the_pages(admin_client):
    response = admin_client.post(
        reverse("exchange:upload", args=["students"]),
        {"file": SimpleUploadedFile("名册.csv", csv_bytes(ROWS))},
    )
    batch = ImportBatch.objects.get()
    assert response.status_code == 302 and response.url == reverse("exchange:batch", args=[batch.pk])
    page = admin_client.get(response.url).content.decode()
    assert "确认导入" in page and "校验码错误（末位应为" in page
    batch.refresh_from_db()
    assert (batch.status, batch.new, batch.rejected) == ("preview", 1, 1)
    response = admin_client.post(reverse("exchange:confirm", args=[batch.pk]), HTTP_HX_REQUEST="true")
    assert response.status_code == 204 and response["HX-Redirect"] == reverse("exchange:batch", args=[batch.pk])
    batch.refresh_from_db()
    assert batch.status == "imported"
    assert Student.objects.get().name == "张三"


def test_upload_errors_are_shown_on_the_batch_page(admin_client):
    response = admin_client.post(
        reverse("exchange:upload", args=["students"]),
        {"file": SimpleUploadedFile("a.csv", csv_bytes([["身份证号"], ["1"]]))},
    )
    page = admin_client.get(response.url).content.decode()
    assert "缺少必填列：姓名" in page
    assert ImportBatch.objects.get().status == "failed"


def test_large_upload_is_previewed_by_a_task_and_polled(admin_client, county_admin, settings):
    settings.JIAOYUN = {**settings.JIAOYUN, "IMPORT_ASYNC_BYTES": 10}
    response = admin_client.post(
        reverse("exchange:upload", args=["students"]), {"file": SimpleUploadedFile("a.csv", csv_bytes(ROWS))}
    )
    batch = ImportBatch.objects.get()
    assert batch.status == "processing"
    assert "正在校验文件" in admin_client.get(response.url).content.decode()
    assert admin_client.get(response.url + "?poll=1").status_code == 200  # still running: keep polling
    from jiaoyun.exchange.tasks import import_preview_task

    import_preview_task.call(batch.pk, county_admin.pk)
    poll = admin_client.get(response.url + "?poll=1")
    assert poll.status_code == 204 and poll["HX-Refresh"] == "true"
    batch.refresh_from_db()
    assert (batch.status, batch.progress, batch.new) == ("preview", 100, 1)


def test_rejected_rows_download_is_masked_for_everyone_and_audited(client, county_admin, settings):
    batch = import_file(actor=county_admin, kind="students", upload=upload(csv_bytes(ROWS)), file_name="a.csv")
    assert county_admin.can_reveal_id  # even a user who may reveal gets the masked file (row number leads back)
    client.force_login(county_admin)
    response = client.get(reverse("exchange:rejects", args=[batch.pk]))
    assert response["X-Content-Type-Options"] == "nosniff"
    rows = sheet_rows(response.content)
    assert rows[0] == ["原行号", "姓名", "身份证号", "错误原因"]
    assert rows[1][:3] == [3.0, "李四", idcard.mask(ROWS[2][1])]
    assert ROWS[2][1] not in str(rows)
    assert rows[1][3].startswith("身份证号：校验码错误")
    assert len(rows) == 2
    entries = AuditEntry.objects.filter(action="export", object_type="exchange.ImportBatch", object_id=str(batch.pk))
    assert [e.actor_name for e in entries] == [county_admin.username]
    assert all(e.changes["revealed"] is False for e in entries)
    # The superuser flag gives no business access (三员分立): roles decide.
    client.force_login(UserFactory(username="root", is_superuser=True, role="none"))
    assert client.get(reverse("exchange:rejects", args=[batch.pk])).status_code == 403


def test_rejected_rows_mask_student_numbers_too(client, county_admin):
    rows = [["姓名", "身份证号", "全国学籍号"], ["李四", id_no(1, 1)[:-1] + "0", "G" + id_no(1, 1)]]
    batch = import_file(actor=county_admin, kind="students", upload=upload(csv_bytes(rows)), file_name="a.csv")
    client.force_login(county_admin)
    got = sheet_rows(client.get(reverse("exchange:rejects", args=[batch.pk])).content)
    assert got[0][:4] == ["原行号", "姓名", "身份证号", "全国学籍号"]
    assert id_no(1, 1)[:-1] not in str(got) and got[1][3] == idcard.mask("G" + id_no(1, 1))


def test_imports_list_filters_and_query_count(admin_client, county_admin, django_assert_max_num_queries):
    for name in ("a.csv", "b.csv"):
        import_file(actor=county_admin, kind="students", upload=upload(csv_bytes(ROWS)), file_name=name)
    with django_assert_max_num_queries(8):
        page = admin_client.get(reverse("exchange:imports"), {"q": "b.csv"}).content.decode()
    assert "b.csv" in page and "a.csv" not in page


def test_only_importers_see_the_import_pages(client, principal, county_leader):
    for user in (principal, county_leader):
        client.force_login(user)
        assert client.get(reverse("exchange:imports")).status_code == 403
        assert client.get(reverse("exchange:upload", args=["students"])).status_code == 403


def test_empty_template_per_kind(admin_client):
    data = admin_client.get(reverse("exchange:template", args=["students"])).content
    rows = sheet_rows(data)
    assert "文本" in rows[0][0]  # the note above the header
    assert rows[1][:3] == ["姓名*", "身份证号", "全国学籍号"]
    assert len(rows) == 2  # no example row in the data sheet: the examples are on the guide sheet
    guide = CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_name("填写说明").to_python()
    assert guide[1][0] == "姓名" and guide[1][4] == "李小明"
    assert admin_client.get(reverse("exchange:template", args=["nonsense"])).status_code == 404


def test_export_gbk_csv_masks_ids_and_reveal_is_audited(client, county_admin, county_leader):
    import_file(actor=county_admin, kind="students", upload=upload(csv_bytes(ROWS[:2])), file_name="a.csv")
    from jiaoyun.exchange.services import import_confirm

    import_confirm(actor=county_admin, batch=ImportBatch.objects.get())
    client.force_login(county_admin)
    url = reverse("exchange:export", args=["students"])
    body = client.get(url, {"format": "csv", "encoding": "gbk"}).content.decode("gb18030")
    assert body.splitlines()[1].startswith(f"张三,{idcard.mask(ROWS[1][1])},")
    assert AuditEntry.objects.filter(action="export", changes__revealed=False).count() == 1
    full = client.get(url, {"format": "csv", "reveal": "1", "reason": "核对劝返名单"}).content.decode("utf-8-sig")
    assert f"张三,{ROWS[1][1]}," in full
    reveal = AuditEntry.objects.get(action="reveal")
    assert reveal.object_repr == "导出学生名册：1人的完整身份证号"
    assert reveal.changes["reason"] == "核对劝返名单" and "reason" not in reveal.changes["filters"]
    client.force_login(county_leader)
    assert client.get(url, {"format": "csv", "reveal": "1"}).status_code == 403


def test_api_preview_confirm_and_list(admin_client, django_assert_max_num_queries):
    response = admin_client.post(
        "/api/exchange/students/preview", {"file": SimpleUploadedFile("a.csv", csv_bytes(ROWS))}
    )
    assert response.status_code == 200, response.content
    data = response.json()
    assert (data["status"], data["new"], data["rejected"]) == ("preview", 1, 1)
    assert data["rejections"][0]["row"] == 3 and data["rejections"][0]["column"] == "身份证号"
    confirmed = admin_client.post(f"/api/exchange/batches/{data['id']}/confirm").json()
    assert confirmed["status"] == "imported"
    bad = admin_client.post("/api/exchange/students/preview", {"file": SimpleUploadedFile("e.csv", b"")})
    assert bad.status_code == 400 and bad.json()["message"] == "文件是空的（0字节）"
    for _ in range(3):  # more batches, same number of queries
        admin_client.post("/api/exchange/students/preview", {"file": SimpleUploadedFile("a.csv", csv_bytes(ROWS))})
    with django_assert_max_num_queries(7):
        listing = admin_client.get("/api/exchange/batches").json()
    assert [b["status"] for b in listing["items"]] == ["preview", "preview", "preview", "failed", "imported"]


def test_api_refuses_other_roles(client, principal):
    client.force_login(principal)
    response = client.post("/api/exchange/students/preview", {"file": SimpleUploadedFile("a.csv", csv_bytes(ROWS))})
    assert response.status_code == 403


def test_import_data_command(tmp_path, county_admin):
    path = tmp_path / "名册.csv"
    path.write_bytes(csv_bytes(ROWS))
    out = io.StringIO()
    call_command("import_data", "students", str(path), "--dry-run", stdout=out)
    assert "新增 1  更新 0  无变化 0  拒绝 1" in out.getvalue()
    assert "第3行 身份证号" in out.getvalue()
    assert Student.objects.count() == 0
    out = io.StringIO()
    call_command("import_data", "students", str(path), "--user", "county_admin", stdout=out)
    assert "已导入批次" in out.getvalue()
    assert Student.objects.count() == 1
    assert AuditEntry.objects.get(action="import").actor == county_admin


@pytest.mark.django_db(transaction=True)
def test_confirm_task_shows_progress_while_its_transaction_is_open(client, county_admin, settings, monkeypatch):
    # given a previewed roster of 12 students, written in batches of 2 rows by the background task
    settings.JIAOYUN = {**settings.JIAOYUN, "IMPORT_ASYNC_BYTES": 10, "IMPORT_BATCH_ROWS": 2}
    rows = [["姓名", "身份证号"], *[[f"学生{i}", id_no(1 + i, 1)] for i in range(12)]]
    batch = import_file(actor=county_admin, kind="students", upload=upload(csv_bytes(rows)), file_name="a.csv")
    client.force_login(county_admin)
    client.post(reverse("exchange:confirm", args=[batch.pk]))
    assert ImportBatch.objects.get().status == "confirming"
    from jiaoyun.exchange import services

    seen: list[tuple[int, str]] = []  # (progress the page shows, its progress bar) after each batch of rows
    report = services.ConfirmProgress.__call__

    def spy(self, share):
        report(self, share)
        page = client.get(reverse("exchange:batch", args=[batch.pk]) + "?poll=1", HTTP_HX_REQUEST="true")
        seen.append((services.batch_live_progress(ImportBatch.objects.get()), page.content.decode()))

    monkeypatch.setattr(services.ConfirmProgress, "__call__", spy)
    from jiaoyun.exchange.tasks import import_confirm_task

    # when the task runs (the page is polled from another request meanwhile)
    import_confirm_task.call(batch.pk, county_admin.pk)
    # then the page showed the share written so far, rising, before the end
    shares = [p for p, _ in seen]
    assert len(shares) == 6 and shares == sorted(shares) and 0 < shares[0] < shares[2] < 100
    assert f'<progress value="{shares[2]}"' in seen[2][1] and "正在写入数据库" in seen[2][1]
    batch.refresh_from_db()
    assert (batch.status, batch.progress, batch.new) == ("imported", 100, 12)
    assert not Path(f"{batch.stored_path}.progress").exists()
