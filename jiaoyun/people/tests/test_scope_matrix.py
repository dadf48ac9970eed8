"""Scope isolation: every persona sees the same students through every surface — pages, admin and API.

A township officer never sees another township's pupils; a village cadre only the children of their
village; a class teacher only their class; an outsider nothing.
"""

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

EXPECTED = {
    "county_admin": {"张小明", "李小红", "王小刚"},
    # people-level data only of the schools linked to the leader (ADR 0037): this county links none to him
    "county_leader": set(),
    "township_officer": {"张小明", "李小红"},
    "principal": {"张小明", "李小红"},
    "class_teacher": {"张小明"},
    "village_cadre": {"张小明"},
    "outsider": set(),
}
ALL = {"张小明", "李小红", "王小刚"}


def via_page(client, students):
    return {s.name for s in client.get(reverse("people:students")).context["page"]}


def via_page_detail(client, students):
    return {
        s.name
        for s in students.values()
        if client.get(reverse("people:student_detail", args=[s.pk])).status_code == 200
    }


def via_api(client, students):
    return {s["name"] for s in client.get("/api/people/students").json()["items"]}


def via_api_detail(client, students):
    return {s.name for s in students.values() if client.get(f"/api/people/students/{s.pk}").status_code == 200}


def via_api_state(client, students):
    url = "/api/people/students/{}/state?on=2022-01-01"
    return {s.name for s in students.values() if client.get(url.format(s.pk)).status_code == 200}


def via_admin(client, students):
    response = client.get(reverse("admin:people_student_changelist"))
    return {s.name for s in response.context["cl"].result_list}


def via_admin_events(client, students):
    response = client.get(reverse("admin:people_enrolmentevent_changelist"))
    return {e.student.name for e in response.context["cl"].result_list}


def via_export(client, students):
    body = client.get(reverse("people:students"), {"format": "csv"}).content.decode("utf-8-sig")
    return {name for name in ALL if name in body}


SURFACES = [via_page, via_page_detail, via_export, via_api, via_api_detail, via_api_state, via_admin, via_admin_events]


@pytest.mark.parametrize("persona", list(EXPECTED))
@pytest.mark.parametrize("surface", SURFACES, ids=lambda f: f.__name__)
def test_each_persona_sees_the_same_students_on_every_surface(client, students, persona, surface, request):
    user = request.getfixturevalue(persona)
    if surface in (via_admin, via_admin_events):
        user.is_staff = True
        user.save()
        user.user_permissions.add(*Permission.objects.filter(codename__in=["view_student", "view_enrolmentevent"]))
    client.force_login(user)
    assert surface(client, students) == EXPECTED[persona]
