"""A tiny registry for the 辍学预警 tests (features checked by hand) and helpers to write 学籍 histories."""

from __future__ import annotations

import datetime as dt

import pytest

from jiaoyun.people.models import EnrolmentEvent, Student
from jiaoyun.people.services.chain import events_link
from jiaoyun.people.tests.factories import StudentFactory

D = dt.date


def history(student: Student, *events: tuple[str, dt.date, object, int | None]) -> Student:
    """Write ``(kind, date, school, grade)`` events for ``student``, link the chain and refresh the cached state."""
    for seq, (kind, date, school, grade) in enumerate(events):
        EnrolmentEvent.objects.create(student=student, kind=kind, date=date, seq=seq, school=school, grade=grade)
    events_link(student_ids=[student.pk])
    last = events[-1]
    from jiaoyun.people.choices import EVENT_STATUS

    Student.objects.filter(pk=student.pk).update(
        status=EVENT_STATUS[last[0]], current_school=last[2], current_grade=last[3]
    )
    student.refresh_from_db()
    return student


@pytest.fixture
def registry(school_a, school_a_junior, school_b, village_a1, village_a2, class_a1):
    """P1 repeater, over-age, absences, poor, left behind, drops out in March 2025; P2 first year of junior school
    whose older sibling P3 dropped out in 2021; P4 moved from school_b to school_a this year with a low result;
    P5 dropped out before the snapshot; P6 back from 休学. Snapshot 1 October 2024."""
    from jiaoyun.dropout.models import Absence
    from jiaoyun.warning.models import TermResult

    p1 = StudentFactory(
        name="甲",
        birth_date=D(2012, 3, 1),
        poverty="monitored",
        left_behind=True,
        hukou_village=village_a1,
        guardian_phone="13900000001",
    )
    history(
        p1,
        ("enrol", D(2019, 9, 1), school_a, 1),
        ("repeat", D(2020, 9, 1), school_a, 1),
        ("promote", D(2024, 9, 1), school_a, 5),
        ("drop_out", D(2025, 3, 1), school_a, 5),
    )
    for d in (D(2024, 9, 10), D(2024, 9, 20), D(2024, 9, 30), D(2024, 8, 20)):
        Absence.objects.create(student=p1, date=d)
    Absence.objects.create(student=p1, date=D(2024, 10, 2))  # after the snapshot: not seen on it
    p3 = StudentFactory(name="丙", birth_date=D(2009, 5, 1), hukou_village=village_a1, guardian_phone="13800000000")
    history(p3, ("enrol", D(2015, 9, 1), school_a, 1), ("drop_out", D(2021, 5, 1), school_a, 6))
    p2 = StudentFactory(
        name="乙",
        birth_date=D(2012, 12, 1),
        hukou_village=village_a1,
        residence_village=village_a2,
        guardian_phone="13800000000",
    )
    history(
        p2,
        ("enrol", D(2018, 9, 1), school_a, 1),
        ("graduate", D(2024, 7, 5), school_a, 6),
        ("enrol", D(2024, 9, 1), school_a_junior, 7),
    )
    p4 = StudentFactory(name="丁", birth_date=D(2016, 1, 10), hukou_village=village_a1)
    history(
        p4,
        ("enrol", D(2022, 9, 1), school_b, 1),
        ("transfer_in", D(2024, 3, 1), school_a, 2),
        ("promote", D(2024, 9, 1), school_a, 3),
    )
    TermResult.objects.create(student=p4, school_year=2023, term=2, score=50)
    TermResult.objects.create(student=p4, school_year=2024, term=1, score=90)  # not ended on the snapshot
    p5 = StudentFactory(name="戊", birth_date=D(2011, 4, 1))
    history(
        p5,
        ("enrol", D(2017, 9, 1), school_a, 1),
        ("promote", D(2024, 9, 1), school_a, 7),
        ("drop_out", D(2024, 9, 15), school_a, 7),
    )
    p6 = StudentFactory(name="己", birth_date=D(2015, 2, 1), hukou_village=village_a1)
    history(
        p6,
        ("enrol", D(2021, 9, 1), school_a, 1),
        ("suspend", D(2023, 3, 1), school_a, 2),
        ("resume", D(2023, 9, 1), school_a, 2),
        ("promote", D(2024, 9, 1), school_a, 3),
    )
    return {"p1": p1, "p2": p2, "p3": p3, "p4": p4, "p5": p5, "p6": p6}
