"""辍学预警 in a browser: the class teacher opens the class page on a phone, sees who is at risk and why, and opens
a preventive follow-up with one tap; a principal sees the same pupil with the sensitive factor."""

from __future__ import annotations

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from e2e.conftest import axe_violations, login, shoot
from jiaoyun.core.schoolyear import SchoolYear
from jiaoyun.core.tests.factories import UserFactory
from jiaoyun.people.tests.factories import StudentFactory
from jiaoyun.schools.tests.factories import SchoolClassFactory
from jiaoyun.warning.models import Followup, ModelVersion, RiskScore

FACTORS = [
    {"key": "absent_recent", "text": "近30天缺勤9天", "weight": 1.4, "sensitive": False},
    {"key": "grade7_new", "text": "七年级刚升入", "weight": 0.9, "sensitive": False},
    {"key": "poverty", "text": "脱贫家庭/监测户", "weight": 0.6, "sensitive": True},
]


@pytest.fixture
def scored_class(school_a, township_a):
    today = timezone.localdate()
    klass = SchoolClassFactory(school=school_a, school_year=SchoolYear.of(today).start_year, grade=7, number=1)
    teacher = UserFactory(username="banzhuren", role="class_teacher", school=school_a, display_name="李老师")
    teacher.classes.add(klass)
    UserFactory(username="xiaozhang", role="principal", school=school_a)
    model = ModelVersion.objects.create(kind="learned", data_from=2020, data_to=2025, sha256="0" * 64, in_use=True,
                                        gate_passed=True, gate_reason="学习模型通过门槛")  # fmt: skip
    for rank, (name, flagged, factors) in enumerate(
        [("杨小勇", True, FACTORS), ("李小梅", False, FACTORS[:1])], start=1
    ):
        pupil = StudentFactory(name=name, status="in_school", current_school=school_a, current_class=klass,
                               current_grade=7)  # fmt: skip
        RiskScore.objects.create(student=pupil, on=today, model=model, risk=0.4 / rank, rank=rank, flagged=flagged,
                                 previous=0.1, factors=factors, township=township_a, school=school_a,
                                 school_class=klass, grade=7)  # fmt: skip
    return klass


def test_class_teacher_sees_who_is_at_risk_and_why_and_opens_a_follow_up(phone_page, scored_class):
    page = phone_page
    login(page, "banzhuren")
    page.goto("/warning/")
    page.get_by_role("link", name=f"{scored_class}预警").click()
    rows = page.get_by_test_id("risk-row")
    expect(rows).to_have_count(2)
    first = rows.first
    expect(first).to_contain_text("杨小勇")
    expect(first.get_by_test_id("factors")).to_contain_text("近30天缺勤9天；七年级刚升入；家庭情况需关注")
    expect(page.get_by_text("脱贫")).to_have_count(0)  # sensitive: not for a class teacher
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert axe_violations(page) == []
    shoot(page, "warning-class-phone")
    first.get_by_test_id("open-followup").click()
    expect(page.get_by_text("已发起预防性跟进")).to_be_visible()
    expect(page.get_by_test_id("risk-row").first).to_contain_text("待跟进，期限")
    f = Followup.objects.get()
    assert f.student.name == "杨小勇" and f.status == "open"
    shoot(page, "warning-class-phone-followup")
    # The follow-up is on the 控辍保学 ledger; the visit finds the child gone: one tap opens a case from it.
    page.goto("/dropout/followups/")
    row = page.get_by_test_id("followup-row")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("杨小勇")
    row.get_by_text("已离校，转入控辍保学").click()
    row.get_by_label("情况记录").fill("家访得知已随父母外出务工")
    row.get_by_test_id("followup-to-case").click()
    expect(page.get_by_test_id("case-status")).to_have_text("待核实")
    expect(page.get_by_test_id("case-followup")).to_contain_text("家访得知已随父母外出务工")
    f.refresh_from_db()
    assert f.status == "left" and f.case is not None and f.case.source == "preventive"


def test_principal_sees_the_sensitive_factor_on_the_pupil_page(page, scored_class):
    login(page, "xiaozhang")
    score = RiskScore.objects.get(student__name="杨小勇")
    page.goto(f"/warning/pupil/{score.student_id}/")
    expect(page.get_by_test_id("pupil-factors")).to_contain_text("脱贫家庭/监测户")
    expect(page.get_by_test_id("risk")).to_contain_text("0.400")
