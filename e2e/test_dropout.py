"""Browser flow of a 控辍保学 case: the cross-match finds a registered pupil absent for a week, the county
verifies and starts the 劝返, the class teacher logs a home visit from a phone, the township issues the
限期复学通知书 (step 2), the child returns to the same school, is observed and the case is closed (销号)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from e2e.conftest import login
from jiaoyun.core import idcard
from jiaoyun.core.schoolyear import SchoolYear
from jiaoyun.core.tests.factories import UserFactory
from jiaoyun.dropout.models import Absence, DropoutCase
from jiaoyun.dropout.services.matching import school_days
from jiaoyun.people.services import enrolment_record
from jiaoyun.people.tests.factories import StudentFactory
from jiaoyun.schools.tests.factories import SchoolClassFactory


@pytest.fixture
def absent_pupil(settings, school_a, village_a1, township_a):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.JIAOYUN = {**settings.JIAOYUN, "DROPOUT_OBSERVE_MONTHS": 0}
    today = timezone.localdate()
    sy = SchoolYear.of(today)
    klass = SchoolClassFactory(school=school_a, school_year=sy.start_year, grade=4, number=1)
    teacher = UserFactory(username="banzhuren", role="class_teacher", school=school_a, display_name="李老师")
    teacher.classes.add(klass)
    birth = dt.date(sy.start_year - 9, 3, 1)
    pupil = StudentFactory(name="杨小勇", birth_date=birth, hukou_village=village_a1, guardian_name="杨大山",
                           id_number=idcard.make("530521", birth, 11))  # fmt: skip
    enrolment_record(actor=None, student=pupil, kind="enrol", date=sy.start, school=school_a, grade=4,
                     school_class=klass)  # fmt: skip
    Absence.objects.bulk_create([Absence(student=pupil, date=d) for d in school_days(today, 5)])
    return pupil


def act(page, action, fill=None, select=None):
    box = page.get_by_test_id(f"action-{action}")
    if box.get_attribute("open") is None:
        box.locator("summary").click()
    form = page.locator(f"form[data-action={action}]")
    for name, value in (select or {}).items():
        form.locator(f"[name={name}]").select_option(value)
    for name, value in (fill or {}).items():
        form.locator(f"[name={name}]").fill(value)
    form.locator("button[type=submit]").click()


def status_is(page, label):
    page.wait_for_function(
        "label => document.querySelector('[data-testid=case-status]')?.textContent.trim() === label", arg=label
    )


def test_case_from_detection_to_closure(page, phone_page, county_admin, township_officer, absent_pupil):
    login(page, "county_admin")
    page.goto("/dropout/")
    page.get_by_test_id("run-crossmatch").click()
    page.wait_for_url("**/dropout/")
    assert page.get_by_test_id("card-suspected").inner_text() == "1"
    page.goto("/dropout/ledger/suspected/")
    page.get_by_role("link", name="杨小勇").click()
    status_is(page, "待核实")
    assert "连续5个上课日无故缺勤" in page.content()
    act(
        page, "verify", select={"outcome": "confirmed_dropout", "reason": "learning"}, fill={"note": "入户核实，已外出"}
    )
    status_is(page, "已核实辍学")
    act(page, "start")
    status_is(page, "劝返中")
    case = DropoutCase.objects.get(student=absent_pupil)

    # the class teacher logs a home visit on a phone
    login(phone_page, "banzhuren")
    phone_page.goto(f"/dropout/cases/{case.pk}/")
    act(phone_page, "attempt", fill={"people": "李老师、村主任", "note": "家长同意考虑，签订承诺书"},
        select={"method": "home_visit", "result": "promised"})  # fmt: skip
    phone_page.wait_for_selector("text=李老师、村主任")
    width = phone_page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"page is {width}px wide on a 390px phone"
    # no header, date or short label is cut into one character per line: a wide table scrolls in its panel
    cut = phone_page.evaluate(
        """() => Array.from(document.querySelectorAll('table.data th, table.data td')).filter(cell => {
             const text = cell.textContent.trim();
             if (!text || text.length > 12 || /[\\s、，。：；]/.test(text)) return false;
             const range = document.createRange(); range.selectNodeContents(cell);
             return new Set(Array.from(range.getClientRects()).map(r => Math.round(r.top))).size > 1;
           }).map(cell => cell.textContent.trim())"""
    )
    assert cut == [], f"cut across lines on a phone: {cut}"

    # step 2 by the county bureau: the 责令限期改正通知书 is issued with its number
    page.reload()
    act(page, "advance", select={"to_stage": "2"})
    page.wait_for_selector("text=责令限期改正通知书")
    doc = case.documents.get()
    response = page.request.get(f"/dropout/documents/{doc.pk}.pdf")
    assert response.ok and response.body()[:4] == b"%PDF"
    assert doc.number in page.content()

    act(page, "return", select={"placement": "same_school"})
    status_is(page, "已复学")
    act(page, "observe")
    status_is(page, "巩固观察")
    act(page, "close", fill={"note": "稳定在校"})
    status_is(page, "销号")
    timeline = page.get_by_test_id("timeline").inner_text()
    for step in (
        "发现",
        "核实：确认辍学",
        "启动劝返：宣传教育",
        "劝返记录：上门家访",
        "进入第2步：责令改正",
        "原校复学",
        "销号",
    ):
        assert step in timeline
    absent_pupil.refresh_from_db()
    assert absent_pupil.status == "in_school"
