"""A small registry: township A (甸阳镇: a primary school, a junior school, a nine-year school) and township B
(老麦乡: a primary school, no junior school), a few pupils with their 学籍 events, and population cells."""

from __future__ import annotations

import datetime as dt

import pytest

from jiaoyun.areas.models import PopulationCell
from jiaoyun.people.choices import EVENT_STATUS, IN_SCHOOL_EVENTS
from jiaoyun.people.services.chain import events_link
from jiaoyun.people.tests.factories import EnrolmentEventFactory, StudentFactory
from jiaoyun.schools.tests.factories import SchoolFactory


def pupil(*events: tuple[str, dt.date, object, int]) -> None:
    """A pupil with events (kind, date, school, grade); the student's current state is the last event's, as the
    enrolment services keep it."""
    student = StudentFactory(birth_date=dt.date(2010, 3, 1))
    for seq, (kind, date, school, grade) in enumerate(events):
        EnrolmentEventFactory(student=student, kind=kind, date=date, seq=seq, school=school, grade=grade)
    student.status = EVENT_STATUS[kind]
    student.current_school, student.current_grade = (school, grade) if kind in IN_SCHOOL_EVENTS else (None, None)
    student.save()


@pytest.fixture
def registry(township_a, township_b, village_a1, village_b1, school_a, school_a_junior, school_b):
    """Census dates are 30 September. Pupils:

    1. A primary g5 (2020) → g6 (2021) → graduates July 2022 → A junior g7 (2022)
    2. B primary g6 (2021) → graduates → A junior g7 (2022)                (小升初 from B to A)
    3. A primary g1 (Sept 2021), transferred out in March 2022            (counted in 2021 only)
    4. special school g3 (2021)                                            (left out)
    5. A primary g2 enrolled on 1 October 2021, after the census           (not in 2021)
    """
    special = SchoolFactory(code="2153000009", name="特殊教育学校", kind="special", township=township_a)
    d = dt.date
    pupil(
        ("enrol", d(2020, 9, 1), school_a, 5),
        ("promote", d(2021, 9, 1), school_a, 6),
        ("graduate", d(2022, 7, 1), school_a, 6),
        ("enrol", d(2022, 9, 1), school_a_junior, 7),
    )
    pupil(
        ("enrol", d(2021, 9, 1), school_b, 6),
        ("graduate", d(2022, 7, 1), school_b, 6),
        ("enrol", d(2022, 9, 1), school_a_junior, 7),
    )
    pupil(("enrol", d(2021, 9, 1), school_a, 1), ("transfer_out", d(2022, 3, 1), None, None))
    pupil(("enrol", d(2021, 9, 1), special, 3))
    pupil(("enrol", d(2021, 10, 1), school_a, 2))  # fmt: skip
    events_link()
    cells = [
        PopulationCell(area=village_a1, year=2021, age=6, sex="M", source="hukou", count=40),
        PopulationCell(area=village_a1, year=2021, age=6, sex="F", source="hukou", count=35),
        PopulationCell(area=village_a1, year=2021, age=6, sex="M", source="resident", count=99),
        PopulationCell(area=village_b1, year=2021, age=6, sex="F", source="hukou", count=20),
        PopulationCell(area=township_b, year=2021, age=6, sex="F", source="hukou", count=500),  # B has village cells
    ]
    PopulationCell.objects.bulk_create(cells)
    return {"a": township_a, "b": township_b, "special": special}
