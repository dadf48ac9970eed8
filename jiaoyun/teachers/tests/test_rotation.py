import datetime as dt
import math
from decimal import Decimal

import pytest

from jiaoyun.core.errors import DomainError
from jiaoyun.people.models import TeacherAssignment
from jiaoyun.schools.tests.factories import SchoolFactory
from jiaoyun.teachers.models import RotationMove, SubjectGap
from jiaoyun.teachers.services import (
    rotation_move_cancel,
    rotation_move_complete,
    rotation_plan_approve,
    rotation_plan_generate,
)
from jiaoyun.teachers.services.rotation import eligible_teachers, plan_problems
from jiaoyun.teachers.tests.conftest import make_teacher

ON = dt.date(2026, 9, 1)


@pytest.fixture
def county_schools(school_a, school_b, township_b):
    """school_a (urban) has surplus teachers; school_b and a rural primary need English and math."""
    school_a.urban_rural = "urban"
    school_a.save()
    rural = SchoolFactory(code="2153900010", name="摆榔乡中心小学", township=township_b, urban_rural="rural")
    gaps = [
        (school_a, "english", -3), (school_a, "math", -4), (school_a, "chinese", -2),
        (school_b, "english", Decimal("2.5")), (school_b, "math", 1),
        (rural, "english", 1), (rural, "math", 3),
    ]  # fmt: skip
    SubjectGap.objects.bulk_create(
        [SubjectGap(year=2026, school=s, subject=subj, need=5, actual=0, gap=g) for s, subj, g in gaps]
    )
    return school_a, school_b, rural


def staff(school, n, *, backbone=0, subject="math", since=dt.date(2015, 9, 1), **kw):
    return [
        make_teacher(school, main_subject=subject, school_since=since, backbone="county" if i < backbone else "", **kw)
        for i in range(n)
    ]


def test_eligibility_excludes_short_tenure_and_near_retirement(county_schools):
    school_a, *_ = county_schools
    ok = make_teacher(school_a, sex="F", birth_date=dt.date(1980, 1, 1), school_since=dt.date(2020, 8, 31))
    make_teacher(school_a, sex="F", birth_date=dt.date(1980, 1, 1), school_since=dt.date(2020, 9, 2))  # < 6 years
    make_teacher(school_a, sex="M", birth_date=dt.date(1971, 6, 1), school_since=dt.date(2000, 9, 1))  # 55: within 5y
    make_teacher(school_a, sex="F", birth_date=dt.date(1976, 6, 1), school_since=dt.date(2000, 9, 1))  # 50 of 55
    young_man = make_teacher(school_a, sex="M", birth_date=dt.date(1972, 1, 1), school_since=dt.date(2000, 9, 1))
    make_teacher(school_a, staffing="substitute", school_since=dt.date(2000, 9, 1))  # not 在编
    assert set(eligible_teachers(ON)) == {ok, young_man}


def test_plan_meets_ten_and_twenty_percent_and_fills_largest_gaps(personnel, county_schools):
    school_a, school_b, rural = county_schools
    staff(school_a, 12, backbone=1, subject="math")
    staff(school_a, 10, subject="english")
    staff(school_a, 3, subject="chinese")
    plan = rotation_plan_generate(actor=personnel, year=2026, start_date=ON)
    moves = list(plan.moves.order_by("id"))
    # 25 eligible → at least ⌈2.5⌉ = 3 moves, of which ⌈0.6⌉ = 1 backbone
    assert plan.eligible_count == 25 and len(moves) == 3
    assert sum(m.backbone for m in moves) >= 1 and moves[0].backbone
    # the backbone math teacher goes to the largest math gap (rural 3); then English 2.5 at school_b; then math 2
    assert [(m.subject, m.to_school, m.gap_before) for m in moves] == [
        ("math", rural, 3),
        ("english", school_b, Decimal("2.5")),
        ("math", rural, 2),
    ]
    assert all(m.from_school == school_a for m in moves)
    assert plan_problems(plan) == []


def test_plan_refuses_when_backbone_pool_is_too_small(personnel, county_schools):
    school_a, *_ = county_schools
    staff(school_a, 30, subject="math")  # 30 eligible → 3 moves → 1 backbone needed, none available
    with pytest.raises(DomainError, match=r"骨干教师仅0人，交流3人须含骨干至少1人"):
        rotation_plan_generate(actor=personnel, year=2026, start_date=ON)


def test_approval_checks_ratios_and_completion_records_assignment(personnel, county_schools):
    school_a, school_b, rural = county_schools
    staff(school_a, 10, backbone=2, subject="math")
    plan = rotation_plan_generate(actor=personnel, year=2026, start_date=ON)
    assert plan.moves.count() == math.ceil(10 * 0.1)
    move = plan.moves.get()
    rotation_move_cancel(actor=personnel, move=move, reason="病假")
    with pytest.raises(DomainError, match="交流人数0人，低于符合条件教师10人的10%"):
        rotation_plan_approve(actor=personnel, plan=plan)
    plan = rotation_plan_generate(actor=personnel, year=2026, start_date=ON)  # regenerate the proposal
    rotation_plan_approve(actor=personnel, plan=plan)
    move = RotationMove.objects.get(plan=plan)
    rotation_move_complete(actor=personnel, move=move, date=ON)
    move.teacher.refresh_from_db()
    assert move.teacher.school == move.to_school == rural
    assert TeacherAssignment.objects.filter(teacher=move.teacher, kind="rotation", school=rural).exists()
    plan.refresh_from_db()
    assert plan.status == "completed"
