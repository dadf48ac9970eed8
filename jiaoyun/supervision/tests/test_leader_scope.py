"""A county leader reads county figures, but people-level data only of the schools linked to him (挂钩联系)."""

import datetime as dt

import pytest
from django.urls import reverse

from jiaoyun.core.scope import people_school_q, school_q, scope_for, student_q, teacher_q
from jiaoyun.dropout.models import DropoutCase
from jiaoyun.dropout.permissions import case_q
from jiaoyun.people.models import Student, Teacher
from jiaoyun.people.tests.factories import StudentFactory, TeacherFactory
from jiaoyun.schools.models import School
from jiaoyun.supervision.models import Link
from jiaoyun.teachers.models import RotationMove, RotationPlan
from jiaoyun.teachers.selectors import rotation_move_q

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(school_a, school_b):
    return {
        "a": StudentFactory(name="张小明", current_school=school_a),
        "b": StudentFactory(name="王小刚", current_school=school_b),
        "ta": TeacherFactory(name="赵老师", school=school_a),
        "tb": TeacherFactory(name="钱老师", school=school_b),
    }


def _link(leader, school, active=True):
    return Link.objects.create(
        school=school, leader=leader, person="李副县长", since=dt.date(2021, 2, 20), active=active
    )


def test_a_leader_without_links_sees_no_person_but_every_school(county_leader, people, school_a, school_b):
    s = scope_for(county_leader)
    assert s.is_county and not s.sees_all_people and s.linked_school_ids == ()
    assert not Student.objects.filter(student_q(county_leader)).exists()
    assert not Teacher.objects.filter(teacher_q(county_leader)).exists()
    # county figures: every school and area stays visible (aggregates stay county-wide)
    assert set(School.objects.filter(school_q(county_leader))) == {school_a, school_b}


def test_a_leader_sees_the_people_of_the_linked_schools_only(county_leader, people, school_a, school_b):
    _link(county_leader, school_a)
    _link(county_leader, school_b, active=False)  # an ended link gives nothing
    assert list(Student.objects.filter(student_q(county_leader))) == [people["a"]]
    assert list(Teacher.objects.filter(teacher_q(county_leader))) == [people["ta"]]
    assert list(School.objects.filter(people_school_q(county_leader))) == [school_a]


def test_the_bureau_still_sees_everyone(county_admin, people):
    assert scope_for(county_admin).sees_all_people
    assert Student.objects.filter(student_q(county_admin)).count() == 2


def test_a_leader_sees_the_cases_of_the_linked_schools_even_when_the_child_has_left(
    county_leader, people, school_a, school_b, township_a, township_b
):
    _link(county_leader, school_a)
    left = StudentFactory(name="李小红", current_school=None)
    mine = DropoutCase.objects.create(student=left, kind="dropout", township=township_a, school=school_a,
                                      detected_on=dt.date(2021, 10, 8))  # fmt: skip
    other = DropoutCase.objects.create(student=people["b"], kind="dropout", township=township_b, school=school_b,
                                       detected_on=dt.date(2021, 10, 8))  # fmt: skip
    seen = set(DropoutCase.objects.filter(case_q(county_leader)))
    assert mine in seen and other not in seen


def test_draft_rotation_names_follow_the_linked_schools(county_leader, people, school_a, school_b):
    plan = RotationPlan.objects.create(
        year=2021, eligible_count=2, eligible_backbone=0, start_date=dt.date(2021, 9, 1)
    )  # a draft (拟定)
    into_a = RotationMove.objects.create(plan=plan, teacher=people["tb"], from_school=school_b, to_school=school_a,
                                         subject="chinese")  # fmt: skip
    other = TeacherFactory(name="孙老师", school=school_b)
    elsewhere = RotationMove.objects.create(plan=plan, teacher=other, from_school=school_b,
                                            to_school=school_b, subject="math")  # fmt: skip
    assert not RotationMove.objects.filter(rotation_move_q(county_leader)).exists()
    _link(county_leader, school_a)
    assert set(RotationMove.objects.filter(rotation_move_q(county_leader))) == {into_a}
    assert elsewhere.pk not in RotationMove.objects.filter(rotation_move_q(county_leader)).values_list("pk", flat=True)


def test_the_student_page_follows_the_links(client, county_leader, people, school_a):
    _link(county_leader, school_a)
    client.force_login(county_leader)
    assert client.get(reverse("people:student_detail", args=[people["a"].pk])).status_code == 200
    assert client.get(reverse("people:student_detail", args=[people["b"].pk])).status_code == 404


def test_the_leaders_dropout_figures_stay_county_wide(county_leader, people, school_a, school_b, township_b):
    from jiaoyun.dropout.selectors import current_dropouts_count
    from jiaoyun.dropout.selectors.dashboard import dashboard

    _link(county_leader, school_a)
    DropoutCase.objects.create(student=people["b"], kind="dropout", status="verified", township=township_b,
                               verified_on=dt.date(2021, 10, 9), outcome="confirmed_dropout",
                               school=school_b, detected_on=dt.date(2021, 10, 8))  # fmt: skip
    assert current_dropouts_count(user=county_leader) == 1  # a figure: the county's
    assert dashboard(user=county_leader)["cards"]["still_out"] == 1
    assert not DropoutCase.objects.filter(case_q(county_leader)).exists()  # the case itself: not his school
