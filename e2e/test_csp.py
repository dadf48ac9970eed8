"""Under the Content-Security-Policy the pages still work: no violation is reported while the main pages load,
and the behaviours that used to be inline handlers (language switcher, menu button, confirm dialog) run from
web/app.js."""

from playwright.sync_api import expect

from e2e.conftest import login
from jiaoyun.people.tests.fixtures import student_a, student_a2, student_b, students  # noqa: F401

# The county administrator's pages (the audit log is the audit administrator's alone: 三员分立).
PAGES = ("/", "/people/students/", "/dropout/", "/dropout/children/", "/safety/", "/indicators/", "/teachers/",
         "/learning/", "/exchange/", "/exchange/students/upload/", "/account/password/")  # fmt: skip


def test_pages_load_without_csp_violations(page, county_admin, students):  # noqa: F811
    violations: list[str] = []
    page.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)
    login(page, "county_admin")
    for path in PAGES:
        response = page.goto(path)
        assert response is not None and response.status < 400, path
        assert "script-src 'self' 'nonce-" in response.headers["content-security-policy"]
    assert violations == []


def test_language_switcher_and_menu_button_work_without_inline_handlers(phone_page, county_admin):
    page = phone_page
    login(page, "county_admin")
    page.locator("select[name=language]").select_option("en")
    page.wait_for_load_state("load")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.locator(".nav-toggle").click()
    expect(page.locator("body")).to_have_class("nav-open")
