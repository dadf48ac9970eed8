"""Each role's home page in a browser: it logs in, finds its 待办 as the database has them, follows one item to
the page where it is done, and leaves screenshots of the home page at desktop and phone width
(``var/screenshots/home-<role>-desktop.png`` and ``-phone.png``).

One small county (the shared personas plus one account per other role) is built for each test; the test of a role
only reads it, so the data set-up is the same plain ORM rows each time (a live server needs committed rows, and
the transactional test database empties them after each test)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from e2e.conftest import axe_violations, login, shoot
from jiaoyun.core.audit import audit_record
from jiaoyun.core.choices import AuditAction
from jiaoyun.core.models import LoginFailure
from jiaoyun.core.tests.factories import UserFactory
from jiaoyun.dropout.models import Absence, CaseStep, DropoutCase
from jiaoyun.people.models import Student, Teacher
from jiaoyun.safety.models import Device, Hazard
from jiaoyun.teachers.models import HiringRound


@dataclass
class World:
    today: dt.date
    case: DropoutCase
    hazard: Hazard
    round: HiringRound


@pytest.fixture(autouse=True)
def fast_hashes(settings):
    """Fifteen accounts per test and two logins each: hashed with a fast hasher here (the login itself, with the
    platform's hasher, is the subject of test_login.py)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def world(county_admin, county_leader, township_officer, principal, class_teacher, village_cadre, school_a, school_b,
          class_a1, township_a, village_a1, village_b1) -> World:  # fmt: skip
    today = timezone.localdate()
    for username, fields in {
        "towngov": {"role": "township_gov", "area": township_a},
        "safety": {"role": "bureau_staff", "section": "safety"},
        "personnel": {"role": "bureau_staff", "section": "personnel"},
        "basic": {"role": "bureau_staff", "section": "basic"},
        "supervision": {"role": "bureau_staff", "section": "supervision"},
        "auditor": {"role": "audit_admin", "is_staff": True},
        "sysadmin": {"role": "system_admin", "is_staff": True, "password_changed_at": timezone.now()},
        "secadmin": {"role": "security_admin", "is_staff": True, "password_changed_at": timezone.now()},
    }.items():
        UserFactory(username=username, **fields)
    UserFactory(
        username="locked", role="principal", school=school_b, locked_until=timezone.now() + dt.timedelta(hours=1)
    )
    LoginFailure.objects.create(username="locked", ip="127.0.0.1")

    def pupil(name: str, klass: Any, village: Any, status: str = "in_school") -> Student:
        return Student.objects.create(name=name, sex="M", birth_date=dt.date(2015, 3, 1), current_school=school_a,
                                      current_class=klass, hukou_village=village, status=status)  # fmt: skip

    Absence.objects.create(student=pupil("张小明", class_a1, village_a1), date=today)
    out = pupil("杨小勇", None, village_a1, status="dropped_out")
    case = DropoutCase.objects.create(student=out, kind="dropout", status="returning", township=township_a,
                                      village=village_a1, school=school_a, school_class=class_a1, stage=1,
                                      detected_on=today - dt.timedelta(days=10))  # fmt: skip
    CaseStep.objects.create(case=case, round=0, stage=1, started_on=today - dt.timedelta(days=10),
                            deadline=today - dt.timedelta(days=3), responsible_name="班主任")  # fmt: skip
    hazard = Hazard.objects.create(school=school_a, title="教学楼围墙破损", responsible=principal, opened_by=principal,
                                   deadline=today - dt.timedelta(days=2), opened_at=timezone.now())  # fmt: skip
    Hazard.objects.create(school=school_b, title="老麦乡厕所漏水", responsible=county_admin, opened_by=county_admin,
                          deadline=today + dt.timedelta(days=10), opened_at=timezone.now())  # fmt: skip
    Device.objects.create(school=school_a, kind="alarm", name="一键报警", serial="SN000001", token_hash="0" * 64)
    Teacher.objects.create(name="王老师", sex="F", birth_date=dt.date(1985, 1, 1), school=school_a,
                           hire_date=dt.date(2010, 9, 1))  # fmt: skip
    hiring = HiringRound.objects.create(year=today.year, name=f"{today.year}年县管校聘", status="applying",
                                        effective_date=today + dt.timedelta(days=60))  # fmt: skip
    audit_record(actor=county_admin, action=AuditAction.REVEAL, obj=out, note="核对户籍")
    return World(today=today, case=case, hazard=hazard, round=hiring)


