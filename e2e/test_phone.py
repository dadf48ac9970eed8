"""The platform on a 390-px phone, as the class teacher, the township officer and the county administrator of the
small demo county: no page of a role's menu scrolls sideways (wide tables scroll inside their own box, with a cue),
the everyday lists are cards that lead with the name, the status and the deadline, form controls are big enough
for a thumb, and the ☰ button opens and closes the menu. Screenshots: var/screenshots/phone-<role>-<page>.png."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from e2e.conftest import login, menu_links, shoot, sideways_overflow


def slug(url: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", url.split("?")[0].strip("/").lower()) or "home"


def visit_all(page, role: str, extra: tuple[str, ...] = ()) -> list[str]:
    """Open the home page, every page of the menu and ``extra``; the pages that scroll sideways, with how far."""
    page.goto("/")
    urls = ["/", *menu_links(page), *extra]
    assert len(urls) > 3, urls
    wide = []
    for url in urls:
        response = page.goto(url)
        assert response is not None and response.ok, (url, response and response.status)
        expect(page.locator("main h1").first).to_be_visible()
        overflow = sideways_overflow(page)
        if overflow > 1:
            wide.append(f"{url}: {overflow}px")
        shoot(page, f"phone-{role}-{slug(url)}")
    return wide


def cards_lead_with_status_and_deadline(page, table: str) -> None:
    """The list ``table`` shows one card per row: its status and deadline visible and labelled, the card no wider
    than the screen."""
    row = page.locator(f"{table} tbody tr").first
    expect(row).to_be_visible()
    assert row.evaluate("tr => getComputedStyle(tr).display") == "flex"  # a card, not a table row
    status, deadline = row.locator("td.status"), row.locator("td.deadline")
    expect(status).to_be_visible()
    expect(deadline).to_be_visible()
    expect(deadline).to_have_attribute("data-label", re.compile(r"期限"))
    assert deadline.inner_text().strip()
    box = row.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390
    # the name comes first, then the status and the deadline (before the other fields)
    tops = [row.locator(f"td.{cls}").bounding_box()["y"] for cls in ("key", "status")]  # type: ignore[index]
    others = row.locator("td:not(.key):not(.status):not(.deadline)").first.bounding_box()
    assert tops[0] <= tops[1] < others["y"]  # type: ignore[index]


def thumb_sized(page, form: str) -> None:
    """Every visible input, select and button of ``form`` is at least 44 px tall, its text at least 16 px."""
    controls = page.locator(
        f"{form} input:not([type=hidden]):not([type=checkbox]):not([type=radio]):visible, "
        f"{form} select:visible, {form} button:visible"
    )
    assert controls.count() > 0
    for i in range(controls.count()):
        c = controls.nth(i)
        box = c.bounding_box()
        assert box is not None and box["height"] >= 44, (c.evaluate("e => e.outerHTML")[:120], box)
        assert c.evaluate("e => parseFloat(getComputedStyle(e).fontSize)") >= 16


def menu_toggles(page) -> None:
    toggle, menu = page.get_by_test_id("nav-toggle"), page.locator("nav.sidebar")
    expect(menu).to_be_hidden()
    toggle.click()
    expect(menu).to_be_visible()
    expect(toggle).to_have_attribute("aria-expanded", "true")
    toggle.click()
    expect(menu).to_be_hidden()
    expect(toggle).to_have_attribute("aria-expanded", "false")
    toggle.click()  # choosing a page closes it
    link = menu.locator("a").last
    href = link.get_attribute("href")
    link.click()
    page.wait_for_url(f"**{href}")
    expect(menu).to_be_hidden()


def test_class_teacher_on_a_phone(phone_page, demo_county):
    login(phone_page, "teacher")
    assert visit_all(phone_page, "teacher", extra=("/dropout/ledger/all/", "/dropout/absences/")) == []
    phone_page.goto("/dropout/ledger/all/")
    expect(phone_page.locator("table.card-list tbody tr").first).to_be_visible()
    phone_page.goto("/account/password/")
    thumb_sized(phone_page, "main form:not(.inline)")
    shoot(phone_page, "phone-teacher-form")
    menu_toggles(phone_page)


def test_township_officer_on_a_phone(phone_page, demo_county):
    login(phone_page, "township")
    assert visit_all(phone_page, "township", extra=("/dropout/ledger/all/", "/safety/inspections/")) == []

    phone_page.goto("/dropout/ledger/all/")
    cards_lead_with_status_and_deadline(phone_page, "[data-testid=case-table]")
    shoot(phone_page, "phone-township-cases")

    phone_page.goto("/safety/hazards/")
    cards_lead_with_status_and_deadline(phone_page, "[data-testid=hazard-table]")
    thumb_sized(phone_page, "form.filters")
    # a filter reloads the list through HTMX: the new rows are cards with their labels too
    with phone_page.expect_response(lambda r: "/safety/hazards/" in r.url and r.request.headers.get("hx-request")):
        phone_page.select_option("select[name=status]", "active")
    expect(phone_page.locator("[data-testid=hazard-table] td.deadline").first).to_have_attribute(
        "data-label", "整改期限"
    )
    cards_lead_with_status_and_deadline(phone_page, "[data-testid=hazard-table]")
    shoot(phone_page, "phone-township-hazards")
    menu_toggles(phone_page)


def test_county_admin_on_a_phone(phone_page, demo_county):
    login(phone_page, "admin")
    assert visit_all(phone_page, "admin", extra=("/dropout/ledger/all/", "/indicators/references/")) == []

    # a wide matrix stays a table, scrolling in its own box with the hint
    phone_page.goto("/safety/")
    wrap = phone_page.locator(".table-wrap.scrollable").first
    expect(wrap).to_be_visible()
    expect(wrap.locator(".scroll-hint")).to_have_text(re.compile("左右滑动查看"))
    box = wrap.locator(".table-scroll")
    assert box.evaluate("b => b.scrollWidth > b.clientWidth")
    # the charts fit the screen and say what they show
    chart = phone_page.locator("[data-chart]").first
    expect(chart).to_have_attribute("role", "img")
    expect(chart).to_have_attribute("aria-label", re.compile(r"\S+。\S+"))
    assert chart.bounding_box()["width"] <= 390  # type: ignore[index]

    phone_page.goto("/dropout/ledger/all/")
    cards_lead_with_status_and_deadline(phone_page, "[data-testid=case-table]")
    phone_page.goto("/people/students/new/")
    thumb_sized(phone_page, "main form:not(.inline)")
    shoot(phone_page, "phone-admin-form")
    menu_toggles(phone_page)
