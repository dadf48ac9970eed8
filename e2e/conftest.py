"""Browser tests: Playwright driving Debian's Chromium (/usr/bin/chromium) against a live test server.

Each test gets a fresh browser context; ``login(page, user)`` signs in through the real login form.
Data seeded by migrations (rules, checklists, national references) is restored after each test
(serialized rollback), since a live server needs real commits and the flush would remove it.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    if not shutil.which(CHROMIUM) and not os.path.exists(CHROMIUM):
        pytest.fail(f"Chromium not found at {CHROMIUM}: run `make system-deps` as root")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server, django_db_serialized_rollback, transactional_db):
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900}, base_url=live_server.url)
    context.set_default_timeout(15_000)
    pg = context.new_page()
    yield pg
    context.close()


@pytest.fixture
def phone_page(browser, live_server, django_db_serialized_rollback, transactional_db):
    context = browser.new_context(
        locale="zh-CN", viewport={"width": 390, "height": 844}, base_url=live_server.url, is_mobile=True
    )
    context.set_default_timeout(15_000)
    pg = context.new_page()
    yield pg
    context.close()


def login(page, username: str, password: str = "Jiaoyun2021") -> None:
    page.goto("/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit]")
    page.wait_for_url(lambda url: "/login/" not in url or "/login/totp/" in url)
    if "/login/totp/" in page.url:  # the second factor of the administrative roles, as an authenticator app would
        page.fill("#id_code", totp_code(username))
        page.click("button[type=submit]")
        page.wait_for_url(lambda url: "/login/" not in url)


def totp_code(username: str) -> str:
    """The code an authenticator app would show for the user's (possibly just enrolled) secret; a time step
    already used is skipped, as each code is accepted once."""
    import time

    import pyotp

    from jiaoyun.core.accounts import totp_secret
    from jiaoyun.core.models import TotpDevice

    device = TotpDevice.objects.get(user__username=username)
    totp = pyotp.TOTP(totp_secret(device))
    step = max(int(time.time()) // totp.interval, device.last_step + 1)
    return totp.generate_otp(step)


# Screenshots for review: every run writes them here (desktop and phone width), named by the test.
SCREENSHOTS = Path(os.environ.get("E2E_SCREENSHOTS", Path(__file__).resolve().parent.parent / "var" / "screenshots"))


def shoot(page, name: str) -> Path:
    """Save a full-page screenshot as ``var/screenshots/<name>.png`` and return its path."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


# axe-core's rules that must pass on every page (WCAG 2.1 A/AA): labels on every input, contrast, names of links and
# buttons, document language and title, landmarks, ARIA use.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def axe_violations(page, *, exclude: tuple[str, ...] = ()) -> list[str]:
    """Run axe-core in the page; one readable line per violation (rule, impact, where), empty when the page passes.
    ``exclude`` lists CSS selectors left out (e.g. a third-party chart canvas)."""
    from axe_playwright_python.sync_playwright import Axe

    context: dict | None = {"exclude": [[sel] for sel in exclude]} if exclude else None
    result = Axe().run(page, context=context, options={"runOnly": {"type": "tag", "values": AXE_TAGS},
                                                       "resultTypes": ["violations"]})  # fmt: skip
    lines = []
    for v in result.response["violations"]:
        targets = ", ".join(" ".join(n["target"]) for n in v["nodes"][:3])
        lines.append(f"{v['id']} ({v['impact']}): {v['help']} — {targets}")
    return lines


def seed_demo_county(
    *, seed: int = 42, apps: tuple[str, ...] = ("teachers", "safety", "dropout", "indicators")
) -> None:
    """The demo generator's small county (two townships, 13 schools, the demo accounts with password Jiaoyun2021:
    admin, township, principal, teacher, village, auditor, …) and the demo data of ``apps`` (cases with their steps
    and deadlines, hazards, rounds, indicators), as ``manage.py demo_data --size tiny`` writes them; learning
    records are left out unless asked for, as they take most of the time."""
    import importlib
    import io
    import random

    from django.db import transaction
    from django.utils import timezone

    from jiaoyun.demo.generator import HOOK_APPS, generate

    out = io.StringIO()
    today = timezone.localdate()
    generate(seed=seed, tiny=True, hooks=False, today=today, stdout=out)
    for k, app in enumerate(HOOK_APPS, start=1):  # the generator's order and seeds
        if app in apps:
            with transaction.atomic():
                importlib.import_module(f"jiaoyun.{app}.demo").generate(
                    rng=random.Random(seed + k), scale=1, stdout=out, today=today
                )


@pytest.fixture
def demo_county(transactional_db, django_db_serialized_rollback):
    """The small demo county (``seed_demo_county``) for pages that need realistic data of every module. Name it
    after ``page``/``phone_page`` in a test's arguments (not through ``usefixtures``: the data seeded by the
    migrations is then restored only when the database was set up for serialized rollback)."""
    seed_demo_county()


def sideways_overflow(page) -> int:
    """How many pixels the page itself scrolls sideways (0 when everything fits the screen or scrolls in its box).

    A click that follows a link returns once the new page has started to load; its body may not be parsed yet, so
    the measure waits for the page to finish loading first."""
    page.wait_for_load_state("load")
    return int(page.evaluate("document.scrollingElement.scrollWidth - window.innerWidth"))


def menu_links(page) -> list[str]:
    """The addresses in the side menu of the page shown (the pages the signed-in role works with)."""
    return page.eval_on_selector_all("nav.sidebar a", "links => links.map(a => a.getAttribute('href'))")


# The shared county/persona fixtures of the unit tests are available here too.
from jiaoyun.conftest import *  # noqa: E402,F403
