"""Two people editing the same student: the second save, made over a form loaded before the first, is refused
with "该记录已被他人修改，请刷新后重试" instead of silently overwriting the first (optimistic check on
``updated_at``, under a row lock)."""

from __future__ import annotations

import datetime as dt
import re
import threading

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.urls import reverse

from jiaoyun.core.errors import DomainError
from jiaoyun.core.models import AuditEntry
from jiaoyun.people.models import Student
from jiaoyun.people.services import student_create, student_update
from jiaoyun.people.services.students import STALE

needs_postgres = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="row locks and concurrent transactions need PostgreSQL"
)


@pytest.fixture
def child(village_a1):
    return student_create(actor=None, name="周小雨", sex="F", birth_date=dt.date(2015, 6, 1), hukou_village=village_a1)


def test_a_save_over_a_stale_version_is_refused_and_changes_nothing(child, county_admin):
    loaded = Student.objects.get(pk=child.pk)
    student_update(actor=county_admin, student=Student.objects.get(pk=child.pk), guardian_name="周大山")
    audits = AuditEntry.objects.count()
    with pytest.raises(DomainError, match=STALE):
        student_update(actor=county_admin, student=loaded, expected_updated_at=loaded.updated_at,
                       guardian_phone="13800000000")  # fmt: skip
    child.refresh_from_db()
    assert (child.guardian_name, child.guardian_phone) == ("周大山", "")
    assert AuditEntry.objects.count() == audits


def test_the_admin_form_carries_its_version_and_refuses_a_stale_save(client, child, county_admin):
    county_admin.is_staff = True
    county_admin.save()
    county_admin.user_permissions.add(*Permission.objects.filter(codename__in=["view_student", "change_student"]))
    client.force_login(county_admin)
    url = reverse("admin:people_student_change", args=[child.pk])
    page = client.get(url).content.decode()
    version = re.search(r'name="loaded_version" value="([^"]+)"', page).group(1)
    student_update(actor=county_admin, student=Student.objects.get(pk=child.pk), guardian_name="周大山")
    data = {"name": "周小雨", "sex": "F", "birth_date": "2015-06-01", "ethnicity": "01", "guardian_name": "周妈妈",
            "hukou_village": child.hukou_village_id, "disability": "", "poverty": "", "orphan": "",
            "loaded_version": version, "events-TOTAL_FORMS": 0, "events-INITIAL_FORMS": 0}  # fmt: skip
    response = client.post(url, data)
    assert response.status_code == 200
    assert STALE in str(response.context["adminform"].form.non_field_errors())
    child.refresh_from_db()
    assert child.guardian_name == "周大山"
    data["loaded_version"] = child.updated_at.isoformat()  # reloaded: now it saves
    assert client.post(url, data).status_code == 302
    child.refresh_from_db()
    assert child.guardian_name == "周妈妈"


@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_edits_of_a_student_lose_no_update(child, county_admin, township_officer):
    barrier, results = threading.Barrier(2), {}

    def edit(user, phone):
        try:
            loaded = Student.objects.get(pk=child.pk)  # both forms are loaded before either saves
            barrier.wait(timeout=10)
            student_update(actor=user, student=loaded, expected_updated_at=loaded.updated_at, guardian_phone=phone)
            results[phone] = "ok"
        except DomainError as exc:
            results[phone] = str(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=edit, args=a) for a in ((county_admin, "13800000001"),
                                                                (township_officer, "13800000002"))]  # fmt: skip
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert sorted(results.values()) == sorted(["ok", f"{STALE}"]), results
    winner = next(phone for phone, r in results.items() if r == "ok")
    child.refresh_from_db()
    assert child.guardian_phone == winner
    assert (
        AuditEntry.objects.filter(object_type="people.Student", object_id=str(child.pk), action="update").count() == 1
    )
