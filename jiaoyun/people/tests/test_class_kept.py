"""A pupil who drops out or suspends keeps the class they left, so the class teacher still sees them."""

import datetime as dt

import pytest

from jiaoyun.people.models import Student
from jiaoyun.people.selectors import student_list
from jiaoyun.people.services import enrolment_record, student_create
from jiaoyun.people.services.bulk import student_bulk_refresh

D = dt.date
pytestmark = pytest.mark.django_db


def pupil(name, school, school_class):
    s = student_create(actor=None, name=name, sex="F", birth_date=D(2015, 3, 1))
    enrolment_record(actor=None, student=s, kind="enrol", date=D(2021, 9, 1), school=school, grade=1,
                     school_class=school_class)  # fmt: skip
    return s


def leave(student, kind):
    enrolment_record(actor=None, student=student, kind=kind, date=D(2021, 11, 2), reason="测试")
    return Student.objects.get(pk=student.pk)


def cached(student):
    s = Student.objects.get(pk=student.pk)
    return s.status, s.current_class_id


def test_dropout_and_suspension_keep_the_class_other_leaving_clears_it(school_a, class_a1):
    dropped = leave(pupil("辍学生", school_a, class_a1), "drop_out")
    suspended = leave(pupil("休学生", school_a, class_a1), "suspend")
    moved = leave(pupil("转出生", school_a, class_a1), "transfer_out")
    assert cached(dropped) == ("dropped_out", class_a1.pk)
    assert cached(suspended) == ("suspended", class_a1.pk)
    assert cached(moved) == ("transferred_out", None)


def test_the_set_based_refresh_follows_the_same_rule(school_a, class_a1):
    students = [leave(pupil(n, school_a, class_a1), k) for n, k in
                (("甲", "drop_out"), ("乙", "suspend"), ("丙", "transfer_out"))]  # fmt: skip
    before = [cached(s) for s in students]
    Student.objects.filter(pk__in=[s.pk for s in students]).update(current_class=None, status="not_enrolled")
    assert student_bulk_refresh(student_ids=[s.pk for s in students]) == 3
    assert (
        [cached(s) for s in students]
        == before
        == [
            ("dropped_out", class_a1.pk),
            ("suspended", class_a1.pk),
            ("transferred_out", None),
        ]
    )


def test_the_class_teacher_still_sees_a_pupil_who_dropped_out(school_a, class_a1, class_teacher):
    dropped = leave(pupil("辍学生", school_a, class_a1), "drop_out")
    moved = leave(pupil("转出生", school_a, class_a1), "transfer_out")
    visible = set(student_list(user=class_teacher).values_list("pk", flat=True))
    assert dropped.pk in visible and moved.pk not in visible
