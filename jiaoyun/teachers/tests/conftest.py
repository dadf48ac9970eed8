from __future__ import annotations

import datetime as dt

import pytest

from jiaoyun.core.tests.factories import UserFactory
from jiaoyun.people.models import Student, TeacherAssignment
from jiaoyun.people.tests.factories import TeacherFactory
from jiaoyun.schools.models import SchoolClass


@pytest.fixture
def personnel(county):
    return UserFactory(username="personnel", role="bureau_staff", section="personnel")


@pytest.fixture
def basic_staff(county):
    return UserFactory(username="basic_staff", role="bureau_staff", section="basic")


@pytest.fixture
def principal_b(school_b):
    return UserFactory(username="principal_b", role="principal", school=school_b)


def add_students(school, grades: dict[int, int], year: int = 2026) -> None:
    """``grades``: grade → number of in-school students."""
    rows = []
    for grade, n in grades.items():
        rows += [
            Student(
                name=f"生{school.pk}-{grade}-{i}",
                sex="M",
                birth_date=dt.date(year - 6 - grade, 3, 1),
                status="in_school",
                current_school=school,
                current_grade=grade,
            )
            for i in range(n)
        ]
    Student.objects.bulk_create(rows)


def add_classes(school, grades: dict[int, int], year: int = 2026) -> None:
    SchoolClass.objects.bulk_create(
        [
            SchoolClass(school=school, school_year=year, grade=grade, number=i + 1)
            for grade, n in grades.items()
            for i in range(n)
        ]
    )


def make_teacher(school, **kw):
    teacher = TeacherFactory(school=school, **kw)
    TeacherAssignment.objects.create(
        teacher=teacher, school=school, start=teacher.school_since or dt.date(2010, 9, 1), kind="initial"
    )
    return teacher
