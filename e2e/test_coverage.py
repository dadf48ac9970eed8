"""Browser checks of the preschool layout: the coverage list, the map drawn from the county's outlines, the phone
layout; and the finance dashboard's failing year."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from e2e.conftest import login, sideways_overflow
from jiaoyun.areas.services import boundary_save
from jiaoyun.core.choices import Role, Section
from jiaoyun.core.tests.factories import UserFactory
from jiaoyun.schools.tests.factories import SchoolFactory

SQUARE_A = [[[99.0, 24.6], [99.2, 24.6], [99.2, 24.8], [99.0, 24.8], [99.0, 24.6]]]
SQUARE_B = [[[99.2, 24.6], [99.4, 24.6], [99.4, 24.9], [99.2, 24.9], [99.2, 24.6]]]


@pytest.fixture
def layout(county, township_a, township_b, village_a1, village_a2, village_b1, county_admin):
    for area, (lat, lng) in ((village_a1, (24.7, 99.1)), (village_a2, (24.71, 99.1)), (village_b1, (24.8, 99.3))):
        area.latitude, area.longitude = D(str(lat)), D(str(lng))
        area.save()
    SchoolFactory(code="2153990101", name="施甸县幼儿园", kind="kindergarten", township=township_a, village=village_a1,
                  seats=90, latitude=D("24.7"), longitude=D("99.1"))  # fmt: skip
    features = [
        {"type": "Feature", "properties": {"code": t.code}, "geometry": {"type": "Polygon", "coordinates": sq}}
        for t, sq in ((township_a, SQUARE_A), (township_b, SQUARE_B))
    ]
    boundary_save(actor=county_admin, county=county, raw={"type": "FeatureCollection", "features": features})


def test_the_leader_sees_the_gaps_and_the_map_drawn_from_the_outlines(page, layout, county_leader):
    login(page, "county_leader")
    page.goto("/facilities/coverage/")
    gaps = page.get_by_test_id("coverage-gaps")
    assert "太和社区" in gaps.inner_text() and "老麦乡没有公办中心幼儿园" in gaps.inner_text()
    assert page.get_by_test_id("villages-covered").inner_text() == "2/3"
    page.wait_for_selector("[data-testid=coverage-map][data-ready=map] canvas")
    assert "学前布局地图：共" in (page.get_by_test_id("coverage-map").get_attribute("aria-label") or "")
    page.goto("/facilities/map/")
    page.wait_for_selector("[data-testid=county-map][data-ready=map] canvas")


def test_the_township_officer_reads_the_list_on_a_phone(phone_page, layout, township_officer):
    login(phone_page, "township_officer")
    phone_page.goto("/facilities/coverage/")
    assert phone_page.get_by_test_id("centres-met").inner_text() == "1/1"
    assert "太和社区" not in phone_page.content()  # another township's village
    phone_page.wait_for_selector("[data-testid=coverage-map][data-ready=map] canvas")
    assert sideways_overflow(phone_page) == 0


def test_the_finance_section_sees_the_failing_year(page, county):
    from jiaoyun.finance.services import finance_year_save

    staff = UserFactory(username="finance", role=Role.BUREAU_STAFF, section=Section.FINANCE)
    base = {"recurrent_revenue": D("1000000000"), "students": 50000, "source": "", "note": ""}
    finance_year_save(actor=staff, year=2022, figures={**base, "education_expenditure": D("700000000")}, levels={})
    finance_year_save(actor=staff, year=2023, figures={**base, "education_expenditure": D("690000000")}, levels={})
    login(page, "finance")
    page.goto("/finance/")
    assert page.get_by_test_id("failing-years").inner_text() == "2023"
    assert "不符合“只增不减”" in page.get_by_test_id("finance-year-2023").inner_text()
    page.wait_for_selector("[data-chart=chart-growth] canvas")
