"""The 督导室 compiles and issues the month's 督查通报 in one step and sees its decisions; the township reads
the decision in its inbox on a phone and reports back."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from e2e.conftest import login, shoot, sideways_overflow
from jiaoyun.core.choices import Role, Section
from jiaoyun.core.tests.factories import UserFactory


@pytest.fixture
def office(county):
    return UserFactory(username="supervision", role=Role.BUREAU_STAFF, section=Section.SUPERVISION)


def test_supervision_issues_the_bulletin_and_the_township_reads_it(page, phone_page, settings, office, township_a,
                                                                  township_b, township_officer, tmp_path):  # fmt: skip
    settings.JIAOYUN = {**settings.JIAOYUN, "DROPOUT_INTERVIEW_OVERDUE": 0}  # every township 约谈
    settings.MEDIA_ROOT = tmp_path
    login(page, "supervision")
    page.goto("/bulletins/")
    page.get_by_test_id("compile").click()
    expect(page.get_by_test_id("bulletin-draft")).to_be_visible()
    assert "约谈（第2级）" in page.get_by_test_id("proposed").inner_text()
    page.on("dialog", lambda dialog: dialog.accept())
    page.get_by_test_id("issue").click()
    issued = page.get_by_test_id("bulletin-issued").inner_text()
    assert "施教体督〔" in issued
    decisions = page.get_by_test_id("decisions")
    assert "甸阳镇" in decisions.inner_text() and "已下达" in decisions.inner_text()
    decisions.locator("a", has_text="甸阳镇").click()
    assert page.get_by_test_id("decision-state").inner_text() == "已下达"

    # The township officer, on a phone: the bell counts it, the inbox lists it, the decision takes the report.
    login(phone_page, "township_officer")
    phone_page.goto("/notices/")
    assert "约谈" in phone_page.get_by_test_id("inbox").inner_text()
    expect(phone_page.get_by_test_id("bell")).to_have_text(re.compile(r"1\s*$"))  # the count loads by HTMX
    assert sideways_overflow(phone_page) == 0
    shoot(phone_page, "bulletins-inbox-phone")
    phone_page.get_by_test_id("inbox").locator("a", has_text="约谈").click()
    phone_page.fill("textarea[name=note]", "已召开专题会议整改")
    phone_page.click("button:has-text('提交反馈')")
    assert phone_page.get_by_test_id("decision-state").inner_text() == "已反馈"
    for url in ("/bulletins/", "/bulletins/decisions/"):
        phone_page.goto(url)
        assert sideways_overflow(phone_page) == 0, url
    phone_page.locator("table.data a").first.click()
    assert sideways_overflow(phone_page) == 0, phone_page.url


def test_the_pages_pass_axe(page, settings, office, township_a, township_b, county_leader):
    from e2e.conftest import axe_violations
    from jiaoyun.bulletins import services
    from jiaoyun.bulletins.tests.conftest import APRIL_5, MARCH

    settings.JIAOYUN = {**settings.JIAOYUN, "DROPOUT_INTERVIEW_OVERDUE": 0}
    draft = services.bulletin_compile(actor=office, month=MARCH, on=APRIL_5)
    issued = services.bulletin_issue(actor=office, bulletin=draft, on=APRIL_5)
    other = services.bulletin_compile(actor=office, month=dt.date(2021, 4, 1), on=dt.date(2021, 5, 3))
    decision = issued.decisions.first()
    login(page, "supervision")
    found = {}
    for url in ("/bulletins/", f"/bulletins/{issued.pk}/", f"/bulletins/{other.pk}/", "/bulletins/decisions/",
                f"/bulletins/decisions/{decision.pk}/", "/bulletins/screen/", "/notices/", "/notices/preferences/"):  # fmt: skip
        assert page.goto(url).ok, url
        page.wait_for_function("() => !document.querySelector('[data-chart]:not([data-booted])')")
        if violations := axe_violations(page):
            found[url] = violations
    assert not found, found
    page.goto("/bulletins/screen/")
    shoot(page, "bulletins-screen")
