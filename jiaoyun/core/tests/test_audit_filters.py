"""The audit log's filters (``core.filters.AuditFilter``): the same parameters as before, and a malformed
value selects nothing instead of failing."""

import datetime as dt

import pytest
from django.utils import timezone

from jiaoyun.core.audit import audit_record
from jiaoyun.core.selectors import audit_list
from jiaoyun.core.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def auditor():
    return UserFactory(username="auditor", role="audit_admin", is_staff=True)


@pytest.fixture
def entries(county_admin):
    audit_record(actor=county_admin, action="create", object_type="schools.School", object_id="7", object_repr="甲")
    audit_record(actor=None, action="update", object_type="people.Student", object_id="42", object_repr="乙")


def ids(user, **filters):
    return sorted(e.object_id for e in audit_list(user=user, filters=filters))


def test_each_parameter_narrows_the_log(entries, auditor):
    today = timezone.localdate()
    assert ids(auditor) == ["42", "7"]
    assert ids(auditor, action="create") == ["7"]
    assert ids(auditor, object_type="people.Student") == ["42"]
    assert ids(auditor, object_id="7") == ["7"]
    assert ids(auditor, actor="county_admin") == ["7"]
    assert ids(auditor, since=today.isoformat(), until=today.isoformat()) == ["42", "7"]
    assert ids(auditor, since=(today + dt.timedelta(days=1)).isoformat()) == []
    assert ids(auditor, action="", object_type="") == ["42", "7"]  # an empty value is no filter


def test_a_malformed_value_selects_nothing(entries, auditor, client):
    assert ids(auditor, since="2021-13-45") == [] and ids(auditor, action="no-such-action") == []
    client.force_login(auditor)
    assert client.get("/audit/", {"since": "yesterday"}).status_code == 200  # no server error


def test_only_the_audit_administrator_reads_the_log(entries, county_admin):
    with pytest.raises(PermissionError):
        audit_list(user=county_admin)
