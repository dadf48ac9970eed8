"""Which 骨干 levels count toward the rotation's 20 % backbone share (``TEACHERS_ROTATION_BACKBONE_LEVELS``)."""

import datetime as dt

import pytest

from jiaoyun.core.errors import DomainError
from jiaoyun.teachers.selectors import rotation_eligible_count
from jiaoyun.teachers.services import rotation_plan_generate
from jiaoyun.teachers.services.rotation import plan_problems
from jiaoyun.teachers.tests import test_rotation
from jiaoyun.teachers.tests.conftest import make_teacher

ON = test_rotation.ON
county_schools = test_rotation.county_schools  # the same fixture

SINCE = dt.date(2015, 9, 1)


def _math(school, backbone=""):
    return make_teacher(school, main_subject="math", school_since=SINCE, backbone=backbone)


@pytest.fixture
def pool(county_schools):
    """30 eligible math teachers at school_a: one 县级骨干, two 校级骨干 (next ids), 27 others."""
    school_a, *_ = county_schools
    county_level = _math(school_a, "county")
    school_level = [_math(school_a, "school") for _ in range(2)]
    others = [_math(school_a) for _ in range(27)]
    return county_level, school_level, others


def test_default_counts_county_level_and_above(personnel, pool):
    county_level, school_level, _others = pool
    # 30 eligible → ⌈3.0⌉ = 3 moves, ⌈0.6⌉ = 1 backbone; only the 县级骨干 counts.
    assert rotation_eligible_count(on=ON) == {"total": 30, "backbone": 1}
    plan = rotation_plan_generate(actor=personnel, year=2026, start_date=ON)
    moves = list(plan.moves.order_by("id"))
    # The backbone step takes the 县级骨干; the next two (same school, same tenure) go by id: the two 校级骨干.
    assert [m.teacher for m in moves] == [county_level, *school_level]
    assert [m.backbone for m in moves] == [True, False, False]
    assert plan.eligible_backbone == 1
    assert "其中骨干1人（33.3%）" in plan.note  # 1 / 3
    assert plan_problems(plan) == []


def test_school_level_counts_when_the_setting_includes_it(personnel, pool, settings):
    settings.JIAOYUN = {
        **settings.JIAOYUN,
        "TEACHERS_ROTATION_BACKBONE_LEVELS": ["school", "county", "city", "province"],
    }
    county_level, school_level, _others = pool
    assert rotation_eligible_count(on=ON) == {"total": 30, "backbone": 3}
    plan = rotation_plan_generate(actor=personnel, year=2026, start_date=ON)
    moves = list(plan.moves.order_by("id"))
    assert [m.teacher for m in moves] == [county_level, *school_level]
    assert [m.backbone for m in moves] == [True, True, True]
    assert plan.eligible_backbone == 3
    assert "其中骨干3人（100.0%）" in plan.note  # 3 / 3


def test_only_school_level_backbones_do_not_meet_the_default_share(personnel, county_schools):
    school_a, *_ = county_schools
    for i in range(30):
        _math(school_a, "school" if i < 3 else "")
    with pytest.raises(DomainError, match=r"骨干教师仅0人，交流3人须含骨干至少1人"):
        rotation_plan_generate(actor=personnel, year=2026, start_date=ON)
