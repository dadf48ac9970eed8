"""Browser flows of supervision: the director's work-plan page (desktop and phone), a 责任督学's monthly visit that
opens a 整改, and the township submitting it for verification — each on a 390-px phone as well."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from e2e.conftest import login, seed_demo_county, shoot, sideways_overflow
from jiaoyun.supervision.choices import RectStatus
from jiaoyun.supervision.models import Rectification, Zone


@pytest.fixture
def county(transactional_db, django_db_serialized_rollback, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    seed_demo_county(apps=("supervision",))


def logout(page) -> None:
    page.click("form[action='/logout/'] button")
    page.wait_for_url(lambda url: "/login/" in url)


def test_the_director_sees_the_late_tasks_and_whose(page, phone_page, county):
    login(page, "admin")
    page.goto("/supervision/")
    late = int(page.get_by_test_id("late-count").inner_text())
    rows = page.locator("[data-testid=late-tasks] tbody tr")
    assert late > 0 and rows.count() >= 1
    assert "股" in rows.first.inner_text() or "室" in rows.first.inner_text()  # whose: the lead 股室
    assert page.locator("[data-testid=plan-table] tbody tr").count() >= 20
    shoot(page, "supervision-plan-director")
    page.goto("/supervision/assessment/")
    assert page.locator("[data-testid=assessment-table] tbody tr").count() >= 2
    login(phone_page, "admin")
    phone_page.goto("/supervision/")
    expect(phone_page.get_by_test_id("late-tasks")).to_be_visible()
    assert sideways_overflow(phone_page) == 0
    shoot(phone_page, "supervision-plan-director-phone")


def test_an_inspectors_visit_opens_a_rectification_the_township_submits(page, phone_page, county):
    zone = Zone.objects.filter(inspector__username="inspector", schools__township__name="老麦乡").distinct().first()
    school = zone.schools.order_by("code").first()
    deadline = (timezone.localdate() + dt.timedelta(days=20)).isoformat()
    login(phone_page, "inspector")
    phone_page.goto(f"/supervision/zones/{zone.pk}/")
    phone_page.get_by_test_id("visit-new").click()
    phone_page.select_option("select[name=school]", str(school.pk))
    phone_page.locator("input[name=finding_1]").fill("学生饮水机滤芯超期未更换")
    phone_page.locator("input[name=deadline_1]").fill(deadline)
    phone_page.click("[data-testid=visit-form] button.btn")
    phone_page.wait_for_url(lambda url: "/supervision/visits/" in url)
    assert "学生饮水机滤芯超期未更换" in phone_page.content()
    shoot(phone_page, "supervision-visit-inspector-phone")
    rect = Rectification.objects.get(finding="学生饮水机滤芯超期未更换")
    assert rect.status == RectStatus.OPEN and rect.verifier.username == "inspector"

    # The township (中心校) sees it among its 整改 and submits it with its evidence note.
    login(page, "township")
    page.goto("/supervision/rectifications/?status=active")
    assert "学生饮水机滤芯超期未更换" in page.get_by_test_id("rect-table").inner_text()
    page.goto(f"/supervision/rectifications/{rect.pk}/")
    page.locator("[data-testid=submit-form] textarea[name=note]").fill("已更换全部滤芯")
    page.click("[data-testid=submit-form] button.btn")
    page.wait_for_load_state()
    assert page.get_by_test_id("rect-status").inner_text() == "待核验"
    shoot(page, "supervision-rectification-township")

    # The inspector verifies and closes it.
    phone_page.goto(f"/supervision/rectifications/{rect.pk}/")
    phone_page.locator("[data-testid=verify-form] input[name=passed][value='1']").check()
    phone_page.click("[data-testid=verify-form] button.btn")
    phone_page.wait_for_load_state()
    assert phone_page.get_by_test_id("rect-status").inner_text() == "已销号"
    assert sideways_overflow(phone_page) == 0
    shoot(phone_page, "supervision-rectification-closed-phone")
