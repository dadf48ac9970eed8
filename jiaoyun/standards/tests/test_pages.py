"""The pages: who sees what, the what-if writes nothing, the reports render, the gap list links to projects."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from jiaoyun.core.models import AuditEntry
from jiaoyun.reports.pdf import pdf_text
from jiaoyun.standards import services
from jiaoyun.standards.models import SchoolResources
from jiaoyun.standards.tests.conftest import resources


@pytest.fixture
def county_data(school_a, school_b):
    resources(school_a, pupils=400)
    resources(school_b, pupils=200, pe_art_teachers=Decimal("0.8"), books=200 * 12)


def test_balance_page_for_the_supervision_section(client, supervision, county_data):
    client.force_login(supervision)
    html = client.get(reverse("standards:balance") + "?year=2025").content.decode()
    assert "老麦乡中心小学" in html and "甸阳镇中心小学" in html
    assert "体艺教师低于标准的85%" in html  # 0.4 per 100 = 44 % of 0.9
    assert 'data-testid="report-pdf"' in html and 'data-testid="sync"' in html


def test_principal_sees_only_their_school_and_no_county_tools(client, principal, county_data):
    client.force_login(principal)
    html = client.get(reverse("standards:balance") + "?year=2025").content.decode()
    assert "甸阳镇中心小学" in html and "老麦乡中心小学" not in html
    assert 'data-testid="report-pdf"' not in html
    assert client.get(reverse("standards:whatif")).status_code == 403
    assert client.get(reverse("standards:report_pdf")).status_code == 403
    school_b = SchoolResources.objects.get(school__name="老麦乡中心小学").school_id
    assert client.get(reverse("standards:school", args=[school_b])).status_code == 404


def test_class_teacher_is_refused(client, class_teacher, county_data):
    client.force_login(class_teacher)
    assert client.get(reverse("standards:balance")).status_code == 403


def test_whatif_changes_nothing_and_shows_new_values(client, county_leader, county_data, school_b):
    client.force_login(county_leader)
    before = list(SchoolResources.objects.values())
    audits = AuditEntry.objects.count()
    url = reverse("standards:whatif") + f"?year=2025&target={school_b.pk}:primary&pe_art=3&sports_area=800&plan=1"
    html = client.get(url).content.decode()
    assert list(SchoolResources.objects.values()) == before and AuditEntry.objects.count() == audits
    # 0.8 + 3 = 3.8 teachers for 200 pupils → 1.90 per 100
    assert "1.90" in html and 'data-testid="plan-primary"' in html


def test_self_assessment_pdf_and_excel(client, supervision, county_data):
    client.force_login(supervision)
    response = client.get(reverse("standards:report_pdf") + "?year=2025")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = "".join(pdf_text(response.content).split())
    assert "优质均衡发展自评报告" in text and "老麦乡中心小学" in text
    response = client.get(reverse("standards:balance") + "?year=2025&format=xlsx")
    assert response.status_code == 200 and "spreadsheetml" in response["Content-Type"]
    assert AuditEntry.objects.filter(action="export", object_type="standards.SchoolResources").count() == 2


def test_compliance_gap_list_links_to_a_facilities_project(client, supervision, county_data, monkeypatch):
    client.force_login(supervision)
    html = client.get(reverse("standards:compliance") + "?year=2025&only=gaps").content.decode()
    assert "生均图书12.00册/生，低于标准20册/生" in html
    assert "甸阳镇中心小学" not in html  # compliant, filtered out
    # With the facilities project form installed (contract: facilities:project_new with GET prefill), each gap
    # links to it with the school, the project kind and the gap as the note.
    from jiaoyun.standards import views

    real = views.reverse
    monkeypatch.setattr(views, "reverse", lambda name, *a, **k: "/facilities/projects/new/"
                        if name == "facilities:project_new" else real(name, *a, **k))  # fmt: skip
    html = client.get(reverse("standards:compliance") + "?year=2025&only=gaps").content.decode()
    school_b = SchoolResources.objects.get(school__name="老麦乡中心小学").school_id
    assert f"/facilities/projects/new/?school={school_b}&amp;kind=weak_improve&amp;level=primary&amp;note=" in html


def test_standards_are_edited_by_the_sections_only(client, supervision, county_leader, county_data):
    from jiaoyun.standards.models import ConditionStandard

    books = ConditionStandard.objects.get(code="books", part="primary")
    client.force_login(county_leader)
    client.post(reverse("standards:compliance"), {"standard": books.pk, "value": "10", "is_active": "on"})
    books.refresh_from_db()
    assert books.value == 20
    client.force_login(supervision)
    client.post(reverse("standards:compliance"), {"standard": books.pk, "value": "10", "is_active": "on"})
    books.refresh_from_db()
    assert books.value == 10


def test_demonstration_pages(client, supervision, principal, school_a):
    app = services.application_create(actor=supervision, school_id=school_a.pk, year=2026)
    client.force_login(principal)
    html = client.get(reverse("standards:demonstration") + "?year=2026").content.decode()
    assert "甸阳镇中心小学" in html
    html = client.get(reverse("standards:demonstration_detail", args=[app.pk])).content.decode()
    assert "对照标准自评" in html and "培育对象" in html
    client.post(reverse("standards:demonstration_detail", args=[app.pk]), {"action": "county_pass"})
    app.refresh_from_db()
    assert app.status == "candidate"


def test_checklist_evidence_through_the_protected_path(client, supervision, principal, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from jiaoyun.standards.models import CheckItem

    settings.MEDIA_ROOT = tmp_path
    item = CheckItem.objects.get(group="quality", number=1)
    client.force_login(supervision)
    upload = SimpleUploadedFile("巩固率测算表.pdf", b"%PDF-1.4 figures", content_type="application/pdf")
    client.post(reverse("standards:checklist"),
                {"item": item.pk, "year": 2025, "status": "met", "value": "96.1%", "files": upload})  # fmt: skip
    evidence = item.results.get(year=2025).evidence.get()
    assert evidence.name == "巩固率测算表.pdf" and "巩固率" not in evidence.file.name  # stored under a random name
    response = client.get(reverse("standards:evidence", args=[evidence.pk]))
    assert response.status_code == 200 and response["Content-Disposition"].startswith("attachment")
    client.force_login(principal)  # the county's self-assessment files are county material
    assert client.get(reverse("standards:evidence", args=[evidence.pk])).status_code == 404
    bad = SimpleUploadedFile("x.pdf", b"<html>not a pdf", content_type="application/pdf")
    client.force_login(supervision)
    client.post(reverse("standards:checklist"), {"item": item.pk, "year": 2025, "status": "met", "files": bad})
    assert item.results.get(year=2025).evidence.count() == 1
