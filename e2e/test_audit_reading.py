"""The reveal asks why, and the audit administrator finds it by the child's name, as a Chinese sentence with the
reason; screenshots of both pages at desktop and phone width."""

from playwright.sync_api import expect

from e2e.conftest import axe_violations, login, shoot
from jiaoyun.core.tests.factories import UserFactory
from jiaoyun.people.tests.fixtures import ID_A, student_a, student_a2, student_b, students  # noqa: F401


def test_a_reveal_with_its_reason_is_found_in_the_audit_log(page, principal, students, browser, live_server):  # noqa: F811
    principal.display_name = "钱校长"
    principal.save()
    login(page, "principal")
    page.goto(f"/people/students/{students['a'].pk}/")
    box = page.get_by_test_id("id-number")
    box.get_by_text("显示完整身份证号").click()
    box.get_by_role("button", name="确认查看").click()  # no reason chosen: the browser asks for one
    expect(box).not_to_contain_text(ID_A)
    box.get_by_label("查看原因").select_option("劝返工作")
    box.get_by_label("说明").fill("核对劝返名单")
    shoot(page, "reveal-reason-desktop")
    box.get_by_role("button", name="确认查看").click()
    expect(box).to_contain_text(ID_A)

    UserFactory(username="auditor", role="audit_admin", is_staff=True)
    auditor = browser.new_context(base_url=live_server.url, viewport={"width": 390, "height": 844}, is_mobile=True)
    phone = auditor.new_page()
    login(phone, "auditor")
    phone.goto("/audit/")
    phone.get_by_test_id("audit-person").fill("张小明")
    phone.get_by_role("button", name="查询").click()
    sentence = phone.get_by_test_id("audit-sentence").filter(has_text="查看了")
    expect(sentence).to_have_text(
        "校长/学校管理员 钱*长（principal） 查看了 学生 张*明 的完整身份证号（理由：劝返工作：核对劝返名单）"
    )
    expect(phone.get_by_test_id("audit-table")).not_to_contain_text("张小明")
    shoot(phone, "audit-search-phone")
    assert axe_violations(phone) == []
    auditor.close()
