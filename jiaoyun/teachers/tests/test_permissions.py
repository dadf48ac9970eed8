"""The superuser flag grants nothing in the teachers module: a check looks at role, section and school only."""

from __future__ import annotations

import datetime as dt

import pytest

from jiaoyun.core.choices import Role, Section
from jiaoyun.core.errors import PermissionDenied
from jiaoyun.core.tests.factories import UserFactory
from jiaoyun.teachers.permissions import can_view_ethics, is_personnel, is_principal_of, may_see_rounds
from jiaoyun.teachers.services import round_advance, round_create


@pytest.mark.parametrize("role", [Role.NONE, Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN])
def test_a_superuser_without_a_business_role_may_do_nothing(db, role, school_a):
    superuser = UserFactory(role=role, is_superuser=True, is_staff=True)
    assert not is_personnel(superuser)
    assert not can_view_ethics(superuser)
    assert not may_see_rounds(superuser)
    assert not is_principal_of(superuser, school_a.pk)


def test_the_superuser_flag_adds_nothing_to_a_role(db, school_a, school_b):
    basic = UserFactory(role=Role.BUREAU_STAFF, section=Section.BASIC, is_superuser=True)
    assert not is_personnel(basic)
    principal = UserFactory(role=Role.PRINCIPAL, school=school_b, is_superuser=True)
    assert not is_principal_of(principal, school_a.pk)
    assert is_principal_of(principal, school_b.pk)


def test_a_superuser_cannot_drive_a_round_or_open_the_ethics_pages(client, personnel):
    rnd = round_create(actor=personnel, year=2026, name="2026年县管校聘", effective_date=dt.date(2026, 9, 1))
    superuser = UserFactory(role=Role.NONE, is_superuser=True, is_staff=True)
    with pytest.raises(PermissionDenied, match="仅县教育局人事股可执行此操作"):
        round_advance(actor=superuser, round=rnd)
    client.force_login(superuser)
    assert client.get("/teachers/ethics/").status_code == 404
    assert client.post(f"/teachers/rounds/{rnd.pk}/action/", {"action": "advance"}).status_code == 403
    rnd.refresh_from_db()
    assert rnd.status == "draft"
