from playwright.sync_api import expect

from e2e.conftest import login


def test_login_then_home_shows_counts(page, county_admin, school_a):
    login(page, "county_admin")
    expect(page.get_by_test_id("current-user")).to_be_visible()
    assert page.get_by_test_id("count-schools").inner_text().strip() == "1"


def test_wrong_password_is_refused(page, county_admin):
    page.goto("/login/")
    page.fill("#id_username", "county_admin")
    page.fill("#id_password", "wrong-password1")
    page.click("button[type=submit]")
    assert "用户名或密码错误" in page.locator("[role=alert]").inner_text()


def test_language_switcher_shows_english(page, county_admin):
    login(page, "county_admin")
    page.select_option("select[name=language]", "en")
    page.wait_for_selector("text=Students in school")
    expect(page.get_by_role("button", name="Log out")).to_be_visible()
