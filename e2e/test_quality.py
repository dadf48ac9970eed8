"""Browser flow of 综合素质评价: a senior student records an activity with a photo, the class teacher selects it
and runs the 公示, the 公示 closes (its period moved into the past, as the clock would), the school confirms and
the archive PDF is produced; and the student's own page on a phone."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from e2e.conftest import login, shoot
from jiaoyun.core.choices import Role
from jiaoyun.core.tests.factories import UserFactory
from jiaoyun.quality.models import EvaluationTerm, Portfolio, Publicity, StudentAccount
from jiaoyun.quality.tests.conftest import enrol
from jiaoyun.schools.tests.factories import SchoolClassFactory, SchoolFactory

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00\x90wS\xde\x00\x00\x00\x0cIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82"  # fmt: skip


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def senior_class(township) -> dict[str, object]:  # type: ignore[no-untyped-def]
    from jiaoyun.core.schoolyear import SchoolYear

    today = timezone.localdate()
    school = SchoolFactory(code="2153000101", name="施甸县第一中学", kind="senior", township=township)
    klass = SchoolClassFactory(school=school, school_year=SchoolYear.of(today).start_year, grade=11, number=1,
                               name="高二（1）班")  # fmt: skip
    pupil = enrol("杨小梅", school, 11, klass)
    student = UserFactory(username="student", role=Role.STUDENT, display_name="杨小梅")
    StudentAccount.objects.create(user=student, student=pupil)
    teacher = UserFactory(username="gzteacher", role=Role.CLASS_TEACHER, school=school, display_name="高中班主任")
    teacher.classes.add(klass)
    UserFactory(username="gzprincipal", role=Role.PRINCIPAL, school=school, display_name="校长")
    EvaluationTerm.objects.create(
        school_year=SchoolYear.of(today).start_year, term=1, starts=today - dt.timedelta(days=60),
        ends=today + dt.timedelta(days=60), record_deadline=today + dt.timedelta(days=10),
        select_deadline=today + dt.timedelta(days=20), confirm_deadline=today + dt.timedelta(days=40),
    )  # fmt: skip
    return {"school": school, "class": klass, "pupil": pupil}


def logout(page) -> None:
    page.click("form[action='/logout/'] button")
    page.wait_for_url(lambda url: "/login/" in url)


def test_record_select_publicity_confirm_archive(page, media, township_a):
    senior_class(township_a)
    # The student records an activity with a photo.
    login(page, "student")
    page.goto("/quality/evaluation/")
    form = page.get_by_test_id("record-form")
    form.locator("select[name=dimension]").select_option("practice")
    form.locator("input[name=title]").fill("博物馆志愿讲解")
    form.locator("input[name=hours]").fill("4")
    form.locator("textarea[name=description]").fill("为参观者讲解施甸历史")
    form.locator("input[name=evidence]").set_input_files(
        files=[{"name": "讲解照片.png", "mimeType": "image/png", "buffer": PNG}]
    )
    form.locator("button").click()
    page.wait_for_selector("text=写实记录已保存")
    expect(page.get_by_role("link", name="讲解照片.png")).to_be_visible()
    logout(page)

    # The class teacher selects it and starts the 公示.
    login(page, "gzteacher")
    page.goto("/quality/evaluation/")
    page.get_by_role("link", name="整理遴选").click()
    page.get_by_test_id("select-submit").click()
    page.wait_for_selector("text=已完成整理遴选")
    assert page.get_by_test_id("portfolio-state").inner_text() == "已遴选"
    page.goto("/quality/evaluation/")
    page.get_by_test_id("publicity-form").locator("button").click()
    page.wait_for_selector("text=公示已发起")
    # The 公示 period passes (its last working day set to yesterday, as the clock would move).
    Publicity.objects.update(starts=timezone.localdate() - dt.timedelta(days=8),
                             ends=timezone.localdate() - dt.timedelta(days=1))  # fmt: skip
    page.get_by_test_id("publicity-link").click()
    page.get_by_test_id("close-form").locator("button").click()
    page.wait_for_selector("text=公示已结束，转入审核确认")
    assert page.get_by_test_id("publicity-state").inner_text() == "已结束"
    logout(page)

    # The school confirms: the archive PDF is produced.
    login(page, "gzprincipal")
    page.goto("/quality/evaluation/")
    page.get_by_test_id("review-table").get_by_role("link", name="审核确认").click()
    page.get_by_test_id("confirm-form").locator("button").click()
    page.wait_for_selector("text=已审核确认并形成档案")
    assert page.get_by_test_id("portfolio-state").inner_text() == "已确认归档"
    href = page.get_by_test_id("archive-link").get_attribute("href")
    pdf = page.request.get(href)
    assert pdf.status == 200 and pdf.body().startswith(b"%PDF")
    shoot(page, "quality-archive-confirmed")
    portfolio = Portfolio.objects.get()
    assert portfolio.state == "confirmed" and len(portfolio.archive_sha256) == 64


def test_the_students_own_page_on_a_phone(phone_page, media, township_a):
    senior_class(township_a)
    login(phone_page, "student")
    phone_page.goto("/quality/evaluation/")
    assert phone_page.get_by_test_id("student-name").inner_text() == "杨小梅"
    expect(phone_page.get_by_test_id("record-form")).to_be_visible()
    width = phone_page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390 + 1
    shoot(phone_page, "quality-student-phone")
