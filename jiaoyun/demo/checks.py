"""The county's headline figures, computed with plain queries (used to tune the generator and by its tests).

* 学前三年毛入园率 = children in kindergarten grades now ÷ 户籍 population aged 3–5 this calendar year;
* 九年义务教育巩固率 = grade-9 graduates of the latest summer ÷ grade-1 entrants (入学) nine school years
  before (the cohort that graduated);
* 高中阶段毛入学率 = students now in grades 10–12 (普通高中 + 中职) ÷ 户籍 population aged 15–17.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

from django.db.models import Count, Q, Sum

from jiaoyun.areas.models import PopulationCell
from jiaoyun.people.choices import EVENT_STATUS, EventKind, StudentStatus
from jiaoyun.people.models import EnrolmentEvent, Student
from jiaoyun.schools.choices import SchoolKind


def population(year: int, ages: range, source: str = "hukou") -> int:
    return int(
        PopulationCell.objects.filter(year=year, age__in=list(ages), source=source).aggregate(n=Sum("count"))["n"] or 0
    )


def headline(sy: int) -> dict[str, float]:
    in_school = Student.objects.filter(status=StudentStatus.IN_SCHOOL)
    kg = in_school.filter(current_grade__lte=0).count()
    senior = in_school.filter(current_grade__gte=10).count()
    graduates = EnrolmentEvent.objects.filter(kind=EventKind.GRADUATE, grade=9, date__year=sy).count()
    entrants = EnrolmentEvent.objects.filter(kind=EventKind.ENROL, grade=1, date=dt.date(sy - 9, 9, 1)).count()
    pop35, pop1517 = population(sy, range(3, 6)), population(sy, range(15, 18))
    return {
        "kg_rate": round(100 * kg / pop35, 2) if pop35 else 0.0,
        "consolidation": round(100 * graduates / entrants, 2) if entrants else 0.0,
        "senior_rate": round(100 * senior / pop1517, 2) if pop1517 else 0.0,
    }


def in_school_by_level() -> dict[str, int]:
    row = Student.objects.filter(status=StudentStatus.IN_SCHOOL).aggregate(
        preschool=Count("id", filter=Q(current_grade__lte=0)),
        primary=Count("id", filter=Q(current_grade__gte=1, current_grade__lte=6)),
        junior=Count("id", filter=Q(current_grade__gte=7, current_grade__lte=9)),
        senior=Count("id", filter=Q(current_grade__gte=10) & ~Q(current_school__kind=SchoolKind.VOCATIONAL)),
        vocational=Count("id", filter=Q(current_school__kind=SchoolKind.VOCATIONAL)),
    )
    return {k: int(v) for k, v in row.items()}


def headline_in_memory(kids: list[Any], sy: int) -> dict[str, float]:
    """The same three figures computed from simulated children before they are written (same definitions)."""
    kg = senior = graduates = entrants = 0
    pop: Counter[int] = Counter()
    entry_day = dt.date(sy - 9, 9, 1)
    for kid in kids:
        events = kid.events
        died = any(e[1] == "death" and e[0].year <= sy for e in events)
        if kid.hukou is not None and not died:
            pop[sy - kid.birth.year] += 1
        for e in events:
            if e[1] == "graduate" and e[3] == 9 and e[0].year == sy:
                graduates += 1
            elif e[1] == "enrol" and e[3] == 1 and e[0] == entry_day:
                entrants += 1
        if events and EVENT_STATUS[str(events[-1][1])] == StudentStatus.IN_SCHOOL:
            grade = int(events[-1][3])
            kg += grade <= 0
            senior += grade >= 10
    pop35, pop1517 = pop[3] + pop[4] + pop[5], pop[15] + pop[16] + pop[17]
    return {
        "kg_rate": round(100 * kg / pop35, 2) if pop35 else 0.0,
        "consolidation": round(100 * graduates / entrants, 2) if entrants else 0.0,
        "senior_rate": round(100 * senior / pop1517, 2) if pop1517 else 0.0,
    }
