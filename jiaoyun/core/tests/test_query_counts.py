"""Query-count baselines of the list pages and API lists.

For each list the test builds N rows, then 3N rows (each with its own school, class and village, so a missing
``select_related`` shows), and asserts that the number of queries of one request does not grow with the rows
and stays within the recorded baseline below. A change that needs more queries updates ``BASELINE``
deliberately, in the same commit, with the reason.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from jiaoyun.core import idcard

N = 3

# route name → the most queries one request may take (whatever the number of rows). Measured on SQLite and
# PostgreSQL alike (the counts do not depend on the backend).
BASELINE: dict[str, int] = {
    "web:audit": 8,
    "areas:list": 8,
    "api:area_list": 7,
    "schools:list": 8,
    "api:school_list": 7,
    "people:students": 9,
    "api:student_list": 10,
    "people:teachers": 9,
    "api:teacher_list": 10,
    "exchange:imports": 7,
    "dropout:ledger": 10,
    "api:list_cases": 9,
    "safety:hazards": 8,
    "api:hazards": 7,
    "api:batch_list": 7,
}

_seq = itertools.count(1)


def _place(county: Any) -> dict[str, Any]:
    """A township, a village, a school and a class of their own for one row."""
    from jiaoyun.areas.tests.factories import TownshipFactory, VillageFactory
    from jiaoyun.schools.tests.factories import SchoolClassFactory, SchoolFactory

    n = next(_seq)
    township = TownshipFactory(parent=county, code=f"530521{n:03d}", name=f"镇{n}")
    village = VillageFactory(parent=township, code=f"530521{n:03d}001", name=f"村{n}")
    school = SchoolFactory(township=township, village=village)
    klass = SchoolClassFactory(school=school, school_year=2021, grade=3)
    return {"n": n, "township": township, "village": village, "school": school, "class": klass}


def _student(county: Any, actor: Any) -> str:
    return _new_student(county).name


def _new_student(county: Any) -> Any:
    from jiaoyun.people.choices import StudentStatus
    from jiaoyun.people.tests.factories import StudentFactory

    p = _place(county)
    return StudentFactory(
        id_number=idcard.make("530521", dt.date(2014, 3, 1), p["n"]),
        hukou_village=p["village"],
        current_school=p["school"],
        current_class=p["class"],
        current_grade=3,
        status=StudentStatus.IN_SCHOOL,
    )


def _case(county: Any, actor: Any) -> str:
    from jiaoyun.dropout.services import case_open

    student = _new_student(county)
    case_open(actor=actor, student=student)
    return student.name


def _hazard(county: Any, actor: Any) -> str:
    from django.utils import timezone

    from jiaoyun.core.tests.factories import UserFactory
    from jiaoyun.safety.models import Hazard

    school = _place(county)["school"]
    principal = UserFactory(role="principal", school=school)
    title = f"{school.name}围墙隐患"
    Hazard.objects.create(
        school=school,
        title=title,
        responsible=principal,
        deadline=timezone.localdate(),
        opened_at=timezone.now(),
        opened_by=principal,
    )
    return title


def _teacher(county: Any, actor: Any) -> str:
    from jiaoyun.people.tests.factories import TeacherFactory

    return TeacherFactory(school=_place(county)["school"]).name


def _school(county: Any, actor: Any) -> str:
    return _place(county)["school"].name


def _township(county: Any, actor: Any) -> str:
    return _place(county)["township"].name


def _audit(county: Any, actor: Any) -> str:
    from jiaoyun.core.audit import audit_record
    from jiaoyun.core.choices import AuditAction

    school = _place(county)["school"]
    audit_record(actor=actor, action=AuditAction.UPDATE, obj=school, changes={"name": ["甲", "乙"]})
    return school.name


def _batch(county: Any, actor: Any) -> str:
    from jiaoyun.exchange.models import ImportBatch

    n = next(_seq)
    ImportBatch.objects.create(kind="students", file_name=f"名册{n}.xlsx", file_sha256=f"{n:064d}", created_by=actor)
    return f"名册{n}.xlsx"


# route name → (persona role, row builder returning a text the list shows for that row, query string)
CASES: dict[str, tuple[str, Callable[[Any, Any], str], str]] = {
    "web:audit": ("audit_admin", _audit, ""),
    "areas:list": ("county_admin", _township, ""),
    "api:area_list": ("county_admin", _township, ""),
    "schools:list": ("county_admin", _school, ""),
    "api:school_list": ("county_admin", _school, ""),
    "people:students": ("county_admin", _student, ""),
    "api:student_list": ("county_admin", _student, ""),
    "people:teachers": ("county_admin", _teacher, ""),
    "api:teacher_list": ("county_admin", _teacher, ""),
    "exchange:imports": ("county_admin", _batch, ""),
    "dropout:ledger": ("county_admin", _case, ""),
    "api:list_cases": ("county_admin", _case, ""),
    "safety:hazards": ("county_admin", _hazard, ""),
    "api:hazards": ("county_admin", _hazard, ""),
    "api:batch_list": ("county_admin", _batch, ""),
}


KWARGS = {"dropout:ledger": {"ledger": "suspected"}}


def _count(client: Any, url: str, shown: str) -> int:
    """The queries of one request of ``url``, which must list the row showing ``shown``."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    is_json = response["Content-Type"].startswith("application/json")
    text = json.dumps(response.json(), ensure_ascii=False) if is_json else response.content.decode()
    assert shown in text, f"{url} does not list {shown}"
    return len(queries)


@pytest.mark.parametrize("route", sorted(CASES))
def test_queries_do_not_grow_with_rows(route, client, county):
    from jiaoyun.core.tests.factories import UserFactory

    role, build, query = CASES[route]
    user = UserFactory(role=role)
    client.force_login(user)
    url = reverse(route, kwargs=KWARGS.get(route)) + (f"?{query}" if query else "")
    shown = [build(county, user) for _ in range(N)]
    client.get(url)  # warm the per-process caches (security policy, content types)
    small = _count(client, url, shown[0])
    shown = [build(county, user) for _ in range(2 * N)]
    large = _count(client, url, shown[-1])
    assert large == small, f"{route}: {small} queries for {N} rows, {large} for {3 * N}"
    assert small <= BASELINE[route], f"{route}: {small} queries, baseline {BASELINE[route]}"


def test_every_list_case_has_a_baseline():
    assert set(CASES) == set(BASELINE)
