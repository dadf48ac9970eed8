"""Accessibility (WCAG 2.1 A/AA, axe-core in the browser): the login page and the pages each role works with in the
small demo county, on a desktop and a 390-px phone: a label on every input, enough contrast, names on links and
buttons, the document language, table headers, charts described in words. A page passes with no violation.
See docs/accessibility.md."""

from __future__ import annotations

from playwright.sync_api import expect

from e2e.conftest import axe_violations, login, menu_links, shoot

# Pages reached from other pages rather than the menu, by role.
EXTRA = {
    "admin": (
        "/dropout/ledger/all/",
        "/dropout/children/",
        "/dropout/absences/",
        "/dropout/responsibles/",
        "/safety/compliance/",
        "/safety/inspections/",
        "/safety/rules/",
        "/teachers/gaps/",
        "/people/students/new/",
    ),
    "teacher": ("/dropout/ledger/all/", "/dropout/absences/", "/account/password/"),
    "village": ("/dropout/ledger/all/", "/dropout/children/"),
}


def check(page, urls, *, label: str) -> dict[str, list[str]]:
    """Open each address and run axe-core; the violations by address (empty when every page passes)."""
    found: dict[str, list[str]] = {}
    for url in urls:
        response = page.goto(url)
        assert response is not None and response.ok, (url, response and response.status)
        expect(page.locator("h1").first).to_be_visible()
        page.wait_for_function("() => !document.querySelector('[data-chart]:not([data-booted])')")  # charts drawn
        violations = axe_violations(page)
        if violations:
            found[url] = violations
            shoot(page, f"a11y-{label}-{url.strip('/').replace('/', '-') or 'home'}")
    return found


def logout(page) -> None:
    page.click("form[action='/logout/'] button")
    page.wait_for_url(lambda url: "/login/" in url)


def role_pages(page, role: str) -> list[str]:
    page.goto("/")
    return list(dict.fromkeys(["/", *menu_links(page), *EXTRA.get(role, ())]))


def first_link(page, list_url: str, selector: str = "table.data tbody td a") -> str | None:
    page.goto(list_url)
    link = page.locator(selector).first
    return link.get_attribute("href") if link.count() else None


def test_login_page(page, phone_page):
    for pg in (page, phone_page):
        pg.goto("/login/")
        assert axe_violations(pg) == []
        pg.fill("#id_username", "nobody")
        pg.fill("#id_password", "wrong")
        pg.click("button[type=submit]")
        expect(pg.locator(".errorlist, .messages, .errornote").first).to_be_visible()
        assert axe_violations(pg) == []


def test_county_admin_and_auditor_pages(page, phone_page, demo_county):
    login(page, "admin")
    urls = role_pages(page, "admin")
    # detail pages and forms: a case, a hazard, a hiring round, a student, a school, a new inspection
    details = [
        first_link(page, "/dropout/ledger/all/"),
        first_link(page, "/safety/hazards/"),
        first_link(page, "/teachers/rounds/"),
        first_link(page, "/people/students/"),
        first_link(page, "/schools/"),
    ]
    school = page.locator("table.data tbody td a").first.get_attribute("href").rstrip("/").rsplit("/", 1)[-1]  # type: ignore[union-attr]
    urls += [u for u in details if u] + [f"/safety/inspections/new/?school={school}"]
    found = check(page, urls, label="admin")

    # a list reloaded through HTMX (the hazards filter): the new rows pass too
    page.goto("/safety/hazards/")
    with page.expect_response(lambda r: "/safety/hazards/" in r.url and r.request.headers.get("hx-request")):
        page.select_option("select[name=status]", "active")
    expect(page.locator("#results table")).to_be_visible()
    if violations := axe_violations(page):
        found["/safety/hazards/ (HTMX)"] = violations

    login(phone_page, "admin")
    found.update(
        {
            f"phone {u}": v
            for u, v in check(
                phone_page,
                ["/", "/dropout/", "/dropout/ledger/all/", "/safety/", "/safety/hazards/"],
                label="admin-phone",
            ).items()
        }
    )

    # the audit log, as the auditor reads it
    logout(page)
    login(page, "auditor")
    found.update({f"auditor {u}": v for u, v in check(page, role_pages(page, "auditor"), label="auditor").items()})
    assert found == {}


def test_class_teacher_and_village_cadre_pages(page, phone_page, demo_county):
    found: dict[str, list[str]] = {}
    for role, phone in (
        ("teacher", ["/", "/dropout/ledger/all/", "/dropout/absences/", "/people/students/"]),
        ("village", ["/", "/dropout/ledger/all/", "/dropout/children/"]),
    ):
        login(page, role)
        urls = role_pages(page, role)
        case = first_link(page, "/dropout/ledger/all/")
        found.update({f"{role} {u}": v for u, v in check(page, urls + ([case] if case else []), label=role).items()})
        login(phone_page, role)
        found.update({f"{role} phone {u}": v for u, v in check(phone_page, phone, label=f"{role}-phone").items()})
        for pg in (page, phone_page):
            logout(pg)
    assert found == {}
