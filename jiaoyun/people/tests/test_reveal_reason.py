"""Revealing a full ID number or 全国学籍号 asks why: the page offers the reasons, the service refuses an empty
one in Chinese, and the reason is kept in the audit entry (docs/security/audit-reading.md)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from jiaoyun.core.errors import DomainError
from jiaoyun.core.models import AuditEntry
from jiaoyun.people.services import student_reveal_id, teacher_reveal_id
from jiaoyun.people.tests.fixtures import ID_A, student_a, teacher_a  # noqa: F401

pytestmark = pytest.mark.django_db


def reveals() -> int:
    return AuditEntry.objects.filter(action="reveal").count()


@pytest.mark.parametrize("reason", ["", "   "])
def test_the_service_refuses_a_reveal_without_a_reason(principal, student_a, reason):  # noqa: F811
    with pytest.raises(DomainError, match="须说明原因") as refused:
        student_reveal_id(actor=principal, student=student_a, reason=reason)
    assert refused.value.field == "reason" and reveals() == 0


def test_a_teacher_reveal_needs_a_reason_too(county_admin, teacher_a):  # noqa: F811
    with pytest.raises(DomainError, match="须说明原因"):
        teacher_reveal_id(actor=county_admin, teacher=teacher_a, reason="")
    assert reveals() == 0


def test_the_page_refuses_without_a_reason_and_asks_again(client, principal, student_a):  # noqa: F811
    client.force_login(principal)
    url = reverse("people:student_reveal_id", args=[student_a.pk])
    plain = client.post(url)
    assert plain.status_code == 400 and ID_A not in plain.content.decode()
    shown = client.post(url, {"reason_kind": ""}, HTTP_HX_REQUEST="true").content.decode()
    assert "须说明原因" in shown and 'name="reason_kind"' in shown and ID_A not in shown
    other = client.post(url, {"reason_kind": "其他"}, HTTP_HX_REQUEST="true").content.decode()
    assert "须说明原因" in other and ID_A not in other  # "其他" needs its words
    assert reveals() == 0


@pytest.mark.parametrize(
    ("data", "stored"),
    [
        ({"reason_kind": "劝返工作"}, "劝返工作"),
        ({"reason_kind": "劝返工作", "reason": "核对劝返名单"}, "劝返工作：核对劝返名单"),
        ({"reason_kind": "其他", "reason": "家长来电核实"}, "其他：家长来电核实"),
        ({"reason": "接口调用：学籍核查"}, "接口调用：学籍核查"),  # a client posting the reason alone
    ],
)
def test_the_reason_is_stored_in_the_audit_entry(client, principal, student_a, data, stored):  # noqa: F811
    client.force_login(principal)
    response = client.post(reverse("people:student_reveal_id", args=[student_a.pk]), data, HTTP_HX_REQUEST="true")
    assert ID_A in response.content.decode()
    entry = AuditEntry.objects.get(action="reveal")
    assert entry.note == stored and entry.changes == {"field": "id_number", "reason": stored}


def test_the_detail_page_offers_the_reasons_only_to_who_may_reveal(client, principal, class_teacher, student_a):  # noqa: F811
    url = reverse("people:student_detail", args=[student_a.pk])
    client.force_login(principal)
    page = client.get(url).content.decode()
    assert "查看原因" in page and "劝返工作" in page and "数据更正" in page
    client.force_login(class_teacher)
    own_pupil = client.get(url)
    assert own_pupil.status_code == 200 and "查看原因" not in own_pupil.content.decode()
