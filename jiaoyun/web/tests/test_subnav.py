"""One sub-navigation across the modules: each module's pages draw the one partial (``{% subnav %}``), the current
tab marked with aria-current, only the tabs the user may open."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.urls import reverse

from jiaoyun.web.subnav import MODULES

ROOT = Path(__file__).resolve().parents[2]

# (module, its main page, the tab that page marks as current)
MAIN_PAGES = [
    ("dropout", "dropout:dashboard", "台账总览"),
    ("safety", "safety:dashboard", "总览"),
    ("teachers", "teachers:dashboard", "编制与缺口"),
    ("basic", "people:students", "学生"),
    ("basic", "schools:list", "学校"),
    ("basic", "areas:list", "区域与人口"),
    ("indicators", "indicators:dashboard", "指标总览"),
]


def _subnavs(html: str) -> list[str]:
    return re.findall(r'<nav class="subnav[^"]*".*?</nav>', html, re.S)


@pytest.mark.parametrize(("module", "name", "current"), MAIN_PAGES)
def test_each_module_main_page_has_the_one_subnav(client, county_admin, module, name, current):
    client.force_login(county_admin)
    response = client.get(reverse(name))
    assert response.status_code == 200
    navs = _subnavs(response.content.decode())
    assert len(navs) == 1
    nav = navs[0]
    assert f'data-module="{module}"' in nav and 'data-testid="subnav"' in nav
    marked = re.findall(r'<a href="([^"]+)" aria-current="page" class="active">([^<]+)</a>', nav)
    assert [label for _url, label in marked] == [current]
    assert marked[0][0] == reverse(name)


def test_a_deeper_page_marks_its_tab(client, county_admin):
    client.force_login(county_admin)
    nav = _subnavs(client.get(reverse("dropout:ledger", args=["dropouts"])).content.decode())[0]
    assert re.findall(r'aria-current="page" class="active">([^<]+)<', nav) == ["辍学学生台账"]


def test_tabs_a_user_may_not_open_are_not_shown(client, township_officer, county_admin):
    client.force_login(township_officer)
    nav = _subnavs(client.get(reverse("dropout:dashboard")).content.decode())[0]
    assert "户籍名册" not in nav  # the roster is the county's
    client.force_login(county_admin)
    assert "户籍名册" in _subnavs(client.get(reverse("dropout:dashboard")).content.decode())[0]


def test_no_module_keeps_its_own_tab_partial():
    templates = list(ROOT.rglob("templates/**/*.html"))
    for old in ("dropout/_subnav.html", "safety/_nav.html", "teachers/_tabs.html"):
        assert not [p for p in templates if old in p.read_text(encoding="utf-8")], old
    used = {m for p in templates for m in re.findall(r'{% subnav "(\w+)" %}', p.read_text(encoding="utf-8"))}
    assert used == set(MODULES)
