"""The assessment: points = weight × done / due (full weight with nothing due), competition ranks, evidence."""

import datetime as dt
from decimal import Decimal

import pytest

from jiaoyun.safety.models import Hazard
from jiaoyun.supervision import assessment, services
from jiaoyun.supervision.assessment import Row, points_of, rank
from jiaoyun.supervision.choices import RectStatus
from jiaoyun.supervision.models import Rectification
from jiaoyun.supervision.tests.conftest import D, make_item

pytestmark = pytest.mark.django_db


def test_points_of():
    assert points_of(Decimal("15"), 2, 3) == Decimal("10.0")
    assert points_of(Decimal("10"), 1, 3) == Decimal("3.3")  # 3.333… to 0.1
    assert points_of(Decimal("25"), 1, 8) == Decimal("3.1")  # 3.125 half up
    assert points_of(Decimal("20"), 0, 0) == Decimal("20")  # nothing due: full weight


def test_competition_rank():
    rows = [Row(1, "乙", "", [], Decimal("80")), Row(2, "甲", "", [], Decimal("90")),
            Row(3, "丙", "", [], Decimal("80")), Row(4, "丁", "", [], Decimal("70"))]  # fmt: skip
    ranked = rank(rows)
    assert [(r.name, r.rank) for r in ranked] == [("甲", 1), ("丙", 2), ("乙", 2), ("丁", 4)]


def test_township_scores_from_the_modules(monkeypatch, plan, township_a, township_b, school_a, school_b, principal):
    """Hand-computed: weights plan 10, rectify 15, safety 15, projects 20 (year 2021, on 2021-07-01).

    甸阳镇: plan 1 of 2 milestones on time → 5.0; 整改 1 of 1 closed on time → 15; hazards 1 due, closed late → 0;
            projects 4 of which 1 late → 15.0; total 35.0.
    老麦乡: plan nothing due → 10; 整改 1 due, open → 0; hazards none due → 15; projects 2, none late → 20; total 45.
    """
    services.weights_set(actor=None, year=2021, level="township",
                         weights={"plan": Decimal(10), "rectify": Decimal(15), "safety": Decimal(15), "projects": Decimal(20)})  # fmt: skip
    item = make_item(plan, number=1, due=[D(2021, 3, 1), D(2021, 6, 1)], done=[D(2021, 2, 28), D(2021, 6, 2)])
    item.townships.add(township_a)
    Rectification.objects.create(school=school_a, finding="围墙", deadline=D(2021, 5, 1), opened_on=D(2021, 4, 1),
                                 status=RectStatus.CLOSED, closed_on=D(2021, 4, 30))  # fmt: skip
    Rectification.objects.create(school=school_b, finding="食堂", deadline=D(2021, 6, 1), opened_on=D(2021, 4, 1))
    closed_late = dt.datetime(2021, 5, 20, 10, tzinfo=dt.UTC)
    Hazard.objects.create(school=school_a, title="护栏", responsible=principal, deadline=D(2021, 5, 10), status="closed",
                          opened_at=closed_late, opened_by=principal, closed_at=closed_late)  # fmt: skip
    monkeypatch.setattr(
        assessment,
        "township_progress",
        lambda *, on: {
            township_a.pk: {"total": 4, "in_use": 1, "late": 1},
            township_b.pk: {"total": 2, "in_use": 0, "late": 0},
        },
    )
    rows = {r.name: r for r in assessment.assess(year=2021, level="township", on=D(2021, 7, 1))}
    a, b = rows["甸阳镇"], rows["老麦乡"]
    assert {p.kind: p.points for p in a.points} == {"safety": Decimal("0"), "projects": Decimal("15.0"),
                                                     "plan": Decimal("5.0"), "rectify": Decimal("15")}  # fmt: skip
    assert a.total == Decimal("35.0") and b.total == Decimal("45")
    assert (b.rank, a.rank) == (1, 2)
    plan_point = next(p for p in a.points if p.kind == "plan")
    assert (plan_point.done, plan_point.due) == (1, 2)
    assert plan_point.misses == ["4.1-1 任务4.1-1：节点2（期限 2021-06-01）"]  # the evidence behind the point
    rect_b = next(p for p in b.points if p.kind == "rectify")
    assert rect_b.misses == [f"{school_b.name}：食堂（期限 2021-06-01）"]


def test_a_zero_weight_leaves_the_kind_out_and_weights_are_checked(county):
    services.weights_set(actor=None, year=2021, level="township", weights={"plan": Decimal(0), "rectify": Decimal(10)})
    assert [i.kind for i in assessment.indicators(year=2021, level="township")] == ["rectify"]
    from jiaoyun.core.errors import DomainError

    with pytest.raises(DomainError, match="不能为负数"):
        services.weights_set(actor=None, year=2021, level="township", weights={"plan": Decimal(-1)})
