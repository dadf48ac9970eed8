"""The one pass over the students' table (``observe.current_state``) gives what the three separate reads gave.

The three reads it replaced — the base year's stocks from the current state, the grade-1 entry ages and the seat
split's pupils by school and grade — are kept here as they were, as the reference, and compared on a small
world that exercises every filter: pupils with and without a record after the census, grade 1 of several birth
years, the special school, schools spanning levels, students not in school or without a grade."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

import pytest
from django.db import connection
from django.db.models import Count
from django.db.models.functions import ExtractYear

from jiaoyun.forecast import observe, services
from jiaoyun.forecast.tests.conftest import pupil
from jiaoyun.people.choices import StudentStatus
from jiaoyun.people.models import Student
from jiaoyun.people.services.chain import events_link
from jiaoyun.people.tests.factories import StudentFactory
from jiaoyun.schools.choices import SchoolKind
from jiaoyun.schools.models import School
from jiaoyun.schools.tests.factories import SchoolFactory

pytestmark = pytest.mark.django_db


def old_stocks_current(year: int) -> dict:
    day = observe.census(year)
    kinds, kparams = observe._kinds()
    sql = (
        "SELECT x.township_id, x.grade, SUM(x.n) FROM ("
        " SELECT s.township_id, st.current_grade AS grade, COUNT(*) AS n FROM people_student st"
        " JOIN schools_school s ON s.id = st.current_school_id"
        " WHERE st.status = %s AND st.current_grade IS NOT NULL AND s.kind <> %s"
        " AND st.id NOT IN (SELECT l.student_id FROM people_enrolmentevent l WHERE l.date > %s)"
        " GROUP BY s.township_id, st.current_grade"
        " UNION ALL"
        " SELECT s.township_id, e.grade, COUNT(*) FROM people_enrolmentevent e"
        " JOIN schools_school s ON s.id = e.school_id"
        " WHERE e.student_id IN (SELECT l.student_id FROM people_enrolmentevent l WHERE l.date > %s)"
        f" AND e.date <= %s AND e.until > %s AND e.kind IN ({kinds}) AND e.grade IS NOT NULL AND s.kind <> %s"
        " GROUP BY s.township_id, e.grade"
        ") x GROUP BY x.township_id, x.grade"
    )
    params = [StudentStatus.IN_SCHOOL, SchoolKind.SPECIAL, day, day, day, day, *kparams, SchoolKind.SPECIAL]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return {(int(t), year, int(g)): float(n) for t, g, n in cursor.fetchall()}


def old_entry_ages(year: int) -> dict[int, int]:
    rows = (
        Student.objects.filter(status=StudentStatus.IN_SCHOOL, current_grade=1, current_school__isnull=False)
        .exclude(current_school__kind__in=observe.LEFT_OUT_KINDS)
        .annotate(by=ExtractYear("birth_date"))
        .values("by")
        .annotate(n=Count("id"))
        .values_list("by", "n")
    )
    return {year - int(by): int(n) for by, n in rows}


def old_school_grade_stock() -> dict[int, dict[int, int]]:
    rows = (
        Student.objects.filter(
            status=StudentStatus.IN_SCHOOL,
            current_grade__isnull=False,
            current_school__kind__in=(SchoolKind.NINE_YEAR, SchoolKind.COMPLETE_SECONDARY, SchoolKind.TEACHING_POINT),
        )
        .values("current_school_id", "current_grade")
        .annotate(n=Count("id"))
        .values_list("current_school_id", "current_grade", "n")
    )
    out: dict[int, dict[int, int]] = defaultdict(dict)
    for school, grade, n in rows:
        out[int(school)][int(grade)] = int(n)
    return out


@pytest.fixture
def world(registry, township_a, township_b, school_a, school_b):
    d = dt.date
    nine = SchoolFactory(code="2153000011", name="九年一贯制", kind="nine_year", township=township_b)
    point = SchoolFactory(code="2153000012", name="教学点", kind="teaching_point", township=township_a, parent=school_a)
    complete = SchoolFactory(code="2153000013", name="完全中学", kind="complete_secondary", township=township_a)
    special = registry["special"]
    now = [  # (birth date, school, grade, status): the current state only
        (d(2015, 3, 1), school_a, 1, "in_school"),
        (d(2015, 12, 31), school_a, 1, "in_school"),
        (d(2016, 1, 1), school_b, 1, "in_school"),
        (d(2014, 6, 1), nine, 1, "in_school"),
        (d(2012, 6, 1), nine, 3, "in_school"),
        (d(2009, 6, 1), nine, 7, "in_school"),
        (d(2009, 7, 1), nine, 7, "in_school"),
        (d(2017, 6, 1), point, 0, "in_school"),
        (d(2015, 6, 1), point, 1, "in_school"),
        (d(2008, 6, 1), complete, 8, "in_school"),
        (d(2006, 6, 1), complete, 10, "in_school"),
        (d(2015, 6, 1), special, 1, "in_school"),  # left out of stocks and ages, not a mixed school
        (d(2015, 6, 1), school_a, 1, "suspended"),  # not in school
        (d(2006, 6, 1), complete, 12, "graduated"),
        (d(2015, 6, 1), school_a, None, "in_school"),  # no grade
    ]
    for birth, school, grade, status in now:
        StudentFactory(birth_date=birth, current_school=school, current_grade=grade, status=status)
    # records after the 2022 census: the covering event counts for 2022, the current state for now
    pupil(("enrol", d(2022, 9, 1), nine, 1), ("transfer_in", d(2022, 11, 1), school_a, 1))
    pupil(("enrol", d(2021, 9, 1), complete, 7), ("promote", d(2022, 9, 1), complete, 8),
          ("transfer_in", d(2022, 10, 10), point, 1))  # fmt: skip
    pupil(("enrol", d(2022, 9, 1), special, 2), ("transfer_in", d(2022, 10, 1), nine, 2))
    pupil(("enrol", d(2022, 10, 20), nine, 9))
    events_link()


@pytest.mark.parametrize("year", [2021, 2022])
def test_the_one_pass_gives_what_the_three_reads_gave(world, year):
    current = observe.current_state()
    assert observe.stocks_current(year, current) == old_stocks_current(year)
    assert observe.stocks_current(year) == old_stocks_current(year)
    assert observe.entry_ages(year, current) == old_entry_ages(year)
    assert observe.school_grade_stock(current) == old_school_grade_stock()


def test_the_fixed_figures_of_the_small_world(world, township_a, township_b):
    """Counted by hand from the fixture, for 2022 (census 30 September 2022)."""
    A, B = township_a.pk, township_b.pk
    assert observe.stocks_current(2022) == {
        (A, 2022, 7): 2, (A, 2022, 8): 2, (A, 2022, 10): 1, (A, 2022, 0): 1, (A, 2022, 1): 3, (A, 2022, 2): 1,
        (B, 2022, 1): 3, (B, 2022, 3): 1, (B, 2022, 7): 2,
    }  # fmt: skip
    # grade 1 now, the special school left out: born 2015 ×3 (7), 2016 (6), 2014 (8), 2010 ×2 (the two late
    # pupils now in grade 1, born 2010 by the pupil helper)
    assert observe.entry_ages(2022) == {7: 3, 6: 1, 8: 1, 12: 2}
    nine, point, complete = (School.objects.get(code=c).pk for c in ("2153000011", "2153000012", "2153000013"))
    assert observe.school_grade_stock() == {
        nine: {1: 1, 3: 1, 7: 2, 2: 1, 9: 1},
        point: {0: 1, 1: 2},
        complete: {8: 1, 10: 1},
    }


def test_a_run_reads_the_students_table_once(world, monkeypatch):
    calls = []
    plain = observe.current_state
    monkeypatch.setattr(observe, "current_state", lambda: calls.append(1) or plain())
    services.compute(base=2022, history=10, horizon=10)
    assert calls == [1]
