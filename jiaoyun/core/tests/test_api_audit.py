"""Bulk API reads of personal data write one audit entry per request (``jiaoyun.core.api_audit``)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from jiaoyun.core import idcard
from jiaoyun.core.api_audit import NOTE
from jiaoyun.core.choices import AuditAction
from jiaoyun.core.models import AuditEntry
from jiaoyun.people.tests.fixtures import ID_A

pytestmark = pytest.mark.django_db


@pytest.fixture
def county_data(students, teacher_a, teacher_b, school_a, school_b, county_admin):
    """Something to list in every audited operation: a case, a hiring round with applications, a rotation plan
    with moves, ethics records, an import batch with rejected rows."""
    from jiaoyun.dropout.services import case_open
    from jiaoyun.exchange.models import ImportBatch, ImportRejection
    from jiaoyun.teachers.models import Application, EthicsRecord, HiringRound, RotationMove, RotationPlan

    case_open(actor=None, student=students["b"], on=dt.date(2021, 10, 8), source="school_report")
    rnd = HiringRound.objects.create(year=2026, name="2026年县管校聘", effective_date=dt.date(2026, 9, 1))
    for t, s in ((teacher_a, school_a), (teacher_b, school_b)):
        Application.objects.create(round=rnd, teacher=t, origin_school=s, subject="chinese")
    plan = RotationPlan.objects.create(year=2026, eligible_count=2, eligible_backbone=0, start_date=dt.date(2026, 9, 1))
    RotationMove.objects.create(
        plan=plan, teacher=teacher_a, from_school=school_a, to_school=school_b, subject="chinese"
    )
    RotationMove.objects.create(plan=plan, teacher=teacher_b, from_school=school_b, to_school=school_a, subject="math")
    for t in (teacher_a, teacher_b):
        EthicsRecord.objects.create(teacher=t, kind="commendation", date=dt.date(2025, 9, 10), title="优秀教师")
    batch = ImportBatch.objects.create(kind="students", file_name="名册.xlsx", file_sha256="0" * 64,
                                       created_by=county_admin)  # fmt: skip
    for row in (3, 4, 5):
        ImportRejection.objects.create(batch=batch, row=row, column="姓名", value="", reason="姓名必填")
    return {"student": students["a"], "student_b": students["b"], "round": rnd, "batch": batch}


# operation → (URL template, model label, how to count the rows in the JSON answer)
def _items(body: Any) -> int:
    return len(body["items"])


AUDITED: dict[str, tuple[str, str, Any]] = {
    "students": ("/api/people/students?sex=F", "people.Student", _items),
    "student_events": ("/api/people/students/{student}/events", "people.EnrolmentEvent", len),
    "teachers": ("/api/people/teachers", "people.Teacher", _items),
    "dropout_cases": ("/api/dropout/cases?ledger=all", "dropout.DropoutCase", _items),
    "applications": ("/api/teachers/rounds/{round}/applications", "teachers.Application", _items),
    "rotation_moves": ("/api/teachers/rotation/2026/moves", "teachers.RotationMove", _items),
    "ethics_records": ("/api/teachers/ethics/records", "teachers.EthicsRecord", _items),
    "import_rejections": ("/api/exchange/batches/{batch}", "exchange.ImportRejection",
                          lambda body: len(body["rejections"])),
}  # fmt: skip


def _url(template: str, data: dict[str, Any]) -> str:
    return template.format(**{k: getattr(v, "pk", v) for k, v in data.items()})


def _entries():
    return AuditEntry.objects.filter(action=AuditAction.EXPORT, note=NOTE)


@pytest.mark.parametrize("name", sorted(AUDITED))
def test_a_bulk_read_writes_one_entry_with_the_rows_returned(client, county_admin, county_data, name):
    template, label, count = AUDITED[name]
    client.force_login(county_admin)
    before = _entries().count()
    response = client.get(_url(template, county_data), REMOTE_ADDR="10.1.2.3")
    assert response.status_code == 200, response.content
    rows = count(response.json())
    assert rows > 0
    entries = list(_entries().order_by("pk"))[before:]
    assert len(entries) == 1
    entry = entries[0]
    assert entry.object_type == label
    assert entry.actor_id == county_admin.pk
    assert entry.changes["rows"] == rows
    assert entry.ip == "10.1.2.3"
    assert isinstance(entry.changes["filters"], dict)


def test_the_filters_and_page_are_recorded(client, county_admin, county_data):
    client.force_login(county_admin)
    client.get("/api/people/students?sex=F&page=1")
    entry = _entries().latest("pk")
    assert entry.changes["filters"] == {"sex": "F"}
    assert entry.changes["page"] == {"page": 1}
    assert entry.changes["rows"] == 1  # 李小红

    number = "G" + ID_A
    client.get("/api/people/students", {"q": number})
    assert _entries().latest("pk").changes["filters"] == {"q": "G" + idcard.mask(ID_A)}

    client.get(f"/api/people/students/{county_data['student'].pk}/events")
    assert _entries().latest("pk").changes["filters"] == {"student_id": county_data["student"].pk}


def test_the_page_counts_not_the_whole_list(client, county_admin, county_data):
    client.force_login(county_admin)
    response = client.get("/api/dropout/cases?limit=1&offset=5")
    assert response.json()["items"] == []
    assert _entries().latest("pk").changes["rows"] == 0


# Refused requests: out of the user's scope or not allowed to the role.
REFUSED = {
    "student_events_of_another_township": ("township_officer", "/api/people/students/{student_b}/events"),
    "applications_of_a_missing_round": ("county_admin", "/api/teachers/rounds/999999/applications"),
    "ethics_records_for_a_class_teacher": ("class_teacher", "/api/teachers/ethics/records"),
    "rotation_of_a_year_without_plan": ("county_admin", "/api/teachers/rotation/1999/moves"),
    "batch_of_another_user": ("principal", "/api/exchange/batches/{batch}"),
    "bad_filter": ("county_admin", "/api/people/students?status=%E2%80%A0&page=0"),
}


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_a_refused_request_writes_no_entry(client, request, county_data, name):
    persona, template = REFUSED[name]
    client.force_login(request.getfixturevalue(persona))
    before = _entries().count()
    response = client.get(_url(template, county_data))
    assert response.status_code >= 400
    assert _entries().count() == before


@pytest.mark.parametrize("url", ["/api/schools/", "/api/areas/", "/api/teachers/rounds", "/api/safety/devices"])
def test_a_list_without_personal_data_writes_no_entry(client, county_admin, county_data, url):
    client.force_login(county_admin)
    before = AuditEntry.objects.count()
    assert client.get(url).status_code == 200
    assert AuditEntry.objects.count() == before
