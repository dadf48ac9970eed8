"""The legal checks, each computed by hand: growth above revenue, per-student growth, only-up, pay, 定额."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from jiaoyun.finance.checks import LevelRow, YearRow, all_checks, year_checks


def year(y: int, e: str, r: str, students: int | None = 1000, **kw) -> YearRow:
    return YearRow(year=y, education_expenditure=D(e), recurrent_revenue=D(r), students_entered=students, **kw)


def by_key(checks):
    return {c.key: c for c in checks}


def test_education_spending_must_grow_faster_than_recurrent_revenue():
    # 2022 → 2023: education 1 000 000 → 1 100 000 (+10%), revenue 5 000 000 → 5 400 000 (+8%): passes
    c = by_key(year_checks(year(2023, "1100000", "5400000"), year(2022, "1000000", "5000000")))["growth_vs_revenue"]
    assert c.passed is True
    assert "增长10.00%" in c.text and "增长8.00%" in c.text and "高于" in c.text
    # revenue +12%: education's +10% is lower
    c = by_key(year_checks(year(2023, "1100000", "5600000"), year(2022, "1000000", "5000000")))["growth_vs_revenue"]
    assert c.passed is False and "低于" in c.text


def test_equal_growth_is_not_higher():
    # both +10% exactly: "高于" is not met
    c = by_key(year_checks(year(2023, "1100000", "5500000"), year(2022, "1000000", "5000000")))["growth_vs_revenue"]
    assert c.passed is False and "等于" in c.text


def test_growth_is_compared_exactly_not_after_rounding():
    # education +1/3 (300 → 400), revenue 3 000 000 → 3 999 999.99 (+33.3333330%): both print as 33.33%, yet higher
    c = by_key(year_checks(year(2023, "400", "3999999.99"), year(2022, "300", "3000000")))["growth_vs_revenue"]
    assert c.passed is True


def test_the_first_year_has_no_year_on_year_check_and_says_so():
    checks = by_key(year_checks(year(2023, "1", "1"), None))
    assert checks["growth_vs_revenue"].passed is None
    assert "无2022年度数据" in checks["growth_vs_revenue"].text
    assert checks["growth_vs_revenue"].status == "未计算"


def test_a_gap_in_the_years_is_not_compared():
    result = all_checks([year(2020, "100", "100"), year(2022, "200", "100")])
    assert by_key(result[2022])["expenditure_not_less"].passed is None


def test_per_student_spending_equal_passes_only_up_but_not_growth():
    # 1 000 000 / 1000 = 1000 元; 1 100 000 / 1100 = 1000 元: 持平
    checks = by_key(year_checks(year(2023, "1100000", "1", students=1100), year(2022, "1000000", "1")))
    assert checks["per_student_not_less"].passed is True
    assert checks["per_student_growth"].passed is False
    assert "持平" in checks["per_student_growth"].text


def test_per_student_spending_decrease_fails_both():
    # 1 000 000 / 1000 = 1000; 1 050 000 / 1100 = 954.55: down although the total grew
    checks = by_key(year_checks(year(2023, "1050000", "1", students=1100), year(2022, "1000000", "1")))
    assert checks["per_student_not_less"].passed is False
    assert checks["per_student_growth"].passed is False
    assert "954.55" in checks["per_student_not_less"].text and "下降" in checks["per_student_not_less"].text
    assert checks["expenditure_not_less"].passed is True


def test_per_student_uses_the_registry_count_when_none_was_entered():
    now = YearRow(year=2023, education_expenditure=D("1000"), recurrent_revenue=D("1"), students_registry=4)
    before = YearRow(year=2022, education_expenditure=D("1000"), recurrent_revenue=D("1"), students_registry=5)
    assert now.per_student == D("250.00")
    assert by_key(year_checks(now, before))["per_student_growth"].passed is True


def test_expenditure_only_up_decrease_fails_and_equal_passes():
    down = by_key(year_checks(year(2023, "999999.99", "1"), year(2022, "1000000", "1")))["expenditure_not_less"]
    assert down.passed is False and "减少" in down.text
    same = by_key(year_checks(year(2023, "1000000", "1"), year(2022, "1000000.00", "1")))["expenditure_not_less"]
    assert same.passed is True and "持平" in same.text


def test_teachers_pay_not_below_civil_servants_equal_passes():
    def pay(t, c):
        return by_key(year_checks(year(2023, "1", "1", teacher_pay=D(t), civil_servant_pay=D(c)), None))[
            "teacher_vs_civil_servant"
        ]

    assert pay("98000", "98000").passed is True
    low = pay("97999.99", "98000")
    assert low.passed is False and "低0.01元" in low.text
    assert pay("99000", "98000").passed is True


def test_teachers_pay_must_grow():
    y = year(2023, "1", "1", teacher_pay=D("90000"))
    assert by_key(year_checks(y, year(2022, "1", "1", teacher_pay=D("90000"))))["teacher_pay_growth"].passed is False
    assert by_key(year_checks(y, year(2022, "1", "1", teacher_pay=D("89000"))))["teacher_pay_growth"].passed is True


def test_public_funds_per_student_against_the_benchmark_by_level():
    # 2023 (定额 小学 650, 初中 850): 小学 650 000 / 1000 = 650 (equal: passes); 初中 400 000 / 500 = 800 < 850
    levels = [
        LevelRow("primary", public_funds=D("650000"), students_entered=1000),
        LevelRow("junior", public_funds=D("400000"), students_entered=500),
        LevelRow("senior", public_funds=D("1"), students_entered=1),  # no 定额 for 普通高中 by default: no check
    ]
    checks = by_key(year_checks(year(2023, "10000000", "1", levels=levels), None))
    assert checks["benchmark_primary"].passed is True
    junior = checks["benchmark_junior"]
    assert junior.passed is False
    # 按定额应拨 850 × 500 = 425 000 元 = 42.50万元, 差 25 000 元 = 2.50万元
    assert "42.50万元" in junior.text and "差2.50万元" in junior.text
    assert "benchmark_senior" not in checks


def test_the_benchmark_of_a_year_is_the_latest_before_it():
    levels = [LevelRow("primary", public_funds=D("620000"), students_entered=1000)]  # 620 元
    assert by_key(year_checks(year(2021, "1", "1", levels=levels), None))["benchmark_primary"].passed is True  # 600
    assert by_key(year_checks(year(2022, "1", "1", levels=levels), None))["benchmark_primary"].passed is False  # 650


def test_public_funds_per_student_growth_over_levels():
    before = year(2022, "1", "1", levels=[LevelRow("primary", public_funds=D("600000"), students_entered=1000)])
    same = year(2023, "1", "1", levels=[LevelRow("primary", public_funds=D("660000"), students_entered=1100)])
    assert by_key(year_checks(same, before))["public_growth"].passed is False  # 600 → 600
    up = year(2023, "1", "1", levels=[LevelRow("primary", public_funds=D("660001"), students_entered=1100)])
    assert by_key(year_checks(up, before))["public_growth"].passed is True


@pytest.mark.parametrize("entered,registry,differ", [(1000, 1000, False), (1021, 1000, True), (1020, 1000, False)])
def test_entered_and_registry_students_differ_beyond_two_percent(entered, registry, differ):
    row = YearRow(year=2023, education_expenditure=D("1"), recurrent_revenue=D("1"), students_entered=entered,
                  students_registry=registry)  # fmt: skip
    assert row.students_differ is differ
