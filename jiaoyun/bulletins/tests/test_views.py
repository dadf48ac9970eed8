"""The pages: the 督导室 compiles and issues from the list/detail; readers see issued bulletins only; decisions,
evidence and the 数据大屏 are scoped."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from jiaoyun.bulletins import services
from jiaoyun.bulletins.models import Decision, SupervisionBulletin
from jiaoyun.bulletins.tests.conftest import APRIL_5, MARCH

pytestmark = pytest.mark.django_db


def test_compile_preview_issue_through_the_pages(client, county, township_a, township_b, supervision,
                                                 interview_everyone, monkeypatch):  # fmt: skip
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *a: APRIL_5)
    client.force_login(supervision)
    response = client.post(reverse("bulletins:list"), {"month": "2021-03"})
    bulletin = SupervisionBulletin.objects.get(month=MARCH)
    assert response.url == reverse("bulletins:detail", args=[bulletin.pk])
    page = client.get(response.url).content.decode()
    assert "草稿" in page and "甸阳镇" in page and "约谈（第2级）" in page
    client.post(reverse("bulletins:issue", args=[bulletin.pk]))
    bulletin.refresh_from_db()
    assert bulletin.is_issued
    pdf = client.get(reverse("bulletins:pdf", args=[bulletin.pk]))
    assert pdf.status_code == 200 and bytes(pdf.content) == bytes(bulletin.pdf)


def test_drafts_are_the_supervision_offices_only(
    client, county, township_a, supervision, township_officer, county_leader
):
    draft = services.bulletin_compile(actor=supervision, month=MARCH, on=APRIL_5)
    for user in (township_officer, county_leader):
        client.force_login(user)
        assert client.get(reverse("bulletins:detail", args=[draft.pk])).status_code == 404
        assert client.post(reverse("bulletins:issue", args=[draft.pk])).status_code == 404
        assert client.post(reverse("bulletins:list"), {"month": "2021-03"}).status_code == 403
    services.bulletin_issue(actor=supervision, bulletin=draft, on=APRIL_5)
    client.force_login(township_officer)
    assert client.get(reverse("bulletins:detail", args=[draft.pk])).status_code == 200


def test_decisions_and_evidence_are_scoped(client, county, township_a, township_b, supervision, township_officer,
                                           principal, interview_everyone):  # fmt: skip
    issued = services.bulletin_issue(actor=supervision, bulletin=services.bulletin_compile(
        actor=supervision, month=MARCH, on=APRIL_5), on=APRIL_5)  # fmt: skip
    mine = Decision.objects.get(bulletin=issued, township=township_a)
    other = Decision.objects.get(bulletin=issued, township=township_b)
    client.force_login(township_officer)
    listing = client.get(reverse("bulletins:decisions")).content.decode()
    assert "甸阳镇" in listing and "老麦乡" not in listing
    assert client.get(reverse("bulletins:decision", args=[other.pk])).status_code == 404
    response = client.post(reverse("bulletins:decision", args=[mine.pk]), {
        "act": "report", "note": "已整改",
        "evidence": SimpleUploadedFile("整改.pdf", b"%PDF-1.4 ok", content_type="application/pdf")})  # fmt: skip
    assert response.status_code == 302
    event = mine.events.get(action="report")
    assert client.get(reverse("bulletins:evidence", args=[event.pk])).status_code == 200
    client.force_login(principal)  # a school of the township does not follow the township's decision
    assert client.get(reverse("bulletins:evidence", args=[event.pk])).status_code == 404
    client.force_login(supervision)
    client.post(reverse("bulletins:decision", args=[mine.pk]), {"act": "verify"})
    mine.refresh_from_db()
    assert mine.state == "verified"


def test_the_screen_is_for_county_roles_and_names_nobody(client, county, township_a, county_leader, township_officer,
                                                          monkeypatch):  # fmt: skip
    client.force_login(township_officer)
    assert client.get(reverse("bulletins:screen")).status_code == 403
    client.force_login(county_leader)
    monkeypatch.setattr("jiaoyun.bulletins.selectors.township_progress", lambda *, on: None)  # no project register
    page = client.get(reverse("bulletins:screen")).content.decode()
    assert 'hx-trigger="every 60s"' in page and "暂无" in page  # projects absent: 暂无
    monkeypatch.setattr("jiaoyun.bulletins.selectors.township_progress",
                        lambda *, on: {township_a.pk: {"total": 4, "in_use": 3, "late": 1}})  # fmt: skip
    page = client.get(reverse("bulletins:screen"), headers={"HX-Request": "true"}).content.decode()
    assert "3/4" in page and "滞后1个" in page


def test_api_lists_issued_bulletins_and_scoped_decisions(client, county, township_a, township_b, supervision,
                                                        township_officer, interview_everyone):  # fmt: skip
    draft = services.bulletin_compile(actor=supervision, month=MARCH, on=APRIL_5)
    client.force_login(township_officer)
    assert client.get("/api/bulletins/").json() == []
    services.bulletin_issue(actor=supervision, bulletin=draft, on=APRIL_5)
    [b] = client.get("/api/bulletins/").json()
    assert b["number"] == "施教体督〔2021〕1号"
    assert client.get(f"/api/bulletins/{b['id']}/content").json()["sections"]
    names = [d["addressee_name"] for d in client.get("/api/bulletins/decisions").json()]
    assert names == ["甸阳镇"]
    assert dt.date.fromisoformat(client.get("/api/bulletins/decisions").json()[0]["deadline"]) > APRIL_5
