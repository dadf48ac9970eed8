"""A user's data scope is read once per request (``ScopeCacheMiddleware``), and never outlives the request: it is
never another user's, never the previous request's, never another thread's, and a change of assignment within the
request is read afresh (ADR 0046)."""

from __future__ import annotations

import re
import threading

import pytest
from django.db import connection
from django.http import HttpResponse
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from jiaoyun.core import scope as scope_module
from jiaoyun.core.choices import Role, ScopeLevel
from jiaoyun.core.middleware import ScopeCacheMiddleware
from jiaoyun.core.scope import scope_for, scopes_cached
from jiaoyun.core.tests.factories import UserFactory
from jiaoyun.people.models import Student
from jiaoyun.schools.tests.factories import SchoolClassFactory


@pytest.fixture
def two_classes(school_a):
    """Two classes of one school, each with its class teacher and one pupil."""
    out = []
    for n in (1, 2):
        klass = SchoolClassFactory(school=school_a, school_year=2022, grade=2, number=n)
        teacher = UserFactory(username=f"teacher{n}", role=Role.CLASS_TEACHER, school=school_a)
        teacher.classes.add(klass)
        Student.objects.create(name=f"班{n}学生", sex="M", birth_date="2015-03-01", status="in_school",
                               current_school=school_a, current_class=klass, current_grade=2)  # fmt: skip
        out.append((teacher, klass))
    return out


def _through_request(user, view):
    """Run ``view(request)`` behind the middleware, as one request of ``user``."""
    request = RequestFactory().get("/")
    request.user = user
    return ScopeCacheMiddleware(view)(request)


def test_two_users_in_one_request_get_each_their_own_scope(two_classes):
    (t1, k1), (t2, k2) = two_classes
    with scopes_cached():
        first, second, again = scope_for(t1), scope_for(t2), scope_for(t1)
    assert first.class_ids == (k1.pk,)
    assert second.class_ids == (k2.pk,)
    assert again == first


def test_the_next_request_reads_the_scope_again(two_classes):
    """The same user, two requests: a class taken away between them (behind the ORM's back, no signal) is gone
    in the second request: nothing was kept from the first."""
    (t1, k1), _ = two_classes
    seen = []

    def view(request):
        seen.append(scope_for(request.user))
        return HttpResponse()

    _through_request(t1, view)
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM core_user_classes WHERE user_id = %s", [t1.pk])
    _through_request(t1, view)
    assert seen[0].class_ids == (k1.pk,)
    assert seen[1].class_ids == ()
    assert scope_module._request_scopes.get() is None  # nothing is left once the request is over


def test_a_second_user_in_the_next_request_never_gets_the_first_users_scope(two_classes):
    (t1, k1), (t2, k2) = two_classes
    seen = {}

    def view(request):
        seen[request.user.pk] = scope_for(request.user)
        return HttpResponse()

    _through_request(t1, view)
    _through_request(t2, view)
    assert seen[t1.pk].class_ids == (k1.pk,)
    assert seen[t2.pk].class_ids == (k2.pk,)


def test_the_scope_is_read_once_per_request(two_classes):
    (t1, _k1), _ = two_classes

    def view(request):
        with CaptureQueriesContext(connection) as queries:
            for _ in range(5):
                scope_for(request.user)
        return HttpResponse(str(len(queries)))

    assert _through_request(t1, view).content == b"1"  # the user's classes, once


def test_a_change_of_assignment_within_the_request_is_read_afresh(two_classes, school_b):
    (t1, k1), (_t2, k2) = two_classes
    with scopes_cached():
        assert scope_for(t1).class_ids == (k1.pk,)
        t1.classes.add(k2)  # a many-to-many change
        assert scope_for(t1).class_ids == tuple(sorted((k1.pk, k2.pk)))
        t1.school = school_b  # a change of the user's own fields (the key), before it is even saved
        assert scope_for(t1).school_id == school_b.pk
        t1.role = Role.VILLAGE_CADRE
        assert scope_for(t1).level == ScopeLevel.NONE  # a village cadre with no village
        t1.is_active = False
        assert scope_for(t1).level == ScopeLevel.NONE


def test_any_write_within_the_request_empties_the_cache(principal, school_b):
    """Rows other than the user's (a school's township, a leader's linked schools…) may carry the scope: any save
    empties the request's cache."""
    with scopes_cached():
        assert scope_for(principal).township_id == principal.school.township_id
        school = principal.school
        school.township = school_b.township
        school.save()
        principal.school = school  # the in-memory relation, as a fresh read of the user would give
        assert scope_for(principal).township_id == school_b.township_id


