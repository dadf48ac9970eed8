"""Browser flow: the personnel section runs a 县管校聘 round from creation to execution in the browser —
posts, applications, scores, the stages (校内竞聘、跨校竞聘、组织调剂、落聘待岗), review with per-teacher explanations, publication, execution.
Then the rotation and ethics pages render for the roles allowed to see them."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import expect

from e2e.conftest import login
from jiaoyun.core.tests.factories import UserFactory
from jiaoyun.people.models import Teacher, TeacherAssignment
from jiaoyun.people.tests.factories import TeacherFactory


@pytest.fixture
def staff(live_server, school_a, school_b):
    personnel = UserFactory(username="personnel", role="bureau_staff", section="personnel")
    teachers = {}
    for name in ("张一", "李二"):
        t = TeacherFactory(name=name, school=school_a, main_subject="math", school_since=dt.date(2015, 9, 1))
        TeacherAssignment.objects.create(teacher=t, school=school_a, start=dt.date(2015, 9, 1))
        teachers[name] = t
    return personnel, teachers


def _advance(page, expected: str) -> None:
    page.click("[data-testid=round-advance]")
    page.wait_for_selector(f"[data-testid=round-status]:has-text('{expected}')")


def test_hiring_round_run_and_published_in_the_browser(page, staff, school_a, school_b):
    personnel, teachers = staff
    login(page, "personnel")
    page.goto("/teachers/rounds/")
    page.fill("[data-testid=round-name]", "2026年县管校聘")
    page.fill("[data-testid=round-date]", "2026-09-01")
    page.click("[data-testid=round-create]")
    page.wait_for_selector("[data-testid=round-status]:has-text('草稿')")
    # posts: one math post at each school
    for school in (school_a, school_b):
        page.select_option("[data-testid=post-school]", str(school.pk))
        page.select_option("[data-testid=post-subject]", "math")
        page.fill("[data-testid=post-count]", "1")
        page.click("[data-testid=post-save]")
        page.wait_for_selector(f"[data-testid=post-table] td:has-text('{school.name}')")
    _advance(page, "报名")
    # applications: both compete in school_a first and list school_b
    for name, teacher in teachers.items():
        page.select_option("[data-testid=apply-teacher]", str(teacher.pk))
        page.select_option("[data-testid=apply-choice-1]", str(school_b.pk))
        page.click("[data-testid=apply-save]")
        page.wait_for_selector(f"tr[data-teacher='{name}']")
    # scores: 张一 88 at school_a; 李二 80 at school_a and 75 at school_b
    for name, school, score in (("张一", school_a, "88"), ("李二", school_a, "80"), ("李二", school_b, "75")):
        row = page.locator(f"tr[data-teacher='{name}']")
        row.locator("select[name=school]").select_option(str(school.pk))
        row.locator("input[name=score]").fill(score)
        row.locator("button:has-text('评分')").click()
        page.wait_for_selector(".messages:has-text('评分已保存')")
    _advance(page, "校内竞聘")
    _advance(page, "跨校竞聘")
    assert page.inner_text("[data-testid=count-s1]") == "1"
    _advance(page, "组织调剂")
    _advance(page, "审核")
    li = page.locator("tr[data-teacher='李二']")
    assert "老麦乡中心小学（跨校竞聘·第1志愿）" in li.locator("[data-testid=placement]").inner_text()
    assert "校内竞聘：在本校数学岗位1个中排名第2（80分），未获聘，进入跨校竞聘" in li.inner_text()
    _advance(page, "已发布")
    _advance(page, "已执行")
    assert Teacher.objects.get(name="李二").school_id == school_b.pk
    assert TeacherAssignment.objects.filter(teacher__name="李二", kind="hiring_round").exists()
    # progress chart and the other pages render
    page.goto("/teachers/rotation/")
    page.wait_for_selector("h1:has-text('教师交流轮岗')")
    page.goto("/teachers/ethics/")
    page.wait_for_selector("h1:has-text('师德档案')")


def test_oversubscribed_round_is_explained_and_runs_to_standby(page, staff, school_a):
    personnel, teachers = staff
    from jiaoyun.teachers.services import application_submit, round_advance, round_create, round_post_set, score_set

    rnd = round_create(actor=personnel, year=2026, name="超额轮次", effective_date=dt.date(2026, 9, 1))
    round_post_set(actor=personnel, round=rnd, school=school_a, subject="math", count=1)
    round_advance(actor=personnel, round=rnd)
    for t, score in zip(teachers.values(), (90, 80), strict=True):
        app = application_submit(actor=personnel, round=rnd, teacher=t, choices=[])
        score_set(actor=personnel, application=app, school=school_a, score=score)
    login(page, "personnel")
    page.goto(f"/teachers/rounds/{rnd.pk}/")
    assert "数学：报名教师2人，岗位1个，1人将落聘待岗" in page.inner_text("[data-testid=round-oversubscribed]")
    for expected in ("校内竞聘", "跨校竞聘", "组织调剂", "审核"):
        _advance(page, expected)
    assert page.inner_text("[data-testid=count-s4]") == "1"
    li = page.locator("tr[data-teacher='李二']")
    assert "落聘待岗" in li.locator("[data-testid=placement]").inner_text()
    assert "落聘待岗：数学岗位共1个已全部聘满" in li.inner_text()


def test_rotation_plan_generated_approved_and_completed_in_the_browser(page, staff, school_a, school_b):
    from jiaoyun.teachers.tests.conftest import add_classes, add_students

    # school_b has 6 classes and no math teacher; school_a has 12 math teachers of 6+ years, 2 of them 骨干
    add_students(school_b, dict.fromkeys(range(1, 7), 30))
    add_classes(school_b, dict.fromkeys(range(1, 7), 1))
    for i in range(10):
        t = TeacherFactory(
            name=f"数学{i}", school=school_a, main_subject="math", school_since=dt.date(2012, 9, 1),
            backbone="county" if i < 2 else "",
        )  # fmt: skip
        TeacherAssignment.objects.create(teacher=t, school=school_a, start=dt.date(2012, 9, 1))
    login(page, "personnel")
    page.goto("/teachers/quotas/")
    page.fill("form:has([data-testid=quota-compute]) input[name=year]", "2026")
    page.click("[data-testid=quota-compute]")
    page.wait_for_selector(f"[data-testid=quota-table] td:has-text('{school_b.name}')")
    page.goto("/teachers/rotation/")
    page.fill("form:has([data-testid=rotation-generate]) input[name=year]", "2026")
    page.fill("form:has([data-testid=rotation-generate]) input[name=start_date]", "2026-09-01")
    page.click("[data-testid=rotation-generate]")
    page.wait_for_selector(".messages:has-text('已生成交流轮岗计划')")
    # 12 eligible → 2 moves, at least 1 骨干, both toward school_b's math gap
    assert "满足交流比例≥10%、骨干≥20%" in page.inner_text("main")
    rows = page.locator("[data-testid=move-table] tbody tr")
    expect(rows).to_have_count(2)
    assert "骨干" in rows.nth(0).inner_text() and school_b.name in rows.nth(0).inner_text()
    page.click("button:has-text('批准计划')")
    page.wait_for_selector(".messages:has-text('计划已批准')")
    for _ in range(2):
        page.locator("[data-testid=move-table] button:has-text('登记到岗')").first.click()
        page.wait_for_selector(".messages:has-text('已到岗')")
    assert "已完成" in page.inner_text("main")
    assert TeacherAssignment.objects.filter(kind="rotation", school=school_b).count() == 2
