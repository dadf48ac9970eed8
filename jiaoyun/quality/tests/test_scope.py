"""The student role: a student sees their own record and nothing else (no list, no other pupil)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from jiaoyun.core.choices import Role, ScopeLevel
from jiaoyun.core.scope import class_q, school_q, scope_for, student_q, teacher_q
from jiaoyun.core.tests.factories import UserFactory
from jiaoyun.people.models import Student, Teacher
from jiaoyun.quality import selectors as sel
from jiaoyun.quality.models import Portfolio
from jiaoyun.schools.models import School, SchoolClass


def test_a_student_scope_is_their_own_record_only(student_user, pupil, classmate, senior_school, senior_class):
    s = scope_for(student_user)
    assert (s.level, s.student_id) == (ScopeLevel.STUDENT, pupil.pk)
    assert list(Student.objects.filter(student_q(student_user))) == [pupil]
    assert not School.objects.filter(school_q(student_user)).exists()
    assert not SchoolClass.objects.filter(class_q(student_user)).exists()
    assert not Teacher.objects.filter(teacher_q(student_user)).exists()


def test_a_student_login_without_a_link_sees_nothing(pupil):
    orphan = UserFactory(role=Role.STUDENT)
    assert scope_for(orphan).level == ScopeLevel.NONE
    assert not Student.objects.filter(student_q(orphan)).exists()


def test_a_student_reads_only_their_own_portfolio(client, student_user, pupil, classmate, term):
    own = Portfolio.objects.create(student=pupil, term=term, school_id=pupil.current_school_id,
                                   school_class_id=pupil.current_class_id)  # fmt: skip
    other = Portfolio.objects.create(student=classmate, term=term, school_id=classmate.current_school_id,
                                     school_class_id=classmate.current_class_id)  # fmt: skip
    assert list(sel.portfolios(student_user)) == [own]
    client.force_login(student_user)
    page = client.get(reverse("quality:evaluation")).content.decode()
    assert "杨小梅" in page and "李小兰" not in page
    assert client.get(reverse("quality:portfolio", args=[other.pk])).status_code == 404
    assert client.get(reverse("quality:portfolio", args=[own.pk])).status_code == 200
    api = client.get("/api/quality/portfolios").json()["items"]
    assert [p["student"] for p in api] == ["杨小梅"]


@pytest.mark.parametrize("name", ["people:students", "schools:list", "quality:certificates", "quality:competitions"])
def test_a_student_is_shown_no_list(client, student_user, classmate, name):
    client.force_login(student_user)
    response = client.get(reverse(name))
    assert "李小兰" not in response.content.decode()
    if name.startswith("quality:"):
        assert response.status_code == 403


def test_the_student_menu_is_their_own_page(client, student_user):
    client.force_login(student_user)
    links = [link["url"] for s in client.get("/").context["nav_sections"] for link in s["links"]]
    assert links == [reverse("quality:evaluation")]
