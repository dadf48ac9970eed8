"""Browser flow of 优质均衡 for the 督导室: the self-assessment printed, the schools and indicators that keep the
county below the line, a what-if and the cheapest plan; the page on a phone."""

from __future__ import annotations

from playwright.sync_api import expect

from e2e.conftest import login, seed_demo_county, shoot, sideways_overflow


def test_supervision_prints_the_self_assessment_and_runs_a_what_if(
    page, browser, live_server, transactional_db, django_db_serialized_rollback
):
    seed_demo_county(apps=("standards",))
    # Whatever the small county's draw, one primary school is short of rooms, grounds and equipment.
    from jiaoyun.standards.models import SchoolResources

    latest = SchoolResources.objects.order_by("-year").values_list("year", flat=True).first()
    row = SchoolResources.objects.filter(year=latest, part="primary").order_by("school__code").first()
    assert row is not None
    SchoolResources.objects.filter(pk=row.pk).update(teaching_area=1, ground_area=1, indoor_sports_area=0,
                                                     equipment_value=1)  # fmt: skip
    login(page, "supervision")
    page.goto("/standards/?only=failing")
    meeting = page.get_by_test_id("schools-meeting").inner_text()
    met, total = (int(x) for x in meeting.split("/"))
    assert total > 0 and met < total  # the demo county is below the line
    failing = page.locator("[data-testid=school-table] tbody tr")
    expect(failing).to_have_count(total - met)
    first = failing.first.locator("td.key").inner_text()
    assert "未达标" in failing.first.inner_text()
    expect(page.locator("[data-testid=cv-table] tbody tr")).to_have_count(7)

    with page.expect_download() as pdf:
        page.get_by_test_id("report-pdf").click()
    assert pdf.value.suggested_filename.endswith(".pdf")
    assert "自评报告" in pdf.value.suggested_filename

    page.get_by_test_id("whatif-link").click()
    option = page.locator("[data-testid=whatif-school] option", has_text=first).first.get_attribute("value")
    page.select_option("[data-testid=whatif-school]", option)
    page.get_by_test_id("whatif-pe_art").fill("3")
    page.get_by_test_id("whatif-sports_area").fill("800")
    page.get_by_test_id("whatif-run").click()
    result = page.get_by_test_id("whatif-result")
    assert first in result.inner_text() and "→" in result.inner_text()
    page.get_by_test_id("plan-run").click()
    plan = page.get_by_test_id("plan-primary").inner_text()
    assert "最省方案" in plan and "达到优质均衡资源配置要求" in plan
    shoot(page, "standards-whatif")

    phone = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844}, is_mobile=True,
                                base_url=live_server.url).new_page()  # fmt: skip
    login(phone, "supervision")
    phone.goto("/standards/")
    expect(phone.get_by_test_id("part-verdict")).to_be_visible()
    assert sideways_overflow(phone) == 0
    shoot(phone, "standards-balance-phone")
    phone.context.close()
