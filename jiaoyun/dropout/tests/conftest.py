"""Fixtures for the 控辍保学 tests: a hand-built county roster on top of the shared personas.

As of 2021-11-15 (school year 2021, cut-off 2021-08-31, compulsory ages 6–15 → born 2005-09-01…2015-08-31).
"""

from __future__ import annotations

import datetime as dt

import pytest

from jiaoyun.core import idcard
from jiaoyun.dropout.choices import Line
from jiaoyun.dropout.models import ResponsiblePerson
from jiaoyun.people.services import enrolment_record
from jiaoyun.people.tests.factories import StudentFactory

AS_OF = dt.date(2021, 11, 15)


@pytest.fixture
def as_of():
    return AS_OF


@pytest.fixture
def make_student(db, village_a1):
    counter = {"n": 0}

    def make(name, *, village=None, birth=dt.date(2013, 3, 1), sex="M", with_id=True, **fields):
        counter["n"] += 1
        number = idcard.make("530521", birth, 100 + counter["n"] * 2 + (1 if sex == "M" else 0)) if with_id else None
        return StudentFactory(
            name=name, sex=sex, birth_date=birth, hukou_village=village or village_a1, id_number=number, **fields
        )

    return make


@pytest.fixture
def enrolled(make_student, school_a, class_a1):
    """A factory of students enrolled in class_a1 (grade 1 of school_a, 2021) on 2021-09-01."""

    def make(name, **kwargs):
        student = make_student(name, birth=kwargs.pop("birth", dt.date(2015, 3, 1)), **kwargs)
        enrolment_record(
            actor=None,
            student=student,
            kind="enrol",
            date=dt.date(2021, 9, 1),
            school=school_a,
            grade=1,
            school_class=class_a1,
        )
        student.refresh_from_db()
        return student

    return make


@pytest.fixture
def responsibles(county, township_a, village_a1, school_a, class_a1, class_teacher, village_cadre):
    """Both lines, all four levels, for township_a / village_a1 / school_a / class_a1."""
    people = [
        ResponsiblePerson(line=Line.ADMIN, level=1, name="县长甲", area=county),
        ResponsiblePerson(line=Line.ADMIN, level=2, name="镇长乙", area=township_a),
        ResponsiblePerson(line=Line.ADMIN, level=3, name="村主任丙", area=village_a1, user=village_cadre),
        ResponsiblePerson(line=Line.ADMIN, level=4, name="组长丁", area=village_a1, group_name="一组"),
        ResponsiblePerson(line=Line.EDUCATION, level=1, name="局长戊", post="局长"),
        ResponsiblePerson(line=Line.EDUCATION, level=2, name="校长己", school=school_a),
        ResponsiblePerson(line=Line.EDUCATION, level=3, name="班主任庚", school=school_a, school_class=class_a1,
                          user=class_teacher),
        ResponsiblePerson(line=Line.EDUCATION, level=4, name="教师辛", school=school_a, school_class=class_a1),
    ]  # fmt: skip
    return ResponsiblePerson.objects.bulk_create(people)


@pytest.fixture
def township_gov(township_a):
    """An officer of 甸阳镇人民政府 (government line): may issue the legal acts for its township."""
    from jiaoyun.core.tests.factories import UserFactory

    return UserFactory(username="township_gov", role="township_gov", area=township_a)


@pytest.fixture
def township_gov_b(township_b):
    from jiaoyun.core.tests.factories import UserFactory

    return UserFactory(username="township_gov_b", role="township_gov", area=township_b)
