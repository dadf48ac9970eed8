"""A senior school of township A with one class of 高二, two pupils, their class teacher, principal and a student
login; a 中职 school with two majors; the current evaluation term."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from jiaoyun.core.choices import Role
from jiaoyun.core.schoolyear import SchoolYear
from jiaoyun.core.tests.factories import UserFactory
from jiaoyun.people.services import enrolment_record, student_create
from jiaoyun.quality.models import EvaluationTerm, StudentAccount
from jiaoyun.schools.tests.factories import SchoolClassFactory, SchoolFactory


def today() -> dt.date:
    return timezone.localdate()


def enrol(name: str, school, grade: int, klass=None, birth: dt.date = dt.date(2009, 3, 1)):  # type: ignore[no-untyped-def]
    student = student_create(actor=None, name=name, sex="F", birth_date=birth)
    start = SchoolYear.of(today()).start
    enrolment_record(actor=None, student=student, kind="enrol", date=start, school=school, grade=grade,
                     school_class=klass)  # fmt: skip
    student.refresh_from_db()
    return student


@pytest.fixture
def year() -> int:
    return SchoolYear.of(today()).start_year


@pytest.fixture
def senior_school(township_a):
    return SchoolFactory(code="2153000101", name="施甸县第一完全中学", kind="senior", township=township_a)


@pytest.fixture
def senior_class(senior_school, year):
    return SchoolClassFactory(school=senior_school, school_year=year, grade=11, number=1, name="高二（1）班")


@pytest.fixture
def pupil(senior_school, senior_class):
    return enrol("杨小梅", senior_school, 11, senior_class)


@pytest.fixture
def classmate(senior_school, senior_class):
    return enrol("李小兰", senior_school, 11, senior_class)


@pytest.fixture
def student_user(pupil):
    user = UserFactory(username="student", role=Role.STUDENT, display_name="杨小梅")
    StudentAccount.objects.create(user=user, student=pupil)
    return user


@pytest.fixture
def senior_teacher(senior_school, senior_class):
    user = UserFactory(username="senior_teacher", role=Role.CLASS_TEACHER, school=senior_school)
    user.classes.add(senior_class)
    return user


@pytest.fixture
def senior_principal(senior_school):
    return UserFactory(username="senior_principal", role=Role.PRINCIPAL, school=senior_school)


@pytest.fixture
def term(year):
    d = today()
    return EvaluationTerm.objects.create(
        school_year=year, term=1, starts=d - dt.timedelta(days=60), ends=d + dt.timedelta(days=60),
        record_deadline=d + dt.timedelta(days=10), select_deadline=d + dt.timedelta(days=20),
        confirm_deadline=d + dt.timedelta(days=40),
    )  # fmt: skip
