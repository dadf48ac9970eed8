"""Browser flow of the 基础教育股 (`basic`): the forecast dashboard, the shortfalls, a township's detail; phone."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from e2e.conftest import axe_violations, login, seed_demo_county, shoot, sideways_overflow


@pytest.fixture
def forecast_county(transactional_db, django_db_serialized_rollback):
    """The tiny demo county with its seats (schools hook) and one forecast run (forecast hook)."""
    seed_demo_county(apps=("schools", "forecast"))


def test_basic_finds_where_seats_will_be_short(page, forecast_county):
    login(page, "basic")
    page.goto("/forecast/")
    assert "学位预测" in page.locator("h1").inner_text()
    shortfalls = page.get_by_test_id("shortfalls")
    expect(shortfalls).to_be_visible()
    assert page.get_by_test_id("forecast-table").locator("tbody tr").count() > 0
    assert page.locator(".chart canvas").count() >= 2  # the trend and the townships' chart are drawn
    expect(page.get_by_test_id("backtest")).to_be_visible()
    expect(page.get_by_test_id("inputs")).to_be_visible()
    assert axe_violations(page, exclude=(".chart",)) == []
    shoot(page, "forecast-dashboard")
    page.get_by_test_id("forecast-table").get_by_role("link", name="甸阳镇").first.click()
    page.wait_for_url("**/forecast/townships/**")
    assert "甸阳镇 · 学位预测" in page.locator("h1").inner_text()
    expect(page.get_by_test_id("rates")).to_be_visible()
    shoot(page, "forecast-township")


def test_the_dashboard_fits_a_phone(phone_page, forecast_county):
    login(phone_page, "basic")
    phone_page.goto("/forecast/")
    expect(phone_page.get_by_test_id("shortfalls")).to_be_visible()
    assert sideways_overflow(phone_page) <= 0
    shoot(phone_page, "forecast-dashboard-phone")
