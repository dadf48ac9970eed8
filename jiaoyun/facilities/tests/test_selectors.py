"""Scope, roll-ups and the contract functions, with hand-computed figures."""

import datetime as dt
from decimal import Decimal

import pytest

from jiaoyun.facilities import selectors, services

D = dt.date
TODAY = D(2021, 12, 1)


def done(finance, project, upto):
    start = D(2021, 1, 4)
    for kind in range(1, upto + 1):
        services.milestone_record(
            actor=finance,
            milestone=project.milestones.get(kind=kind),
            actual=start + dt.timedelta(days=10 * kind),
            today=TODAY,
        )


@pytest.fixture
def county_set(make_project, finance, township_a, township_b, village_a2, school_b):
    """Three projects: A1 kindergarten (seat, in use), A2 kindergarten (late at 开工), B1 primary (building)."""
    a1 = make_project(name="A1幼儿园", target="seat_kg", seats=270)
    a2 = make_project(
        name="A2幼儿园",
        school_id=None,
        site_name="大竹林村幼儿园",
        township_id=township_a.pk,
        village_id=village_a2.pk,
        kind="new",
        target="rural_kg",
        seats=90,
        milestones={5: D(2021, 11, 20), 8: D(2022, 6, 1)},
    )
    b1 = make_project(
        name="B1小学",
        school_id=school_b.pk,
        level="primary",
        seats=450,
        budget=Decimal("2000000"),
        milestones={8: D(2022, 3, 1)},
    )
    done(finance, a1, 8)
    done(finance, a2, 4)
    done(finance, b1, 5)
    for p, county_paid in ((a1, "300000"), (b1, "100000")):
        services.funding_set(actor=finance, project=p, amounts={"central": str(p.budget - 400000), "county": "400000"})
        c = services.contract_add(actor=finance, project=p, title="施工", contractor="某公司", amount=p.budget)
        services.payment_add(
            actor=finance, contract=c, date=D(2021, 10, 1), amount=county_paid, source="county", today=TODAY
        )
    services.milestone_record(
        actor=finance, milestone=a2.milestones.get(kind=5), actual=None, note="资金未到位", today=TODAY
    )
    return a1, a2, b1


def test_the_scope(
    county_set,
    finance,
    county_leader,
    township_officer,
    township_b_officer,
    principal,
    class_teacher,
    village_cadre,
    outsider,
):
    a1, a2, b1 = county_set
    names = lambda u: sorted(selectors.project_list(user=u).values_list("name", flat=True))  # noqa: E731
    assert names(finance) == names(county_leader) == ["A1幼儿园", "A2幼儿园", "B1小学"]
    assert names(township_officer) == ["A1幼儿园", "A2幼儿园"]
    assert names(township_b_officer) == ["B1小学"]
    assert names(principal) == ["A1幼儿园"]  # the project at school_a; a planned site is no school's
    assert names(class_teacher) == names(village_cadre) == names(outsider) == []


def test_the_summary_strip_and_the_late_filter(county_set, finance):
    s = selectors.summary(user=finance, filters={}, today=TODAY)
    # started: A1 (in use) and B1 (开工 done); finished: A1; late: A2 (开工 planned 11-20)
    assert (s["total"], s["started"], s["finished"], s["in_use"], s["late"], s["seats"]) == (3, 2, 1, 1, 1, 810)
    assert s["money"].county_budget == Decimal("800000.00") and s["money"].county_paid == Decimal("400000.00")
    assert s["money"].total_budget == Decimal("3000000.00")
    late = selectors.project_list(user=finance, filters={"late": "1", "level": "preschool"}, today=TODAY)
    assert [(p.name, p.late_milestones[0].get_kind_display(), p.late_milestones[0].note) for p in late] == [
        ("A2幼儿园", "开工", "资金未到位")
    ]
    assert [p.name for p in selectors.project_list(user=finance, filters={"target": "plan"})] == [
        "A1幼儿园",
        "A2幼儿园",
    ]


def test_the_plan_targets(county_set, finance):
    rows = {r["key"]: r for r in selectors.plan_targets(user=finance, today=TODAY)}
    assert rows["seat_kg"] == {
        "key": "seat_kg",
        "label": "县城新建幼儿园",
        "target": 6,
        "total": 1,
        "private": 0,
        "private_target": 3,
        "started": 1,
        "finished": 1,
        "in_use": 1,
        "late": 0,
    }
    assert (rows["rural_kg"]["target"], rows["rural_kg"]["total"], rows["rural_kg"]["late"]) == (22, 1, 1)


def test_the_township_rollup(county_set, finance, township_a):
    rows = {r["township"]: r for r in selectors.township_rollup(user=finance, today=TODAY)}
    a = rows["甸阳镇"]
    # 甸阳镇: A1 8 of 8 done, A2 4 of 8: 12 of 16 = 75 %
    assert (a["total"], a["in_use"], a["late"], a["progress"]) == (2, 1, 1, 75)
    assert a["money"].county_paid == Decimal("300000.00") and rows["老麦乡"]["progress"] == round(5 * 100 / 8)


def test_seats_in_progress(county_set, township_a, township_b):
    # A1 is in use: not counted; A2 (90 seats) will be in use 2022-06-01
    assert selectors.seats_in_progress(level="preschool") == {township_a.pk: 90}
    assert selectors.seats_in_progress(level="preschool", by=D(2022, 5, 31)) == {}
    assert selectors.seats_in_progress(level="preschool", by=D(2022, 6, 1)) == {township_a.pk: 90}
    assert selectors.seats_in_progress(level="primary", by=D(2022, 3, 1)) == {township_b.pk: 450}


def test_township_progress(county_set, township_a, township_b):
    a1_in_use = D(2021, 1, 4) + dt.timedelta(days=80)
    assert selectors.township_progress(on=TODAY) == {
        township_a.pk: {"total": 2, "in_use": 1, "late": 1},
        township_b.pk: {"total": 1, "in_use": 0, "late": 0},
    }
    before = a1_in_use - dt.timedelta(days=1)
    assert selectors.township_progress(on=before)[township_a.pk]["in_use"] == 0


def test_project_points(county_set, township_officer, finance):
    a1, a2, b1 = county_set
    a1.school.latitude, a1.school.longitude = Decimal("24.8"), Decimal("99.2")
    a1.school.save()
    services.project_update(actor=finance, project=a2, latitude=Decimal("24.9"), longitude=Decimal("99.1"))
    points = selectors.project_points(township_officer)
    assert sorted((p["name"], p["lat"], p["lng"], p["kind"]) for p in points) == [
        ("A1幼儿园", 24.8, 99.2, "改扩建"),
        ("A2幼儿园", 24.9, 99.1, "新建"),
    ]
    assert all(isinstance(p["late"], bool) and p["url"].startswith("/facilities/projects/") for p in points)
