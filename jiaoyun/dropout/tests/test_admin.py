"""The admin pages of dropout cases, responsible persons and import batches: filtered by the user's scope like the
pages, and writing only through the services (audited)."""

import datetime as dt

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from jiaoyun.core.models import AuditEntry
from jiaoyun.dropout import services
from jiaoyun.dropout.models import ResponsiblePerson
from jiaoyun.exchange.models import ImportBatch

D = dt.date


def staff(user, *codenames):
    user.is_staff = True
    user.save()
    user.user_permissions.add(*Permission.objects.filter(codename__in=codenames))
    return user


PERMS = ("view_dropoutcase", "view_responsibleperson", "add_responsibleperson", "change_responsibleperson",
         "delete_responsibleperson", "view_importbatch", "delete_importbatch", "view_bulletin")  # fmt: skip


@pytest.fixture
def cases(make_student, county_admin, village_b1):
    a = services.case_open(actor=county_admin, student=make_student("甲镇儿童"), on=D(2021, 10, 8))
    b = services.case_open(actor=county_admin, student=make_student("乙乡儿童", village=village_b1), on=D(2021, 10, 8))
    return a, b


def test_a_township_user_sees_only_their_townships_cases(client, township_officer, cases):
    a, b = cases
    client.force_login(staff(township_officer, *PERMS))
    response = client.get(reverse("admin:dropout_dropoutcase_changelist"))
    assert response.status_code == 200
    assert [c.pk for c in response.context["cl"].result_list] == [a.pk]
    assert client.get(reverse("admin:dropout_dropoutcase_change", args=[b.pk])).status_code == 302  # not found
    assert "乙乡儿童" not in client.get(reverse("admin:dropout_dropoutcase_change", args=[a.pk])).content.decode()


def test_the_county_sees_every_case(client, county_admin, cases):
    client.force_login(staff(county_admin, *PERMS))
    response = client.get(reverse("admin:dropout_dropoutcase_changelist"))
    assert {c.pk for c in response.context["cl"].result_list} == {c.pk for c in cases}


def test_responsible_persons_are_scoped(client, township_officer, village_cadre, responsibles, village_b1):
    other = ResponsiblePerson.objects.create(line="admin", level=3, name="外乡村主任", area=village_b1)
    client.force_login(staff(township_officer, *PERMS))
    listed = {
        p.name for p in client.get(reverse("admin:dropout_responsibleperson_changelist")).context["cl"].result_list
    }
    assert "外乡村主任" not in listed and "县长甲" not in listed and "局长戊" not in listed
    assert {"镇长乙", "村主任丙", "校长己", "班主任庚"} <= listed
    assert client.get(reverse("admin:dropout_responsibleperson_change", args=[other.pk])).status_code == 302


def test_an_admin_change_of_a_responsible_person_goes_through_the_service(client, township_officer, responsibles):
    person = next(p for p in responsibles if p.name == "村主任丙")
    client.force_login(staff(township_officer, *PERMS))
    url = reverse("admin:dropout_responsibleperson_change", args=[person.pk])
    response = client.post(url, {"name": "村主任丙", "post": "村委会主任", "phone": "13800000000", "user": person.user_id,
                                 "is_active": ""})  # fmt: skip
    assert response.status_code == 302, response.context["adminform"].form.errors
    person.refresh_from_db()
    assert person.phone == "13800000000" and not person.is_active
    entry = AuditEntry.objects.get(action="update", object_type="dropout.ResponsiblePerson", object_id=str(person.pk))
    assert entry.actor == township_officer and entry.changes["phone"] == ["", "13800000000"]
    # the place is not editable here (a new person is named for another place)
    assert person.level == 3 and person.area.name == "甸阳社区"


def test_an_admin_add_of_a_responsible_person_goes_through_the_service(
    client, township_officer, village_a2, village_b1
):
    client.force_login(staff(township_officer, *PERMS))
    url = reverse("admin:dropout_responsibleperson_add")
    ok = client.post(url, {"line": "admin", "level": 3, "name": "新村主任", "area": village_a2.pk, "is_active": "on"})
    assert ok.status_code == 302
    person = ResponsiblePerson.objects.get(name="新村主任")
    assert AuditEntry.objects.filter(action="create", object_type="dropout.ResponsiblePerson",
                                     object_id=str(person.pk)).exists()  # fmt: skip
    # the service refuses a place outside the scope; the form shows why, nothing is written
    refused = client.post(url, {"line": "admin", "level": 3, "name": "越权村主任", "area": village_b1.pk,
                                "is_active": "on"})  # fmt: skip
    assert refused.status_code == 200
    assert not ResponsiblePerson.objects.filter(name="越权村主任").exists()


def test_responsible_persons_are_never_deleted_in_the_admin(client, county_admin, responsibles):
    client.force_login(staff(county_admin, *PERMS))
    person = responsibles[0]
    assert client.post(reverse("admin:dropout_responsibleperson_delete", args=[person.pk]), {"post": "yes"}
                       ).status_code == 403  # fmt: skip
    assert ResponsiblePerson.objects.filter(pk=person.pk).exists()


def test_import_batches_are_shown_only_to_data_managers_and_never_deleted(client, county_admin, township_officer):
    batch = ImportBatch.objects.create(kind="students", file_name="学籍.xlsx", file_sha256="0" * 64)
    client.force_login(staff(township_officer, *PERMS))
    response = client.get(reverse("admin:exchange_importbatch_changelist"))
    assert response.status_code == 200 and list(response.context["cl"].result_list) == []
    assert client.get(reverse("admin:exchange_importbatch_change", args=[batch.pk])).status_code == 302
    client.force_login(staff(county_admin, *PERMS))
    response = client.get(reverse("admin:exchange_importbatch_changelist"))
    assert [b.pk for b in response.context["cl"].result_list] == [batch.pk]
    assert client.post(reverse("admin:exchange_importbatch_delete", args=[batch.pk]), {"post": "yes"}
                       ).status_code == 403  # fmt: skip
    assert ImportBatch.objects.filter(pk=batch.pk).exists()
