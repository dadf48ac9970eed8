"""class_update: the one path a class is changed by (the admin calls it), checked like a new class and audited."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from jiaoyun.core.errors import DomainError
from jiaoyun.core.models import AuditEntry
from jiaoyun.schools.models import SchoolClass
from jiaoyun.schools.services import class_create, class_update

pytestmark = pytest.mark.django_db


def test_class_update_checks_the_grade_and_audits_only_what_changed(county_admin, school_a):
    klass = class_create(actor=county_admin, school=school_a, school_year=2021, grade=1, number=1)
    with pytest.raises(DomainError, match="甸阳镇中心小学（小学）不设七年级"):
        class_update(actor=county_admin, klass=klass, grade=7)
    klass = SchoolClass.objects.get(pk=klass.pk)
    with CaptureQueriesContext(connection) as queries:
        class_update(actor=county_admin, klass=klass, name="一（1）班", number=1)
    [update] = [q["sql"] for q in queries.captured_queries if q["sql"].startswith('UPDATE "schools_schoolclass"')]
    assert '"name"' in update and '"grade"' not in update  # only the changed column is written
    entry = AuditEntry.objects.filter(action="update", object_id=str(klass.pk)).get()
    assert entry.changes == {"name": ["", "一（1）班"]}
    assert SchoolClass.objects.get(pk=klass.pk).name == "一（1）班"


def test_class_update_with_nothing_changed_writes_nothing(county_admin, school_a):
    klass = class_create(actor=county_admin, school=school_a, school_year=2021, grade=1, number=1)
    with CaptureQueriesContext(connection) as queries:
        class_update(actor=county_admin, klass=klass, number=1)
    assert not [q for q in queries.captured_queries if q["sql"].startswith(("UPDATE", "INSERT"))]
    assert not AuditEntry.objects.filter(action="update").exists()


def test_class_update_refuses_fields_it_does_not_own(county_admin, school_a):
    klass = class_create(actor=county_admin, school=school_a, school_year=2021, grade=1, number=1)
    with pytest.raises(DomainError, match="未知字段：id"):
        class_update(actor=county_admin, klass=klass, id=99)
