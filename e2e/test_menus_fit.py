"""Browser: menus and pages that fit the role — a class teacher has no 编制 or 交流轮岗 link and the page refuses in
Chinese; a township officer finds 县管校聘 in his menu and opens his township's round, whose school select holds his
township's schools only. Screenshots at desktop and phone width (var/screenshots/menus_*.png)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from e2e.conftest import login, shoot
from jiaoyun.core.tests.factories import UserFactory


@pytest.fixture(params=["page", "phone_page"])
def any_page(request, browser, live_server, django_db_serialized_rollback, transactional_db):
    """The desktop or the phone page. The database fixtures are named here, not only reached through
    ``getfixturevalue``: pytest-django decides at collection which tests are transactional with serialized
    rollback, and a test it takes for a plain one would flush the data the migrations seeded for the tests after it."""
    return request.getfixturevalue(request.param), "desk" if request.param == "page" else "phone"


def _open_menu(page) -> None:
    """On a phone the sidebar is behind the menu button."""
    toggle = page.locator("button.nav-toggle")
    if toggle.is_visible():
        toggle.click()


def test_a_class_teacher_sees_no_staffing_page(any_page, class_teacher):
    page, tag = any_page
    login(page, "class_teacher")
    page.goto("/")
    _open_menu(page)
    nav = page.locator("nav.sidebar")
    expect(nav.get_by_role("link", name="学生")).to_have_count(1)
    for label in ("编制与缺口", "县管校聘", "交流轮岗", "师德档案"):
        expect(nav.get_by_role("link", name=label)).to_have_count(0)
    page.goto("/teachers/quotas/")
    expect(page.locator("main")).to_contain_text("编制与缺口仅县教育局、乡镇和学校负责人可查看")
    shoot(page, f"menus_teacher_403_{tag}")


def test_a_township_officer_opens_his_townships_round(any_page, township_officer, township_a, school_a, school_b):
    page, tag = any_page
    UserFactory(username="personnel", role="bureau_staff", section="personnel")
    login(page, "township_officer")
    page.goto("/")
    _open_menu(page)
    page.locator("nav.sidebar").get_by_role("link", name="县管校聘").click()
    expect(page).to_have_url(re.compile(r"/teachers/rounds/$"))
    expect(page.locator("main")).to_contain_text(f"范围：{township_a.name}")
    page.fill("[data-testid=round-name]", "2026年本乡校聘")
    page.fill("[data-testid=round-date]", "2026-09-01")
    page.click("[data-testid=round-create]")
    expect(page.locator("h1")).to_contain_text(f"2026年本乡校聘（{township_a.name}）")
    options = page.locator("[data-testid=post-school] option")
    expect(options).to_have_count(1)
    expect(options).to_have_text([school_a.name])
    expect(page.locator("[data-testid=round-advance]")).to_be_visible()
    shoot(page, f"menus_township_round_{tag}")
