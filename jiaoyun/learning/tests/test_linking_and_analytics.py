"""Linking actors to students, client school scope, statistics and the pages that read them."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from jiaoyun.learning import conf
from jiaoyun.learning.models import LearningStat, Statement
from jiaoyun.learning.services import learner_pseudonyms
from jiaoyun.learning.services.analytics import learning_stats_refresh
from jiaoyun.learning.tests.conftest import statement
from jiaoyun.people.tests.factories import StudentFactory
from jiaoyun.schools.tests.factories import SchoolClassFactory

pytestmark = pytest.mark.django_db


def account(no: str) -> dict:
    return {"objectType": "Agent", "account": {"homePage": conf.get("XAPI_HOMEPAGE"), "name": no}}


@pytest.fixture
def pupils(school_a, school_b, class_a1):
    a1 = StudentFactory(current_school=school_a, current_class=class_a1, status="enrolled")
    a2 = StudentFactory(current_school=school_a, current_class=class_a1, status="enrolled")
    class_b1 = SchoolClassFactory(school=school_b, school_year=2021, grade=1, number=1)
    b1 = StudentFactory(current_school=school_b, current_class=class_b1, status="enrolled")
    names = learner_pseudonyms(student_ids=[a1.pk, a2.pk, b1.pk])
    for p in (a1, a2, b1):
        p.learning_account = names[p.pk]
    return a1, a2, b1


def lesson(
    no: str, *, ts: str, minutes: int, scaled: float | None = None, platform: str = "智慧课堂", done=True
) -> dict:
    result: dict = {"duration": f"PT{minutes}M", "completion": done}
    if scaled is not None:
        result["score"] = {"scaled": scaled}
    verb = {"id": "http://adlnet.gov/expapi/verbs/experienced"}
    return statement(actor=account(no), verb=verb, timestamp=ts, result=result, context={"platform": platform})


def test_account_actor_links_to_student_and_class(xapi, pupils, class_a1):
    sid = xapi.post(
        "statements", lesson(pupils[0].learning_account, ts="2024-09-02T09:00:00+08:00", minutes=40)
    ).json()[0]
    row = Statement.objects.get(statement_id=sid)
    assert (row.student_id, row.school_class_id, row.duration_s) == (pupils[0].pk, class_a1.pk, 2400.0)


def test_statement_about_student_outside_client_schools_is_refused(xapi, pupils):
    batch = [
        lesson(pupils[0].learning_account, ts="2024-09-02T09:00:00Z", minutes=5),
        lesson(pupils[2].learning_account, ts="2024-09-02T09:00:00Z", minutes=5),
    ]
    response = xapi.post("statements", batch)
    assert response.status_code == 403
    assert "无权" in response.json()["message"]
    assert Statement.objects.count() == 0


def test_unknown_learning_account_on_county_homepage_is_refused(xapi, pupils):
    response = xapi.post("statements", lesson("G000", ts="2024-09-02T09:00:00Z", minutes=5))
    assert response.status_code == 400
    assert "G000" in response.json()["message"]


def test_stats_per_class_school_week_hand_computed(xapi, pupils, class_a1, school_a):
    a1, a2, _ = pupils
    xapi.post(
        "statements",
        [
            lesson(a1.learning_account, ts="2024-09-02T09:00:00+08:00", minutes=40, scaled=0.8, platform="课堂"),
            lesson(a1.learning_account, ts="2024-09-03T20:00:00+08:00", minutes=20, scaled=0.6),
            lesson(a2.learning_account, ts="2024-09-03T20:30:00+08:00", minutes=30, done=False),
            lesson(a2.learning_account, ts="2024-09-10T20:30:00+08:00", minutes=10),
        ],
    )
    rows = learning_stats_refresh()
    week = LearningStat.objects.get(level="class", unit_id=class_a1.pk, period="week", start=dt.date(2024, 9, 2))
    assert (week.statements, week.learners, week.seconds, week.completed) == (3, 2, 5400.0, 2)
    assert week.avg_score == pytest.approx(0.7)
    assert (week.in_class, week.online) == (1, 2)
    day = LearningStat.objects.get(level="school", unit_id=school_a.pk, period="day", start=dt.date(2024, 9, 3))
    assert (day.statements, day.learners) == (2, 2)
    county = LearningStat.objects.get(level="county", period="week", start=dt.date(2024, 9, 9))
    assert county.statements == 1
    # idempotent: a second run writes the same rows
    assert learning_stats_refresh() == rows
    assert LearningStat.objects.count() == rows


def _seed(xapi, pupils):
    xapi.post(
        "statements", [lesson(pupils[0].learning_account, ts="2024-09-02T09:00:00+08:00", minutes=40, scaled=0.5)]
    )
    learning_stats_refresh()


def test_dashboard_for_principal_shows_own_classes(xapi, pupils, principal, class_a1, django_assert_max_num_queries):
    _seed(xapi, pupils)
    web = Client()
    web.force_login(principal)
    with django_assert_max_num_queries(20):
        page = web.get("/learning/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "学习行为分析" in text and f"/learning/classes/{class_a1.pk}/" in text


def test_township_officer_of_other_township_sees_nothing(xapi, pupils, school_b, county):
    from jiaoyun.core.tests.factories import UserFactory

    _seed(xapi, pupils)
    officer_b = UserFactory(username="officer_b", role="township_officer", area=school_b.township)
    web = Client()
    web.force_login(officer_b)
    page = web.get("/learning/")
    assert "甸阳镇中心小学" not in page.content.decode()
    assert web.get(f"/learning/students/{pupils[0].pk}/").status_code == 404


def test_class_teacher_sees_student_timeline_and_exports(xapi, pupils, class_teacher):
    _seed(xapi, pupils)
    web = Client()
    web.force_login(class_teacher)
    page = web.get(f"/learning/students/{pupils[0].pk}/")
    assert page.status_code == 200
    assert "第一课" in page.content.decode()
    export = web.get(f"/learning/students/{pupils[0].pk}/?format=csv")
    assert export.status_code == 200 and "第一课" in export.content.decode("utf-8-sig")
    assert web.get(f"/learning/students/{pupils[2].pk}/").status_code == 404


def test_county_dashboard_export(xapi, pupils, county_admin):
    _seed(xapi, pupils)
    web = Client()
    web.force_login(county_admin)
    export = web.get("/learning/?format=csv")
    assert export.status_code == 200
    assert "甸阳镇" in export.content.decode("utf-8-sig")


def test_stats_command_and_partial_range(xapi, pupils):
    import io

    from django.core.management import call_command

    xapi.post(
        "statements",
        [
            lesson(pupils[0].learning_account, ts="2024-09-02T09:00:00+08:00", minutes=10),
            lesson(pupils[0].learning_account, ts="2024-10-14T09:00:00+08:00", minutes=10),
        ],
    )
    out = io.StringIO()
    call_command("learning_stats", stdout=out)
    assert "写入" in out.getvalue()
    before = LearningStat.objects.filter(start__lt=dt.date(2024, 10, 1)).count()
    # a refresh from October keeps September rows and rewrites October's
    learning_stats_refresh(start=dt.date(2024, 10, 16))
    assert LearningStat.objects.filter(start__lt=dt.date(2024, 10, 1)).count() == before
    assert LearningStat.objects.filter(level="county", period="week", start=dt.date(2024, 10, 14)).get().statements == 1
