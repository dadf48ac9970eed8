"""Targets, references, status and the gap in children; the CLI prints the same figures."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

from django.core.management import call_command

from jiaoyun.core.schoolyear import SchoolYear
from jiaoyun.indicators.compute import Period
from jiaoyun.indicators.demo import seed_targets
from jiaoyun.indicators.models import Reference, Target
from jiaoyun.indicators.selectors import Targets, home_headline, indicator_rows
from jiaoyun.indicators.services import indicators_compute

CENSUS = dt.date(2021, 9, 30)


def rows_by_code(area, year=2021):
    return {r.code: r for r in indicator_rows(year=SchoolYear(year), area=area)}


def test_plan_targets_status_and_gap_in_children(world, county, township_a, village_a2):
    seed_targets()
    indicators_compute(periods=[Period(SchoolYear(2021), CENSUS)])
    rows = rows_by_code(county)
    senior = rows["senior_gross"]
    # 3 ÷ 4 = 75% against 92%: ceil(0.92 × 4 − 3) = ceil(0.68) = 1 more child
    assert (senior.value, senior.target, senior.status, senior.gap) == (75.0, 92.0, "not_met", 1)
    assert senior.gap_text == "还需 1 名15–17周岁儿童在校方可达到 92%"
    assert senior.national == 91.4  # 2021 公报, seeded by migration
    # 学前: 4 ÷ 8 = 50% against 85%: ceil(6.8 − 4) = 3; 巩固率 3 ÷ 5 against 97%: ceil(4.85 − 3) = 2
    assert (rows["preschool_gross"].status, rows["preschool_gross"].gap) == ("not_met", 3)
    assert (rows["retention_9y"].status, rows["retention_9y"].gap) == ("not_met", 2)
    # indicators without a target carry no status
    assert rows["junior_gross"].status == "" and rows["junior_gross"].gap is None
    # townships fall back to the county's target
    assert rows_by_code(township_a)["preschool_gross"].target == 85.0
    # an empty denominator is 无数据, not 0% and not a crash
    empty = rows_by_code(village_a2)["preschool_gross"]
    assert (empty.value, empty.status, empty.status_label, empty.value_text) == (None, "no_data", "无数据", "无数据")


def test_city_average_raises_the_target_and_targets_stand_for_later_years(world, county):
    seed_targets()
    Reference.objects.create(code="preschool_gross", scope="city", year=2021, value=90.0)
    indicators_compute(periods=[Period(SchoolYear(2021), CENSUS)])
    row = rows_by_code(county)["preschool_gross"]
    # effective target max(85, 90) = 90: ceil(0.9 × 8 − 4) = ceil(3.2) = 4
    assert (row.target, row.city, row.gap) == (90.0, 90.0, 4)
    targets = Targets()
    assert targets.plan("senior_gross", area_id=county.pk, township_id=None, year=SchoolYear(2025)) == 92.0
    assert targets.plan("senior_gross", area_id=county.pk, township_id=None, year=SchoolYear(2020)) is None


def test_within_the_margin_is_still_not_met(world, county):
    Target.objects.create(code="primary_net", area=county, school_year=2021, value=63.0)
    Target.objects.create(code="dropout_primary", area=county, school_year=2021, value=28.0)
    Target.objects.create(code="junior_net", area=county, school_year=2021, value=100.0)
    indicators_compute(periods=[Period(SchoolYear(2021), CENSUS)])
    rows = rows_by_code(county)
    # 62.5 is below 63, within 1 point: 未达标（临界）, never 达标
    assert (rows["primary_net"].status, rows["primary_net"].status_label) == ("at_risk", "未达标（临界）")
    assert rows["primary_net"].gap == 1  # ceil(0.63 × 8 − 5) = ceil(0.04)
    # lower is better: 2 ÷ 7 = 28.571% against ≤28% is 未达标（临界）; 2 − 0.28 × 7 = 0.04 → 1 fewer dropout
    assert (rows["dropout_primary"].status_label, rows["dropout_primary"].gap) == ("未达标（临界）", 1)
    assert rows["dropout_primary"].gap_text == "需减少 1 名方可降至 28%"
    # exactly on the target (3 ÷ 3 = 100%) is 达标
    assert rows["junior_net"].status_label == "达标"


def test_plan_targets_name_their_source(county):
    seed_targets()
    # 施甸县教育体育局2021年工作计划, 三、工作目标 (not a 工作要点)
    sources = set(Target.objects.values_list("source", flat=True))
    assert sources == {"施甸县教育体育局2021年工作计划 三、工作目标（各项指标达全市平均水平）"}


def test_home_headline_shows_the_three_targets_of_the_current_year(world, county, county_admin):
    seed_targets()
    data = home_headline(user=county_admin)
    assert data is not None
    assert [r.code for r in data["rows"]] == ["preschool_gross", "retention_9y", "senior_gross"]
    # the 2021 targets stand for the current year; nothing computed yet: 无数据
    assert [(r.target, r.status) for r in data["rows"]] == [(85.0, "no_data"), (97.0, "no_data"), (92.0, "no_data")]


def test_cli_prints_the_hand_computed_figures(world, county, township_b):
    seed_targets()
    out = io.StringIO()
    call_command("indicators", "--year", "2021", "--as-of", "2021-09-30", "--format", "json", stdout=out)
    data = {r["code"]: r for r in json.loads(out.getvalue())}
    expected = {
        "preschool_gross": (50.0, 4, 8), "preschool_net": (37.5, 3, 8), "primary_gross": (75.0, 6, 8),
        "primary_net": (62.5, 5, 8), "junior_gross": (133.33, 4, 3), "junior_net": (100.0, 3, 3),
        "retention_9y": (60.0, 3, 5), "retention_junior": (75.0, 3, 4), "dropout_primary": (28.57, 2, 7),
        "dropout_junior": (0.0, 0, 4), "senior_gross": (75.0, 3, 4), "progression_primary": (33.33, 1, 3),
        "inclusive_kg_coverage": (75.0, 3, 4), "public_kg_share": (50.0, 2, 4), "large_class": (None, 0, 0),
        "ptr_primary": (3.0, 6, 2), "ptr_junior": (4.0, 4, 1), "ptr_senior": (None, 2, 0),
    }  # fmt: skip
    for code, (value, num, den) in expected.items():
        assert (data[code]["value"], data[code]["numerator"], data[code]["denominator"]) == (value, num, den), code
    assert data["senior_gross"]["target"] == 92.0 and data["senior_gross"]["status"] == "not_met"
    assert data["senior_gross"]["area"] == "施甸县" and data["senior_gross"]["year"] == 2021
    # csv for a township
    out = io.StringIO()
    call_command("indicators", "--year", "2021", "--area", township_b.code, "--format", "csv", stdout=out)
    rows = {r["code"]: r for r in csv.DictReader(io.StringIO(out.getvalue()))}
    assert rows["primary_gross"]["value"] == "66.67" and rows["primary_gross"]["area"] == "老麦乡"
    # table format shows 无数据 for an empty denominator
    out = io.StringIO()
    call_command("indicators", "--year", "2021", stdout=out)
    line = next(ln for ln in out.getvalue().splitlines() if ln.startswith("large_class"))
    assert "无数据" in line