def item(page, key: str):
    return page.locator(f'[data-testid=todo-item][data-key="{key}"]').first


def home(page, phone_page, username: str, role: str, *, check_a11y: bool = False) -> None:
    """Log in on both widths, wait for the 待办, save the two screenshots (the desktop page stays on the home page);
    ``check_a11y``: run axe-core (WCAG 2.1 A/AA) on the desktop page."""
    login(phone_page, username)
    phone_page.goto("/")
    expect(phone_page.get_by_test_id("todo")).to_be_visible()
    width = phone_page.evaluate("document.documentElement.scrollWidth")
    assert width <= 400, f"{role}: home page is {width}px wide on a 390px phone"
    shoot(phone_page, f"home-{role}-phone")
    login(page, username)
    page.goto("/")
    expect(page.get_by_test_id("todo")).to_be_visible()
    shoot(page, f"home-{role}-desktop")
    if check_a11y:
        assert axe_violations(page) == [], role


def follow(page, key: str, url_part: str) -> None:
    item(page, key).locator("a").first.click()
    page.wait_for_url(f"**{url_part}")


def test_class_teacher(page, phone_page, world):
    home(page, phone_page, "class_teacher", "class-teacher", check_a11y=True)
    absent = Absence.objects.filter(date=world.today, student__current_class__in=[world.case.school_class_id])
    entry = item(page, "dropout.absent_today")
    expect(entry.get_by_test_id("todo-count")).to_have_text(str(absent.count()))
    expect(entry.get_by_test_id("todo-subject")).to_have_text(absent.get().student.name)
    expect(entry.locator("a")).to_have_attribute("href", f"/dropout/absences/?school={world.case.school_id}&klass="
                                                 f"{world.case.school_class_id}&date={world.today.isoformat()}")  # fmt: skip
    case = item(page, "dropout.case.returning")
    expect(case).to_contain_text("杨小勇")
    expect(case.get_by_test_id("todo-due")).to_have_text("已逾期3天")
    follow(page, "dropout.case.returning", f"/dropout/cases/{world.case.pk}/")
    expect(page.get_by_test_id("case-status")).to_have_text("劝返中")


def test_village_cadre(page, phone_page, world):
    home(page, phone_page, "village_cadre", "village-cadre")
    expect(page.get_by_test_id("todo-item")).to_have_count(DropoutCase.objects.filter(village__name="甸阳社区").count())
    expect(item(page, "dropout.case.returning")).to_contain_text("上门家访劝返（宣传教育）")
    follow(page, "dropout.case.returning", f"/dropout/cases/{world.case.pk}/")
    expect(page.get_by_test_id("case-status")).to_have_text("劝返中")


def _township(page, phone_page, world, username: str, role: str) -> None:
    home(page, phone_page, username, role)
    overdue = Hazard.objects.filter(school__township_id=world.hazard.school.township_id, deadline__lt=world.today,
                                    status__in=("open", "rectified")).count()  # fmt: skip
    expect(item(page, "safety.overdue").get_by_test_id("todo-count")).to_have_text(str(overdue))
    expect(item(page, "safety.offline").get_by_test_id("todo-count")).to_have_text("1")
    expect(item(page, "dropout.case.returning").get_by_test_id("todo-due")).to_have_text("已逾期3天")
    expect(page.get_by_test_id("todo")).not_to_contain_text("老麦乡厕所漏水")  # another township's
    expect(page.get_by_test_id("todo-item").first).to_have_attribute("data-key", "dropout.overdue")  # summaries first
    expect(page.locator(".todo-item.is-overdue").first).to_contain_text("杨小勇")  # then the longest overdue


def test_township_officer(page, phone_page, world):
    _township(page, phone_page, world, "township_officer", "township-officer")
    follow(page, "safety.hazard.open", f"/safety/hazards/{world.hazard.pk}/")
    expect(page.locator("h1")).to_contain_text("教学楼围墙破损")


def test_township_gov(page, phone_page, world):
    _township(page, phone_page, world, "towngov", "township-gov")
    expect(page.get_by_test_id("workplace-title")).to_have_text("乡镇人民政府工作台")
    follow(page, "dropout.case.returning", f"/dropout/cases/{world.case.pk}/")
    expect(page.get_by_test_id("case-status")).to_have_text("劝返中")


