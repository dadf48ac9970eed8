"""Students and teachers in the small test county, made through the services (so state caches are right).

student_a  ─ township A: hukou village_a1, in school_a grade 1 class_a1 since 2021-09-01
student_a2 ─ township A: hukou village_a2, in school_a grade 1 (no class)
student_b  ─ township B: hukou village_b1, in school_b grade 1
"""

from __future__ import annotations

import datetime as dt

import pytest

from jiaoyun.core import idcard
from jiaoyun.people.services import enrolment_record, student_create, teacher_create

ENROL_DAY = dt.date(2021, 9, 1)
BIRTH = dt.date(2015, 3, 1)
ID_A = idcard.make("530521", BIRTH, 13)  # odd order code: male


@pytest.fixture
def student_a(school_a, class_a1, village_a1):
    s = student_create(actor=None, id_number=ID_A, name="张小明", hukou_village=village_a1)
    enrolment_record(
        actor=None, student=s, kind="enrol", date=ENROL_DAY, school=school_a, grade=1, school_class=class_a1
    )
    s.refresh_from_db()
    return s


@pytest.fixture
def student_a2(school_a, village_a2):
    s = student_create(actor=None, name="李小红", sex="F", birth_date=BIRTH, hukou_village=village_a2)
    enrolment_record(actor=None, student=s, kind="enrol", date=ENROL_DAY, school=school_a, grade=1)
    s.refresh_from_db()
    return s


@pytest.fixture
def student_b(school_b, village_b1):
    s = student_create(actor=None, id_number=idcard.make("530521", BIRTH, 21), name="王小刚", hukou_village=village_b1)
    enrolment_record(actor=None, student=s, kind="enrol", date=ENROL_DAY, school=school_b, grade=1)
    s.refresh_from_db()
    return s


@pytest.fixture
def students(student_a, student_a2, student_b):
    return {"a": student_a, "a2": student_a2, "b": student_b}


@pytest.fixture
def teacher_a(school_a):
    return teacher_create(
        actor=None,
        name="赵老师",
        sex="F",
        birth_date=dt.date(1985, 5, 1),
        school=school_a,
        hire_date=dt.date(2008, 9, 1),
        main_subject="chinese",
        id_number=idcard.make("530521", dt.date(1985, 5, 1), 22),
    )


@pytest.fixture
def teacher_b(school_b):
    return teacher_create(
        actor=None,
        name="钱老师",
        sex="M",
        birth_date=dt.date(1980, 1, 2),
        school=school_b,
        hire_date=dt.date(2002, 9, 1),
        main_subject="math",
    )
