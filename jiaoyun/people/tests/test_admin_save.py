"""Saving a student or a teacher in the admin goes through the service, on the row read through the selector."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from jiaoyun.core.models import AuditEntry

pytestmark = pytest.mark.django_db


def _admin_user(user, model: str):
    user.is_staff = True
    user.save()
    codes = [f"view_{model}", f"change_{model}", "view_teacherassignment", "view_enrolmentevent"]
    user.user_permissions.add(*Permission.objects.filter(codename__in=codes, content_type__app_label="people"))
    return user


def _posted(response) -> dict:
    form = response.context["adminform"].form
    data = {k: form.fields[k].prepare_value(v) for k, v in form.initial.items() if k in form.fields}
    data = {k: ("" if v is None else v) for k, v in data.items()}
    for inline in response.context["inline_admin_formsets"]:
        management = inline.formset.management_form
        data.update({management.add_prefix(k): v for k, v in management.initial.items()})
    return {k: (v.pk if hasattr(v, "pk") else v) for k, v in data.items() if v is not False}


def test_a_teacher_is_changed_in_the_admin_through_the_service(client, county_admin, teacher_a):
    client.force_login(_admin_user(county_admin, "teacher"))
    url = reverse("admin:people_teacher_change", args=[teacher_a.pk])
    data = _posted(client.get(url))
    data["name"] = "赵老师（改）"
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    teacher_a.refresh_from_db()
    assert teacher_a.name == "赵老师（改）"
    update = AuditEntry.objects.filter(action="update", object_type="people.Teacher").latest("id")
    assert update.changes["name"] == ["赵老师", "赵老师（改）"]


def test_a_student_is_changed_in_the_admin_through_the_service(client, county_admin, student_a2):
    client.force_login(_admin_user(county_admin, "student"))
    url = reverse("admin:people_student_change", args=[student_a2.pk])
    data = _posted(client.get(url))
    data["guardian_name"] = "李大山"
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    student_a2.refresh_from_db()
    assert student_a2.guardian_name == "李大山"
    update = AuditEntry.objects.filter(action="update", object_type="people.Student").latest("id")
    assert update.changes["guardian_name"] == ["", "李大山"]
