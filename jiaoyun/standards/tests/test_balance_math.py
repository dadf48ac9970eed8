"""Hand-computed checks of every 优质均衡 formula (REFERENCE §2.1–2.2)."""

from __future__ import annotations

import math
from decimal import Decimal

import pytest

from jiaoyun.standards import balance as B


def row(school_id: int, pupils: int, part: str = "primary", **amounts: float) -> B.Row:
    base = dict.fromkeys(B.CODES, 0.0)
    base.update(amounts)
    return B.Row(school_id, f"学校{school_id}", 1, "甸阳镇", part, pupils, base)


def passing_amounts(pupils: int, part: str = "primary", margin: float = 1.0) -> dict[str, float]:
    """Amounts that put every indicator at ``margin`` × its threshold."""
    return {c: B.threshold(c, part) * pupils / B.BY_CODE[c].scale * margin for c in B.CODES}


def test_worked_example_of_reference():
    """REFERENCE §2.2: five primary schools, 生均图书册数, county mean 6.33; per-school terms (Pᵢ/P)(Xᵢ−X̄)²
    0.003, 0.85, 5.13, 4.50, 0.17; sum 10.65; √ = 3.26; CV = 3.26 / 6.33 ≈ 0.52. The schools below are five
    whose enrolments and values give exactly those published terms."""
    pupils = [717, 638, 708, 397, 282]
    books = [6.44, 8.24, 1.87, 11.9, 5.04]
    mean, s, v = B.cv(zip(books, pupils, strict=True))
    assert round(mean, 2) == 6.33
    total = sum(pupils)
    terms = [p / total * (x - mean) ** 2 for x, p in zip(books, pupils, strict=True)]
    assert [round(terms[0], 3)] + [round(t, 2) for t in terms[1:]] == [0.003, 0.85, 5.13, 4.50, 0.17]
    assert round(sum(terms), 2) == 10.65
    assert round(s, 2) == 3.26
    assert round(v, 2) == 0.52


def test_cv_small_hand_computed():
    # Two schools of 100 and 300 pupils with 2 and 6 per pupil: X̄ = (200 + 1800)/400 = 5;
    # S² = 0.25·9 + 0.75·1 = 3; CV = √3 / 5 = 0.34641.
    mean, s, v = B.cv([(2, 100), (6, 300)])
    assert mean == 5
    assert s == pytest.approx(math.sqrt(3))
    assert v == pytest.approx(math.sqrt(3) / 5)


def test_cv_from_sums_equals_textbook_form():
    # Amounts R = X·P/c: per-100 indicator, schools (P=100, R=3), (P=300, R=6), (P=50, R=2).
    rows = [(100, 3.0), (300, 6.0), (50, 2.0)]
    textbook = B.cv((r * 100 / p, p) for p, r in rows)[2]
    p_total = sum(p for p, _ in rows)
    r_total = sum(r for _, r in rows)
    q = sum(r * r / p for p, r in rows)
    assert B.cv_from_sums(p_total, r_total, q) == pytest.approx(textbook)
    # X = 3, 2, 4; X̄ = 1100/450 = 2.4444; S² = (100·0.3086 + 300·0.1975 + 50·2.4198)/450 = 0.4691
    assert textbook == pytest.approx(math.sqrt(0.46913580) / 2.44444444, rel=1e-6)


def test_indicator_values_per_100_and_per_pupil():
    r = row(1, 400, qualified=20, teaching_area=2000, equipment=900_000, multimedia=10)
    assert r.value("qualified") == 5.0  # 20 ÷ 400 × 100
    assert r.value("teaching_area") == 5.0  # 2000 ÷ 400
    assert r.value("equipment") == 2250.0
    assert r.value("multimedia") == 2.5
    assert row(2, 0, qualified=3).value("qualified") == 0.0


def test_six_of_seven_rule_with_85_percent_remainder():
    ok = passing_amounts(200)
    assert B.assess_school(row(1, 200, **ok)).passes
    # One indicator at 90 % of its threshold: six met, remainder ≥ 85 % → passes.
    one_low = {**ok, "sports_area": 7.5 * 200 * 0.90}
    r = B.assess_school(row(1, 200, **one_low))
    assert r.passes and r.met_count == 6 and r.failing == ["sports_area"]
    # The same at 84 %: fails (remainder below 85 %).
    r = B.assess_school(row(1, 200, **{**ok, "sports_area": 7.5 * 200 * 0.84}))
    assert not r.passes and "85%" in r.reason
    # Exactly 85 %: passes.
    assert B.assess_school(row(1, 200, **{**ok, "sports_area": 7.5 * 200 * 0.85})).passes
    # Two indicators below (even at 99 %): fails.
    two_low = {**ok, "sports_area": 7.5 * 200 * 0.99, "pe_art": 0.9 * 2 * 0.99}
    assert not B.assess_school(row(1, 200, **two_low)).passes


