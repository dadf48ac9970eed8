"""Browser flow: county dashboard → township → school → the students behind a figure."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import expect

from e2e.conftest import login
from jiaoyun.indicators.tests.conftest import world  # noqa: F401  (the tiny county with 学籍 histories)


@pytest.fixture
def computed(world):  # noqa: F811
    from jiaoyun.core.schoolyear import SchoolYear
    from jiaoyun.indicators.compute import Period
    from jiaoyun.indicators.demo import seed_targets
    from jiaoyun.indicators.services import indicators_compute

    seed_targets()
    indicators_compute(periods=[Period(SchoolYear(2021), dt.date(2021, 9, 30))])
    return world


def test_dashboard_to_township_to_school_to_students(page, computed, county_admin):
    login(page, "county_admin")
    page.goto("/indicators/?year=2021")
    expect(page.get_by_test_id("headline-senior_gross")).to_be_visible()
    assert "75.0%" in page.get_by_test_id("headline-senior_gross").inner_text()
    assert (
        "还需 1 名15–17周岁儿童在校方可达到 92%"
        in page.get_by_test_id("headline-senior_gross").get_by_test_id("gap-senior_gross").inner_text()
    )
    # township ranking → 老麦乡
    page.get_by_test_id("township-ranking").get_by_role("link", name="老麦乡").click()
    page.wait_for_url("**/indicators/area/**")
    assert "老麦乡 · 目标指标" in page.locator("h1").inner_text()
    assert page.get_by_test_id("value-primary_gross").inner_text() == "66.7%"
    # school table → 老麦乡中心小学
    page.get_by_test_id("school-table").get_by_role("link", name="老麦乡中心小学").click()
    page.wait_for_url("**/indicators/school/**")
    # the rate, and beside it the children still out of school (the one dropout did not come back)
    assert page.get_by_test_id("value-dropout_primary").inner_text().split("\n") == ["33.3%", "仍失学 1 人"]
    # the numerator of the dropout rate: the one child who dropped out
    page.get_by_test_id("num-dropout_primary").click()
    page.wait_for_url("**/indicators/drill/**")
    table = page.get_by_test_id("drill-table")
    expect(table.get_by_role("link", name="P5")).to_be_visible()
    expect(table.locator("tbody tr")).to_have_count(1)
    # its denominator: the pupils at the start of the year
    page.get_by_role("link", name="分母：学年初小学在校生").click()
    expect(page.get_by_test_id("drill-table").locator("tbody tr")).to_have_count(3)


def test_dashboard_fits_a_phone(phone_page, computed, county_admin):
    login(phone_page, "county_admin")
    phone_page.goto("/indicators/?year=2021")
    card = phone_page.get_by_test_id("headline-preschool_gross")
    expect(card).to_be_visible()
    box = card.bounding_box()
    assert box is not None and box["x"] + box["width"] <= 375
