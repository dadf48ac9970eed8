"""一村一幼、一乡一中心 and 普惠 capacity, computed by hand on a small county.

township_a (甸阳镇, the seat)
  village_a1 甸阳社区  (24.700, 99.100)  K1 公办 施甸县幼儿园, 90 seats             → 本村有园
  village_a2 大竹林村  (24.715, 99.100)  nothing; K1 is 0.015° = 1.67 km away       → 就近有园 (≤ 2 km)
  (an 其他民办 kindergarten of 60 seats in village_a1: no 普惠 seat)
township_b (老麦乡)
  village_b1 太和社区  (24.800, 99.100)  nothing; nearest K1 11.1 km                → 缺口
  village_b2 新寨村    (24.900, 99.200)  a 教学点 (grades −2…4)                      → 本村有园
  village_b3 无坐标村  (no coordinates)   nothing                                   → 无坐标
  KB 老麦乡中心幼儿园: 普惠性民办, 30 seats — named 中心 but not public             → 一乡一中心 gap
"""

from __future__ import annotations

import datetime as dt
import sys
import types
from decimal import Decimal as D

import pytest
from django.urls import reverse

from jiaoyun.areas.tests.factories import PopulationCellFactory, VillageFactory
from jiaoyun.facilities.coverage import selectors
from jiaoyun.facilities.coverage.compute import GAP, IN_VILLAGE, NEARBY, UNKNOWN
from jiaoyun.schools.tests.factories import SchoolFactory

ON = dt.date(2024, 10, 8)


def at(area, lat, lng):
    area.latitude, area.longitude = D(str(lat)), D(str(lng))
    area.save()
    return area


def children(village, per_age_and_sex, year=2023):
    for age in (3, 4, 5):
        for sex in ("M", "F"):
            PopulationCellFactory(area=village, year=year, age=age, sex=sex, count=per_age_and_sex)


@pytest.fixture
def layout(township_a, township_b, village_a1, village_a2, village_b1, school_b):
    at(village_a1, 24.7, 99.1)
    at(village_a2, 24.715, 99.1)
    at(village_b1, 24.8, 99.1)
    b2 = at(VillageFactory(parent=township_b, code="530521201002", name="新寨村"), 24.9, 99.2)
    b3 = VillageFactory(parent=township_b, code="530521201003", name="无坐标村")
    k1 = SchoolFactory(code="2153990001", name="施甸县幼儿园", kind="kindergarten", township=township_a, village=village_a1, seats=90,
                       latitude=D("24.7"), longitude=D("99.1"))  # fmt: skip
    SchoolFactory(code="2153990002", name="博雅双语幼儿园", kind="kindergarten", ownership="other_private", township=township_a,
                  village=village_a1, seats=60, latitude=D("24.7"), longitude=D("99.1"))  # fmt: skip
    SchoolFactory(code="2153990003", name="老麦乡中心幼儿园", kind="kindergarten", ownership="inclusive_private", township=township_b,
                  village=None, seats=30)  # fmt: skip
    SchoolFactory(code="2153990004", name="新寨教学点", kind="teaching_point", parent=school_b, township=township_b, village=b2,
                  latitude=D("24.9"), longitude=D("99.2"))  # fmt: skip
    # children 3–5: township_a 20 × 6 = 120, township_b 5 × 6 + 20 × 6 − … see below
    children(village_a1, 10)  # 60
    children(village_a2, 10)  # 60
    children(village_b1, 5)  # 30
    children(b2, 2)  # 12
    children(b3, 1)  # 6 → township_b 48
    PopulationCellFactory(area=village_a1, year=2023, age=6, sex="M", count=500)  # not 3–5
    PopulationCellFactory(area=village_a1, year=2022, age=4, sex="M", count=500)  # an older year
    PopulationCellFactory(area=township_a, year=2023, age=4, sex="M", count=500)  # township cells: not summed
    return {"k1": k1, "b2": b2, "b3": b3}


def no_projects(monkeypatch, seats=None):
    module = types.ModuleType("jiaoyun.facilities.selectors")
    calls = []

    def seats_in_progress(*, level, by=None):
        calls.append(level)
        return seats or {}

    module.seats_in_progress = seats_in_progress  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "jiaoyun.facilities.selectors", module)
    return calls


def test_each_village_is_covered_in_the_village_nearby_or_is_a_gap(layout, county_admin, monkeypatch):
    no_projects(monkeypatch)
    c = selectors.coverage(user=county_admin, on=ON)
    status = {v.village.name: (v.status, v.km) for v in c.villages}
    assert status["甸阳社区"] == (IN_VILLAGE, 0.0)
    assert status["大竹林村"] == (NEARBY, 1.67)  # 0.015° of latitude = 1.668 km
    assert status["太和社区"][0] == GAP and status["太和社区"][1] == pytest.approx(11.12, abs=0.01)
    assert status["新寨村"] == (IN_VILLAGE, 0.0)  # the 教学点 teaches grades −2…0
    assert status["无坐标村"] == (UNKNOWN, None)
    assert c.covered == 3 and len(c.villages) == 5