def test_junior_thresholds_differ():
    # 5.0 teachers per 100 pupils: meets 小学 4.2, not 初中 5.3.
    assert B.assess_school(row(1, 100, "primary", qualified=5)).met["qualified"]
    assert not B.assess_school(row(1, 100, "junior", qualified=5)).met["qualified"]


def test_part_result_and_limits():
    rows = [row(1, 100, **passing_amounts(100)), row(2, 300, **passing_amounts(300, margin=1.2))]
    res = B.assess(rows, "primary")
    assert res.schools_meeting == 2
    # X = T and 1.2 T weighted 1:3 → X̄ = 1.15 T, S² = .25·.0225 + .75·.0025 = .0075 → CV = .0866/1.15 = .0753
    assert res.coefficients["qualified"].cv == pytest.approx(math.sqrt(0.0075) / 1.15)
    assert res.passes
    # A county whose pupils are concentrated: CV above 0.50 fails the 学部.
    skew = [row(1, 100, qualified=20), row(2, 900, qualified=1)]
    res = B.assess(skew, "primary")
    assert res.coefficients["qualified"].cv > 0.5 and not res.passes


def test_what_if_changes_values_without_touching_input():
    base = [row(1, 200, **passing_amounts(200)), row(2, 400, **{**passing_amounts(400), "pe_art": 1.0})]
    changed = B.apply(base, [B.Change(2, "primary", "pe_art", 3), B.Change(2, "primary", "sports_area", 800)])
    assert base[1].amounts["pe_art"] == 1.0
    assert changed[1].amounts["pe_art"] == 4.0  # 4 teachers ÷ 400 × 100 = 1.0 ≥ 0.9
    assert changed[1].value("pe_art") == 1.0
    assert changed[1].amounts["sports_area"] == 7.5 * 400 + 800


def test_school_plan_is_exact_cheapest():
    # 400 pupils; teachers: pe_art 2.0 (0.5 per 100; 56 % of 0.9 → must be lifted); teaching area at 80 % of 4.5.
    amounts = {**passing_amounts(400), "pe_art": 2.0, "teaching_area": 4.5 * 400 * 0.80}
    plan = B.school_plan(row(1, 400, **amounts))
    # Options: lift pe_art to 100 % (need 3.6 → +2 teachers = 240 000) and teaching area to 85 % (+90 ㎡ =
    # 315 000), total 555 000; or pe_art to 85 % (3.06 → +2 teachers, same cost) and area to 100 % (+360 ㎡ =
    # 1 260 000). The first is cheaper.
    by_code = {c.code: c for c in plan}
    assert by_code["pe_art"].amount == 2
    assert by_code["teaching_area"].amount == 90
    assert sum(c.cost for c in plan) == Decimal("555000")
    assert B.assess_school(B.apply([row(1, 400, **amounts)], plan)[0]).passes


def test_cv_plan_lowers_the_coefficient_below_the_limit():
    rows = [row(1, 100, multimedia=6), row(2, 900, multimedia=2)]
    before = B.assess(rows, "primary").coefficients["multimedia"].cv
    assert before > 0.5
    plan = B.cv_plan(rows, "primary", "multimedia")
    after = B.assess(B.apply(rows, plan), "primary").coefficients["multimedia"].cv
    assert after <= 0.5
    assert all(c.school_id == 2 for c in plan)  # the rooms go to the poorer school
    # Greedy is tight here: one room fewer does not reach the limit.
    fewer = [B.Change(2, "primary", "multimedia", sum(c.amount for c in plan) - 1)]
    assert B.assess(B.apply(rows, fewer), "primary").coefficients["multimedia"].cv > 0.5


def test_cheapest_plan_lifts_everything():
    rows = [
        row(1, 300, **{**passing_amounts(300), "backbone": 1.0}),
        row(2, 600, **passing_amounts(600, margin=1.1)),
        row(3, 80, **{**passing_amounts(80, margin=3.0), "pe_art": 0}),
    ]
    plan = B.cheapest_plan(rows, "primary")
    assert plan.result is not None and plan.result.passes
    assert plan.cost > 0
