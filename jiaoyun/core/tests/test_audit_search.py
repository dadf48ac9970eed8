"""Searching the audit log by a child's name or ID number and by a staff member's name (``person``/``actor``
of ``core.filters.AuditFilter``): one set-based query on indexed columns, never a scan of ``changes``."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from jiaoyun.core.audit import audit_record
from jiaoyun.core.models import AuditEntry
from jiaoyun.core.selectors import audit_list
from jiaoyun.core.tests.factories import UserFactory
from jiaoyun.people.tests.fixtures import ID_A, student_a, student_a2, teacher_a  # noqa: F401

pytestmark = pytest.mark.django_db


@pytest.fixture
def auditor(county):
    return UserFactory(username="auditor", role="audit_admin", is_staff=True)


@pytest.fixture
def admin(county):
    return UserFactory(username="wangjg", display_name="王建国", role="county_admin")


@pytest.fixture
def log(admin, principal, student_a, student_a2, teacher_a):  # noqa: F811
    """Hand-built entries: about 张小明 (the student, one of his enrolment events, a deleted look-alike with
    the same name), about 李小红, about the teacher 赵老师; by 王建国 and by the principal."""
    event = student_a.events.first()
    made = {
        "reveal_a": audit_record(actor=admin, action="reveal", obj=student_a, changes={"field": "id_number"}),
        "event_a": audit_record(actor=principal, action="update", obj=event, changes={"reason": ["", "转学"]}),
        "gone": audit_record(
            actor=principal, action="delete", object_type="people.Student", object_id="999999", object_repr="张小明"
        ),  # fmt: skip
        "update_a2": audit_record(
            actor=principal, action="update", obj=student_a2, changes={"guardian_name": ["", "李四"]}
        ),
        "teacher": audit_record(actor=admin, action="update", obj=teacher_a, changes={"title": ["none", "senior"]}),
    }
    return made


def found(user, **filters) -> set[int]:
    return set(audit_list(user=user, filters=filters).values_list("pk", flat=True))


def test_a_child_is_found_by_full_name(auditor, log, student_a):  # noqa: F811
    hits = found(auditor, person="张小明")
    assert {log["reveal_a"].pk, log["event_a"].pk, log["gone"].pk} <= hits
    assert log["update_a2"].pk not in hits and log["teacher"].pk not in hits
    assert all(
        e.object_type in ("people.Student", "people.EnrolmentEvent") for e in AuditEntry.objects.filter(pk__in=hits)
    )
    other = found(auditor, person="李小红")
    assert log["update_a2"].pk in other and not other & hits


def test_a_child_is_found_by_id_number_through_its_digest(auditor, log):
    by_id = found(auditor, person=ID_A)
    assert {log["reveal_a"].pk, log["event_a"].pk} <= by_id
    assert log["gone"].pk not in by_id  # an ID number is matched by digest only, never by the recorded text
    assert found(auditor, person=f" {ID_A.lower()} ") == by_id
    assert found(auditor, person=ID_A[:-1] + ("0" if ID_A[-1] != "0" else "1")) == set()  # another number


def test_a_teacher_is_found_by_name(auditor, log):
    assert log["teacher"].pk in found(auditor, person="赵老师")


def test_a_staff_member_is_found_by_name_or_account(auditor, log, admin):
    by_name = found(auditor, actor="王建国")
    assert (
        by_name
        == found(auditor, actor="wangjg")
        == set(AuditEntry.objects.filter(actor=admin).values_list("pk", flat=True))
    )
    assert {log["reveal_a"].pk, log["teacher"].pk} <= by_name and log["event_a"].pk not in by_name
    assert found(auditor, actor="王建国", person="张小明") == {log["reveal_a"].pk}


def test_an_unknown_person_finds_nothing(auditor, log):
    assert found(auditor, person="无此人") == set() and found(auditor, actor="无此人") == set()


def test_the_search_is_one_query_and_reads_no_json(auditor, log):
    with CaptureQueriesContext(connection) as ctx:
        list(audit_list(user=auditor, filters={"person": ID_A, "actor": "王建国"}))
    [query] = ctx.captured_queries
    assert '"changes"' not in query["sql"].split("WHERE", 1)[1]


def test_the_page_searches(client, auditor, log):
    client.force_login(auditor)
    body = client.get("/audit/", {"person": "张小明"}).content.decode()
    assert "查看了 学生 张*明 的完整身份证号" in body and "李*红" not in body


@pytest.mark.parametrize("filters", [{"person": "张小明"}, {"person": ID_A}, {"actor": "王建国"}])
def test_the_search_uses_the_indexes(auditor, log, filters):
    """SQLite's plan shows whether the audit table is scanned (PostgreSQL picks by table size, which tests
    cannot make realistic)."""
    if connection.vendor != "sqlite":
        pytest.skip("query plan checked on SQLite")
    plan = audit_list(user=auditor, filters=filters).explain()
    assert "core_auditentry USING INDEX" in plan and "SCAN core_auditentry" not in plan, plan