def test_another_thread_shares_no_cache(two_classes):
    (t1, k1), (t2, k2) = two_classes
    other = {}

    def elsewhere():
        other["cache"] = scope_module._request_scopes.get()

    with scopes_cached():
        scope_for(t1)
        thread = threading.Thread(target=elsewhere)
        thread.start()
        thread.join()
    assert other["cache"] is None


def test_pages_of_two_class_teachers_in_turn_show_each_their_own_pupils(client, two_classes):
    (t1, _), (t2, _) = two_classes
    names = {}
    for user in (t1, t2, t1):
        client.force_login(user)
        html = client.get(reverse("people:students")).content.decode()
        names.setdefault(user.username, []).append(set(re.findall(r"班\d学生", html)))
    assert names["teacher1"] == [{"班1学生"}, {"班1学生"}]
    assert names["teacher2"] == [{"班2学生"}]


def test_a_township_sees_the_same_students_by_its_members_ids_within_a_request(
    township_a, township_b, village_a1, village_b1, school_a, school_b
):
    """Within a request the township's students are found by the ids of its schools and villages (the students' own
    indexed columns, no joins); outside one by the joins. Both give the same students: at a school of the township,
    with hukou or residence in one of its villages, and none of another township's."""
    from jiaoyun.core.scope import student_q

    officer = UserFactory(role=Role.TOWNSHIP_OFFICER, area=township_a)

    def pupil(name, **where):
        return Student.objects.create(name=name, sex="F", birth_date="2014-05-01", status="in_school", **where)

    pupil("本乡学校", current_school=school_a, hukou_village=village_b1)
    pupil("本乡户籍", current_school=school_b, hukou_village=village_a1)
    pupil("本乡居住", current_school=school_b, hukou_village=village_b1, residence_village=village_a1)
    pupil("本乡户籍无校", hukou_village=village_a1)
    pupil("外乡", current_school=school_b, hukou_village=village_b1, residence_village=village_b1)
    pupil("无地址")
    joined = sorted(Student.objects.filter(student_q(officer)).values_list("name", flat=True))
    assert joined == sorted(["本乡学校", "本乡户籍", "本乡居住", "本乡户籍无校"])
    with scopes_cached(), CaptureQueriesContext(connection) as queries:
        by_ids = sorted(Student.objects.filter(student_q(officer)).values_list("name", flat=True))
        again = sorted(Student.objects.filter(student_q(officer, prefix="")).values_list("name", flat=True))
    assert by_ids == joined == again
    students = [q["sql"] for q in queries if "people_student" in q["sql"]]
    assert len(students) == 2 and all("JOIN" not in sql for sql in students)
    assert len(queries) == 3  # the township's members once, then each read of the students


def test_a_school_and_a_county_leader_see_the_same_people_by_the_schools_ids_within_a_request(
    principal, school_a, school_b, township_a
):
    """Within a request a school's students and staff are found by the ids of the school and its branches (校区), a
    county leader's by those of the linked schools and their branches; outside one by the join to the school. Both
    give the same people."""
    from jiaoyun.core.scope import student_q, teacher_q
    from jiaoyun.people.models import Teacher
    from jiaoyun.people.tests.factories import TeacherFactory
    from jiaoyun.schools.tests.factories import SchoolFactory

    branch = SchoolFactory(code="2153000091", name="甸阳镇中心小学分校", township=township_a, parent=school_a)
    for where, school in (("本校", school_a), ("分校", branch), ("他校", school_b)):
        Student.objects.create(name=where, sex="M", birth_date="2015-03-01", status="in_school", current_school=school)
        TeacherFactory(name=f"{where}教师", school=school)
    Student.objects.create(name="无校", sex="M", birth_date="2015-03-01", status="in_school")
    leader = UserFactory(role=Role.COUNTY_LEADER)
    scope_module.register_linked_schools(lambda user_id: [school_a.pk] if user_id == leader.pk else [])
    try:
        for user in (principal, leader):
            joined = (
                sorted(Student.objects.filter(student_q(user)).values_list("name", flat=True)),
                sorted(Teacher.objects.filter(teacher_q(user)).values_list("name", flat=True)),
            )
            assert joined == (["分校", "本校"], ["分校教师", "本校教师"])
            with scopes_cached(), CaptureQueriesContext(connection) as queries:
                by_ids = (
                    sorted(Student.objects.filter(student_q(user)).values_list("name", flat=True)),
                    sorted(Teacher.objects.filter(teacher_q(user)).values_list("name", flat=True)),
                )
            assert by_ids == joined
            people = [q["sql"] for q in queries if "people_student" in q["sql"] or "people_teacher" in q["sql"]]
            assert len(people) == 2 and all("JOIN" not in sql for sql in people)
    finally:
        from jiaoyun.supervision.selectors import linked_school_ids

        scope_module.register_linked_schools(linked_school_ids)
