"""Lists in the browser: the students list opens on the children in school, the pager's numbers and its jump keep
the filters, the module tabs mark the current page; on a 390-px phone the pager and the tabs fit the screen."""

import pytest
from playwright.sync_api import expect

from e2e.conftest import login, shoot
from jiaoyun.people.models import Student


@pytest.fixture
def pupils(school_a):
    rows = [Student(name=f"在校{i:02d}", sex="M" if i % 2 else "F", birth_date="2014-03-01", status="in_school",
                    current_school=school_a) for i in range(60)]  # fmt: skip
    rows.append(Student(name="辍学甲", sex="M", birth_date="2012-03-01", status="dropped_out", current_school=school_a))
    Student.objects.bulk_create(rows)


def test_pager_jump_and_default_status(page, township_officer, pupils):
    login(page, "township_officer")
    page.goto("/people/students/?sex=M&per_page=10")
    pager = page.get_by_test_id("pager")
    expect(pager).to_contain_text("共 30 条 · 第 1/3 页")  # in school only, boys
    expect(page.get_by_test_id("student-table")).not_to_contain_text("辍学甲")
    pager.get_by_label("跳至页码").fill("3")
    pager.get_by_role("button", name="确定").click()
    page.wait_for_url("**page=3**")
    expect(page.get_by_test_id("pager")).to_contain_text("第 3/3 页")
    assert "sex=M" in page.url and "per_page=10" in page.url
    page.get_by_test_id("pager").get_by_role("link", name="第 2 页").click()
    expect(page.locator("[data-testid=pager] [aria-current=page]")).to_have_text("2")
    expect(page.get_by_test_id("subnav").locator("[aria-current=page]")).to_have_text("学生")
    # 全部状态 shows the child who dropped out too.
    page.select_option("[data-testid=status-filter]", "all")
    expect(page.get_by_test_id("student-table")).to_contain_text("辍学甲")
    shoot(page, "lists-students-desktop")


def test_pager_and_tabs_on_a_phone(phone_page, township_officer, pupils):
    login(phone_page, "township_officer")
    phone_page.goto("/people/students/?per_page=10&page=3")
    expect(phone_page.get_by_test_id("pager")).to_contain_text("共 60 条 · 第 3/6 页")
    expect(phone_page.get_by_test_id("pager").get_by_role("button", name="确定")).to_be_visible()
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 390  # no sideways scrolling
    phone_page.goto("/safety/")
    expect(phone_page.get_by_test_id("subnav").locator("[aria-current=page]")).to_have_text("总览")
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 390  # the tabs scroll inside
    shoot(phone_page, "lists-safety-phone")