def test_the_distance_is_a_setting(layout, county_admin, monkeypatch, settings):
    no_projects(monkeypatch)
    settings.JIAOYUN = {**getattr(settings, "JIAOYUN", {}), "COVERAGE_DISTANCE_KM": 1.5}
    c = selectors.coverage(user=county_admin, on=ON)
    assert {v.village.name: v.status for v in c.villages}["大竹林村"] == GAP


def test_a_primary_school_with_a_preschool_class_this_year_is_a_site(layout, county_admin, monkeypatch, village_b1,
                                                                       township_b):  # fmt: skip
    from jiaoyun.schools.tests.factories import SchoolClassFactory

    no_projects(monkeypatch)
    p = SchoolFactory(code="2153990005", name="太和小学", township=township_b, village=village_b1)
    SchoolClassFactory(school=p, school_year=2023, grade=1)  # a first grade: not a preschool class
    assert {v.village.name: v.status for v in selectors.coverage(user=county_admin, on=ON).villages}["太和社区"] == GAP
    SchoolClassFactory(school=p, school_year=2024, grade=0)  # 学前班 this school year (2024–25)
    assert {v.village.name: v.status for v in selectors.coverage(user=county_admin, on=ON).villages}["太和社区"] == (
        IN_VILLAGE
    )


def test_a_township_needs_a_public_central_kindergarten(layout, county_admin, monkeypatch):
    no_projects(monkeypatch)
    c = selectors.coverage(user=county_admin, on=ON)
    centres = {t.name: t.centre for t in c.centres}
    assert centres["甸阳镇"].name == "施甸县幼儿园"  # the seat: its public kindergarten is the centre
    assert centres["老麦乡"] is None  # named 中心幼儿园 but 普惠性民办
    gaps = [(g.kind, g.name) for g in c.gaps]
    assert gaps == [("centre", "老麦乡中心幼儿园"), ("village", "太和社区"), ("village", "无坐标村")]


def test_capacity_now_and_after_the_projects_in_progress(layout, county_admin, township_a, township_b, monkeypatch):
    calls = no_projects(monkeypatch, {township_b.id: 30})
    c = selectors.coverage(user=county_admin, on=ON)
    assert calls == ["preschool"]
    rows = {r.name: r for r in c.capacity.rows}
    # 甸阳镇: 120 children, 90 普惠 seats (the 60 of the 其他民办 kindergarten do not count)
    assert (rows["甸阳镇"].children, rows["甸阳镇"].seats, rows["甸阳镇"].rate) == (120, 90, 75.0)
    # 老麦乡: 48 children, 30 seats now (62.5%), 60 after (125.0%)
    assert (rows["老麦乡"].children, rows["老麦乡"].seats, rows["老麦乡"].after) == (48, 30, 60)
    assert (rows["老麦乡"].rate, rows["老麦乡"].rate_after) == (62.5, 125.0)
    county = c.county
    # 168 children × 80% = 134.4 → 135 seats needed; 120 now → 15 missing; 150 after → none
    assert (county.children, county.seats, county.after) == (168, 120, 150)
    assert county.missing(80.0) == 15 and county.missing(80.0, after=True) == 0
    assert county.rate == 71.4


def test_a_township_officer_sees_their_township_only(layout, township_officer, monkeypatch):
    no_projects(monkeypatch)
    c = selectors.coverage(user=township_officer, on=ON)
    assert {v.village.name for v in c.villages} == {"甸阳社区", "大竹林村"}
    assert [r.name for r in c.capacity.rows] == ["甸阳镇"]


def test_the_gap_links_open_a_prefilled_project(layout, county_admin, monkeypatch, township_b):
    no_projects(monkeypatch)
    monkeypatch.setattr(selectors, "reverse", lambda name: "/facilities/projects/new/")
    gap = next(g for g in selectors.coverage(user=county_admin, on=ON).gaps if g.name == "太和社区")
    assert gap.link is not None and gap.link.startswith("/facilities/projects/new/?")
    from urllib.parse import parse_qs, urlsplit

    q = parse_qs(urlsplit(gap.link).query)
    assert q["township"] == [str(township_b.id)] and q["village"] == [str(gap.village_id)]
    assert q["kind"] == ["new"] and q["level"] == ["preschool"] and "11.12公里" in q["note"][0]


def test_the_page_lists_gaps_and_refuses_schools_in_chinese(client, layout, county_admin, principal, monkeypatch):
    no_projects(monkeypatch)
    client.force_login(county_admin)
    page = client.get(reverse("facilities:coverage")).content.decode()
    assert "太和社区" in page and "老麦乡没有公办中心幼儿园" in page and 'data-testid="coverage-gaps"' in page
    client.force_login(principal)
    response = client.get(reverse("facilities:coverage"))
    assert response.status_code == 403 and "无权" in response.content.decode()
