"""Browser flow of the safety section: inspection → hazard → rectification (principal, with a photo)
→ refused close → re-inspection by the township officer → closed."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from e2e.conftest import login
from jiaoyun.safety.models import Hazard


def logout(page) -> None:
    page.click("form[action='/logout/'] button")
    page.wait_for_url(lambda url: "/login/" in url)


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def test_inspection_hazard_rectification_close(page, media, township_officer, principal, school_a):
    deadline = (timezone.localdate() + dt.timedelta(days=10)).isoformat()

    # The township officer inspects school_a and fails the gate item.
    login(page, "township_officer")
    page.goto(f"/safety/inspections/new/?school={school_a.pk}")
    page.select_option("select[name=kind]", "township")
    page.get_by_test_id("fail-1").check()
    page.get_by_test_id("note-1").fill("校门损坏：铰链断裂")
    page.select_option("[data-testid=responsible]", str(principal.pk))
    page.get_by_test_id("deadline").fill(deadline)
    page.click("[data-testid=inspection-form] button.btn:has-text('保存检查记录')")
    assert page.get_by_test_id("score").inner_text() == "90.0"
    page.click("text=待整改")
    assert page.get_by_test_id("hazard-status").inner_text() == "待整改"
    hazard_url = page.url
    logout(page)

    # The principal uploads a photo of the repair, then tries to close it himself: refused.
    login(page, "principal")
    page.goto(hazard_url)
    page.fill("textarea[name=note]", "已更换校门铰链")
    page.set_input_files(
        "input[name=evidence]",
        files=[{"name": "gate.jpg", "mimeType": "image/jpeg", "buffer": b"\xff\xd8\xff\xe0jpeg"}],
    )
    page.click("[data-testid=rectify-form] button")
    assert page.get_by_test_id("hazard-status").inner_text() == "已整改待复查"
    expect(page.locator("a:has-text('gate.jpg')")).to_have_count(1)
    page.click("[data-testid=close-form] button")
    assert "未经复查验收，不能销号" in page.locator(".messages").inner_text()
    page.select_option("[data-testid=verify-form] select[name=passed]", "1")
    page.click("[data-testid=verify-form] button")
    assert "整改人不能复查自己的整改" in page.locator(".messages").inner_text()
    logout(page)

    # The township officer verifies on site and closes the hazard.
    login(page, "township_officer")
    page.goto(hazard_url)
    page.select_option("[data-testid=verify-form] select[name=passed]", "1")
    page.fill("[data-testid=verify-form] textarea[name=note]", "现场复查合格")
    page.click("[data-testid=verify-form] button")
    assert page.get_by_test_id("hazard-status").inner_text() == "复查通过"
    page.click("[data-testid=close-form] button")
    assert page.get_by_test_id("hazard-status").inner_text() == "已销号"

    h = Hazard.objects.get()
    assert (h.status, h.fixed_by, h.verified_by) == ("closed", principal, township_officer)


def test_dashboard_on_a_phone(phone_page, county_admin, school_a):
    login(phone_page, "county_admin")
    phone_page.goto("/safety/")
    assert phone_page.locator("h1").inner_text() == "平安校园"
    width = phone_page.evaluate("document.documentElement.scrollWidth")
    assert width <= 400
