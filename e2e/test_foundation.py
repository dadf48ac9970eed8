"""Browser flow of the foundation: log in, home, the student list (filtered through HTMX), a student detail
with the audited ID reveal, and the student list on a 390-px phone."""

from playwright.sync_api import expect

from e2e.conftest import login
from jiaoyun.people.tests.fixtures import ID_A, student_a, student_a2, student_b, students  # noqa: F401


def test_home_student_list_and_detail(page, county_admin, students):  # noqa: F811
    login(page, "county_admin")
    assert page.get_by_test_id("count-students").inner_text().strip() == "3"
    page.get_by_role("link", name="学生", exact=True).click()
    page.wait_for_url("**/people/students/")
    table = page.get_by_test_id("student-table")
    expect(table.locator("tbody tr")).to_have_count(3)
    # The sex filter swaps only the table (HTMX) and pushes the filter into the URL.
    page.select_option("select[name=sex]", "F")
    page.wait_for_url("**sex=F**")
    # Waits through locators: the Content-Security-Policy forbids evaluating strings in the page.
    expect(page.locator("[data-testid=student-table] tbody tr")).to_have_count(1)
    assert "李小红" in table.inner_text()
    page.select_option("select[name=sex]", "")
    expect(page.locator("[data-testid=student-table] tbody tr")).to_have_count(3)
    page.get_by_role("link", name="张小明").click()
    assert page.get_by_test_id("student-name").inner_text().startswith("张小明")
    assert page.get_by_test_id("state-status").inner_text() == "在校"
    assert "甸阳镇中心小学" in page.get_by_test_id("event-table").inner_text()
    # Reveal the full ID number (county admin may; the reveal is audited).
    assert ID_A not in page.get_by_test_id("id-number").inner_text()
    page.get_by_test_id("id-number").get_by_text("显示完整身份证号").click()  # asks why first
    page.get_by_test_id("id-number").get_by_label("查看原因").select_option("核对身份")
    page.get_by_test_id("id-number").get_by_role("button", name="确认查看").click()
    expect(page.get_by_test_id("id-number")).to_contain_text(ID_A)


def test_student_list_on_a_phone(phone_page, township_officer, students):  # noqa: F811
    login(phone_page, "township_officer")
    phone_page.goto("/people/students/")
    table = phone_page.get_by_test_id("student-table")
    expect(table).to_be_visible()
    expect(table.locator("tbody tr")).to_have_count(2)  # township A only
    # The page itself does not scroll sideways: the wide table scrolls inside its panel.
    assert phone_page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    # The navigation opens from the menu button.
    phone_page.get_by_role("button", name="菜单").click()
    expect(phone_page.locator(".sidebar").get_by_role("link", name="学校", exact=True)).to_be_visible()


def test_enrolment_event_form_shows_the_refusal_next_to_the_field(page, principal, student_a):  # noqa: F811
    login(page, "principal")
    page.goto(f"/people/students/{student_a.pk}/")
    form = page.locator("#event-form")
    form.locator("select[name=kind]").select_option("enrol")
    form.locator("input[name=date]").fill("2022-02-01")
    form.locator("select[name=school]").select_option(label="甸阳镇中心小学")
    form.locator("select[name=grade]").select_option("1")
    form.get_by_role("button", name="保存").click()
    error = page.get_by_test_id("error-kind")
    error.wait_for()
    assert "不能重复入学" in error.inner_text()
    # A valid event goes through and the page reloads with it in the history.
    page.locator("#event-form select[name=kind]").select_option("suspend")
    page.locator("#event-form select[name=school]").select_option("")
    page.locator("#event-form select[name=grade]").select_option("")
    page.locator("#event-form input[name=date]").fill("2022-03-01")
    page.locator("#event-form").get_by_role("button", name="保存").click()
    expect(page.get_by_test_id("event-table")).to_contain_text("休学")
    assert page.get_by_test_id("state-status").inner_text() == "休学"
