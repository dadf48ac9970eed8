"""缺勤登记 per class in a browser: the class teacher takes the day's register on a 390-px phone (one tap per
absent pupil, the whole class saved at once); a county user picks a school, then a class, on a desktop."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from e2e.conftest import axe_violations, login, shoot
from jiaoyun.core import idcard
from jiaoyun.core.schoolyear import SchoolYear
from jiaoyun.core.tests.factories import UserFactory
from jiaoyun.dropout.models import Absence, ClassRegister
from jiaoyun.dropout.services.matching import school_days
from jiaoyun.people.services import enrolment_record
from jiaoyun.people.tests.factories import StudentFactory
from jiaoyun.schools.tests.factories import SchoolClassFactory

NAMES = ["杨小勇", "李小梅", "王大力", "赵春花", "张明", "陈思远"]


@pytest.fixture
def klass(school_a, village_a1):
    today = timezone.localdate()
    sy = SchoolYear.of(today)
    klass = SchoolClassFactory(school=school_a, school_year=sy.start_year, grade=4, number=2)
    teacher = UserFactory(username="banzhuren", role="class_teacher", school=school_a, display_name="李老师")
    teacher.classes.add(klass)
    birth = dt.date(sy.start_year - 9, 3, 1)
    for n, name in enumerate(NAMES):
        pupil = StudentFactory(name=name, birth_date=birth, hukou_village=village_a1,
                               id_number=idcard.make("530521", birth, 20 + n))  # fmt: skip
        enrolment_record(actor=None, student=pupil, kind="enrol", date=sy.start, school=school_a, grade=4,
                         school_class=klass)  # fmt: skip
    return klass


def _school_day() -> dt.date:
    return school_days(timezone.localdate(), 1)[0]  # today, or the last weekday before it


def test_class_teacher_takes_the_register_on_a_phone(phone_page, klass):
    page, day = phone_page, _school_day()
    login(page, "banzhuren")
    page.goto("/dropout/absences/")
    expect(page.get_by_text(str(klass), exact=True)).to_be_visible()
    page.fill("#register-date", day.isoformat())
    page.get_by_role("button", name="查看该日").click()
    expect(page.get_by_test_id("register-state")).to_contain_text("考勤尚未登记")
    # one large control per pupil, 在校 by default; the page never scrolls sideways
    expect(page.locator("fieldset.pupil")).to_have_count(len(NAMES))
    expect(page.locator("input[value=present]:checked")).to_have_count(len(NAMES))
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    for box in page.locator(".seg span").evaluate_all("els => els.map(e => e.getBoundingClientRect().height)"):
        assert box >= 44
    shoot(page, "absences-phone-before")
    # mark two pupils absent with a tap each, one with a note, and save the whole class
    page.locator("fieldset.pupil", has_text="李小梅").get_by_text("病假", exact=True).click()
    wang = page.locator("fieldset.pupil", has_text="王大力")
    wang.get_by_text("旷课", exact=True).click()
    wang.get_by_placeholder("说明（可不填）").fill("电话无人接听")
    page.get_by_role("button", name="保存整班考勤").click()
    expect(page.get_by_test_id("register-state")).to_contain_text("考勤已登记")
    expect(page.get_by_test_id("register-state")).to_contain_text("缺勤2人")
    assert dict(Absence.objects.values_list("student__name", "kind")) == {"李小梅": "sick", "王大力": "unexcused"}
    assert ClassRegister.objects.get(school_class=klass, date=day).absent == 2
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    shoot(page, "absences-phone-saved")
    assert axe_violations(page) == []


def test_county_user_picks_a_school_then_a_class(page, klass, county_admin, school_a, school_b):
    other = SchoolClassFactory(school=school_b, school_year=klass.school_year, grade=4, number=1)
    pupil = StudentFactory(name="老麦学生", birth_date=dt.date(klass.school_year - 9, 3, 1),
                           id_number=idcard.make("530521", dt.date(klass.school_year - 9, 3, 1), 90))  # fmt: skip
    enrolment_record(actor=None, student=pupil, kind="enrol", date=SchoolYear(klass.school_year).start,
                     school=school_b, grade=4, school_class=other)  # fmt: skip
    second = SchoolClassFactory(school=school_a, school_year=klass.school_year, grade=5, number=1)
    older = StudentFactory(name="五年级学生", birth_date=dt.date(klass.school_year - 10, 3, 1),
                           id_number=idcard.make("530521", dt.date(klass.school_year - 10, 3, 1), 91))  # fmt: skip
    enrolment_record(actor=None, student=older, kind="enrol", date=SchoolYear(klass.school_year).start,
                     school=school_a, grade=5, school_class=second)  # fmt: skip
    day = _school_day()
    login(page, "county_admin")
    page.goto(f"/dropout/absences/?date={day.isoformat()}")
    page.select_option("#register-school", label=f"{school_a.township.name} · {school_a.name}")
    page.get_by_role("button", name="打开").click()
    expect(page.get_by_role("link", name=f"{second} 未登记")).to_be_visible()
    page.get_by_role("link", name=f"{klass} 未登记").click()
    expect(page.get_by_test_id("register-state")).to_contain_text("尚未登记")
    page.get_by_role("button", name="保存整班考勤").click()
    expect(page.get_by_test_id("register-state")).to_contain_text("缺勤0人")
    shoot(page, "absences-county-class")
    assert ClassRegister.objects.get(school_class=klass, date=day).pupils == len(NAMES)
