"""Each bureau section imports the formats of its own work (``Kind.importers``); the county administrator all."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from jiaoyun.core.choices import Role, Section
from jiaoyun.core.tests.factories import UserFactory
from jiaoyun.exchange.models import ImportBatch
from jiaoyun.exchange.permissions import can_import, can_import_kind, kinds_for
from jiaoyun.exchange.tests.helpers import csv_bytes, id_no

pytestmark = pytest.mark.django_db


@pytest.fixture
def finance(county):
    return UserFactory(username="finance", role=Role.BUREAU_STAFF, section=Section.FINANCE)


@pytest.fixture
def basic(county):
    return UserFactory(username="basic", role=Role.BUREAU_STAFF, section=Section.BASIC)


def test_the_finance_section_imports_projects_payments_and_finance_figures_only(finance, basic, county_admin):
    assert kinds_for(finance) == {"projects", "project_payments", "finance_years"}
    assert can_import(finance) and can_import_kind(finance, "projects") and not can_import_kind(finance, "students")
    assert "students" in kinds_for(basic) and "projects" not in kinds_for(basic)
    assert kinds_for(county_admin) is None  # every format
    safety = UserFactory(username="safety", role=Role.BUREAU_STAFF, section=Section.SAFETY)
    assert not can_import(safety)
    finance.read_only = True
    assert not can_import(finance)


def test_a_section_cannot_upload_another_sections_format_nor_see_its_batches(client, finance, basic):
    client.force_login(basic)
    rows = [["姓名", "身份证号"], ["张三", id_no(1, 1)]]
    client.post(
        reverse("exchange:upload", args=["students"]), {"file": SimpleUploadedFile("名册.csv", csv_bytes(rows))}
    )
    batch = ImportBatch.objects.get()
    client.force_login(finance)
    page = client.get(reverse("exchange:imports"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "建设项目" in html and "名册.csv" not in html
    upload = SimpleUploadedFile("名册.csv", csv_bytes(rows))
    assert client.post(reverse("exchange:upload", args=["students"]), {"file": upload}).status_code == 404
    assert client.get(reverse("exchange:batch", args=[batch.pk])).status_code == 404
    assert ImportBatch.objects.count() == 1