def test_principal(page, phone_page, world):
    home(page, phone_page, "principal", "principal", check_a11y=True)
    in_school = Student.objects.filter(current_school=world.hazard.school, status="in_school").count()
    expect(page.get_by_test_id("fig-students")).to_have_text(str(in_school))
    expect(page.get_by_test_id("fig-teachers")).to_have_text(
        str(Teacher.objects.filter(school=world.hazard.school).count())
    )
    expect(item(page, "safety.hazard.open").get_by_test_id("todo-due")).to_have_text("已逾期2天")
    follow(page, "safety.hazard.open", f"/safety/hazards/{world.hazard.pk}/")
    expect(page.locator("h1")).to_contain_text("教学楼围墙破损")


def test_safety_section(page, phone_page, world):
    home(page, phone_page, "safety", "section-safety")
    overdue = Hazard.objects.filter(deadline__lt=world.today, status__in=("open", "rectified")).count()
    expect(item(page, "safety.overdue").get_by_test_id("todo-count")).to_have_text(str(overdue))
    expect(item(page, "safety.inspection").get_by_test_id("todo-count")).to_have_text("2")
    follow(page, "safety.overdue", "/safety/hazards/?overdue=1")
    expect(page.get_by_role("link", name="教学楼围墙破损")).to_be_visible()


def test_personnel_section(page, phone_page, world):
    home(page, phone_page, "personnel", "section-personnel")
    open_rounds = HiringRound.objects.exclude(status="applied").count()
    expect(page.locator('[data-testid=todo-item][data-key^="teachers.round"]')).to_have_count(open_rounds)
    expect(item(page, "teachers.round.applying")).to_contain_text(world.round.name)
    follow(page, "teachers.round.applying", f"/teachers/rounds/{world.round.pk}/")
    expect(page.locator("h1")).to_contain_text(world.round.name)


def test_basic_section(page, phone_page, world):
    home(page, phone_page, "basic", "section-basic")
    overdue = DropoutCase.objects.filter(status="returning", steps__deadline__lt=world.today,
                                         steps__completed_on__isnull=True).distinct().count()  # fmt: skip
    expect(item(page, "dropout.overdue").get_by_test_id("todo-count")).to_have_text(str(overdue))
    follow(page, "dropout.case.returning", f"/dropout/cases/{world.case.pk}/")
    expect(page.get_by_test_id("case-status")).to_have_text("劝返中")


def test_supervision_section(page, phone_page, world):
    home(page, phone_page, "supervision", "section-supervision")
    expect(item(page, "dropout.overdue").get_by_test_id("todo-count")).to_have_text("1")
    expect(item(page, "safety.overdue").get_by_test_id("todo-count")).to_have_text("1")
    follow(page, "dropout.overdue", "/dropout/ledger/all/?overdue=1")
    expect(page.get_by_role("link", name="杨小勇")).to_be_visible()


@pytest.mark.parametrize("username", ["county_admin", "county_leader"])
def test_county_view_with_strip(page, phone_page, world, username):
    home(page, phone_page, username, username.replace("_", "-"))
    expect(page.get_by_test_id("home-counts")).to_be_visible()  # the county view stays
    expect(item(page, "safety.overdue").get_by_test_id("todo-count")).to_have_text("1")
    expect(item(page, "dropout.overdue").get_by_test_id("todo-count")).to_have_text("1")
    follow(page, "safety.overdue", "/safety/hazards/?overdue=1")
    expect(page.get_by_role("link", name="教学楼围墙破损")).to_be_visible()


def test_auditor(page, phone_page, world):
    home(page, phone_page, "auditor", "auditor", check_a11y=True)
    reveals = item(page, "audit.reveal")
    from jiaoyun.core.models import AuditEntry

    expect(reveals.get_by_test_id("todo-count")).to_have_text(str(AuditEntry.objects.filter(action="reveal").count()))
    expect(page.get_by_test_id("recent-sensitive")).to_contain_text("核对户籍")
    follow(page, "audit.reveal", "/audit/?action=reveal&since=*")
    expect(page.get_by_test_id("audit-sentence").first).to_contain_text("的完整身份证号")


@pytest.mark.parametrize("username", ["sysadmin", "secadmin"])
def test_administrators(page, phone_page, world, username):
    home(page, phone_page, username, username)
    if username == "sysadmin":
        expect(item(page, "accounts.locked").get_by_test_id("todo-count")).to_have_text("1")
        follow(page, "accounts.locked", "/admin/core/user/")
    else:
        expect(item(page, "accounts.failed").get_by_test_id("todo-count")).to_have_text(
            str(LoginFailure.objects.count())
        )
        follow(page, "accounts.failed", "/admin/core/securitypolicy/**")
    expect(page.locator("#content")).to_be_visible()
