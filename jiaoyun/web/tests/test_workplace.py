"""Each role's home page (工作台) leads with its 待办: the items equal what the database holds, within the user's
scope, with their deadlines in words, and the page takes a fixed number of queries whatever the data size."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from jiaoyun.core.audit import audit_record
from jiaoyun.core.choices import AuditAction
from jiaoyun.core.tests.factories import UserFactory
from jiaoyun.core.todo import TodoItem, ordered
from jiaoyun.dropout import todo as dropout_todo
from jiaoyun.dropout.models import Absence, CaseStep, DropoutCase, SchoolMonthlyReport
from jiaoyun.people.models import Student
from jiaoyun.safety import todo as safety_todo
from jiaoyun.safety.models import Device, Hazard
from jiaoyun.schools.tests.factories import SchoolClassFactory
from jiaoyun.teachers.models import HiringRound
from jiaoyun.web.workplace.roles import kind_of, workplace_for

WEDNESDAY = dt.date(2026, 12, 2)
_serial = itertools.count(1)


def pupil(name, school, klass=None, village=None, status="in_school"):
    return Student.objects.create(name=name, sex="M", birth_date=dt.date(2015, 3, 1), current_school=school,
                                  current_class=klass, hukou_village=village, status=status)  # fmt: skip


def case(student, *, status="returning", deadline=None, stage=1, township=None, village=None, school=None,
         klass=None, detected=dt.date(2026, 11, 1)):  # fmt: skip
    c = DropoutCase.objects.create(student=student, kind="dropout", status=status, township=township,
                                   village=village, school=school, school_class=klass, detected_on=detected,
                                   stage=stage if status == "returning" else None)  # fmt: skip
    if status == "returning":
        CaseStep.objects.create(case=c, round=0, stage=stage, started_on=detected, deadline=deadline)
    return c


def hazard(school, *, deadline, status="open", title="围墙破损"):
    actor = UserFactory()
    return Hazard.objects.create(school=school, title=title, responsible=actor, opened_by=actor, deadline=deadline,
                                 status=status, opened_at=timezone.now())  # fmt: skip


def device(school, *, online):
    n = next(_serial)
    return Device.objects.create(school=school, kind="alarm", name=f"一键报警{n}", serial=f"SN{n:06d}",
                                 token_hash=f"{n:064d}", is_online=online)  # fmt: skip


def keys(items):
    return [i.key for i in items]


# ---------------------------------------------------------------- the item itself


def test_deadline_in_words_and_overdue_first():
    today = WEDNESDAY
    late = TodoItem(key="a", title="甲", url="/", deadline=today - dt.timedelta(days=3), today=today)
    due = TodoItem(key="b", title="乙", url="/", deadline=today, today=today)
    soon = TodoItem(key="c", title="丙", url="/", deadline=today + dt.timedelta(days=2), today=today)
    later = TodoItem(key="d", title="丁", url="/", deadline=dt.date(2026, 12, 20), today=today)
    none = TodoItem(key="e", title="戊", url="/", today=today)
    assert [late.due_text, due.due_text, soon.due_text, later.due_text, none.due_text] == [
        "已逾期3天", "今天到期", "还剩2天", "12月20日前", ""]  # fmt: skip
    assert late.overdue and not due.overdue and late.tone == "red" and soon.tone == "amber" and later.tone == ""
    assert keys(ordered([none, later, soon, late, due])) == ["a", "b", "c", "d", "e"]
    pinned = TodoItem(key="p", title="己", url="/", order=-1, today=today)
    rest = TodoItem(key="r", title="庚", url="/", order=1, today=today)
    assert keys(ordered([rest, none, late, pinned])) == ["p", "a", "e", "r"]


# ---------------------------------------------------------------- class teacher


@pytest.fixture
def class_a2(school_a):
    return SchoolClassFactory(school=school_a, school_year=2026, grade=2, number=1)


def test_class_teacher_sees_their_pupils_absent_today_only(class_teacher, school_a, class_a1, class_a2):
    mine = [pupil("张小明", school_a, class_a1), pupil("李小红", school_a, class_a1)]
    other = pupil("王小刚", school_a, class_a2)
    for p in [*mine, other]:
        Absence.objects.create(student=p, date=WEDNESDAY)
    Absence.objects.create(student=pupil("赵小花", school_a, class_a1), date=WEDNESDAY - dt.timedelta(days=1))
    items = dropout_todo.absence_items(class_teacher, WEDNESDAY)
    assert len(items) == 1
    item = items[0]
    assert item.key == "dropout.absent_today" and item.count == 2
    assert (
        set(item.subject.split("、")) == {"李小红", "张小明"}
        and "王小刚" not in item.subject
        and "赵小花" not in item.subject
    )
    assert item.url == (f"{reverse('dropout:absences')}?school={school_a.pk}&klass={class_a1.pk}"
                        f"&date={WEDNESDAY.isoformat()}")  # fmt: skip


def test_class_without_absences_entered_today_asks_for_the_entry(school_a, class_a1, class_a2):
    teacher = UserFactory(role="class_teacher", school=school_a)
    teacher.classes.add(class_a1, class_a2)
    Absence.objects.create(student=pupil("张小明", school_a, class_a1), date=WEDNESDAY)
    items = dropout_todo.absence_items(teacher, WEDNESDAY)
    assert keys(items) == ["dropout.absent_today", "dropout.absence_entry"]
    entry = items[1]
    assert entry.title == "登记今日缺勤" and entry.subject == str(class_a2) and entry.due_text == "今天到期"
    assert f"klass={class_a2.pk}" in entry.url and f"date={WEDNESDAY.isoformat()}" in entry.url
    saturday = dt.date(2026, 12, 5)
    assert dropout_todo.absence_items(teacher, saturday) == []  # no school, nothing to enter


def test_class_teacher_case_overdue_by_three_days(client, class_teacher, school_a, school_b, class_a1, township_a,
                                                   village_a1, village_b1):  # fmt: skip
    today = timezone.localdate()
    mine = case(pupil("杨小勇", school_a, class_a1, village_a1), deadline=today - dt.timedelta(days=3),
                township=township_a, village=village_a1, school=school_a, klass=class_a1)  # fmt: skip
    case(pupil("外校生", school_b, None, village_b1), deadline=today - dt.timedelta(days=9), school=school_b)
    items = [i for i in workplace_for(class_teacher).items if i.key.startswith("dropout.case")]
    assert [(i.subject, i.title, i.due_text, i.url) for i in items] == [
        (
            f"杨小勇（{village_a1.name}）",
            "上门家访劝返（宣传教育）",
            "已逾期3天",
            reverse("dropout:case", args=[mine.pk]),
        )
    ]
    client.force_login(class_teacher)
    body = client.get(reverse("web:home")).content.decode()
    assert "班主任工作台" in body and "杨小勇" in body and "已逾期3天" in body and "外校生" not in body
    assert reverse("dropout:case", args=[mine.pk]) in body


def test_empty_home_says_so(client, school_a, class_a1):
    teacher = UserFactory(role="class_teacher", school=school_a)
    client.force_login(teacher)
    body = client.get(reverse("web:home")).content.decode()
    assert "今日无待办" in body


# ---------------------------------------------------------------- village cadre


def test_village_cadre_sees_the_village_children_out_of_school_and_next_steps(
    village_cadre, school_a, school_b, village_a1, village_b1, township_a
):
    today = WEDNESDAY
    out = case(pupil("村里娃", school_a, None, village_a1, status="dropped_out"), deadline=today + dt.timedelta(days=5),
               stage=2, township=township_a, village=village_a1)  # fmt: skip
    case(pupil("外村娃", school_b, None, village_b1, status="dropped_out"), deadline=today, village=village_b1)
    case(pupil("已销号", school_a, None, village_a1), status="closed", village=village_a1)
    items = dropout_todo.village(user=village_cadre, today=today)
    assert [(i.subject, i.title, i.deadline) for i in items] == [
        (f"村里娃（{village_a1.name}）", "劝返第2步：责令改正", today + dt.timedelta(days=5))
    ]
    assert items[0].url == reverse("dropout:case", args=[out.pk])
    assert kind_of(village_cadre) == "village"


# ---------------------------------------------------------------- township


def test_township_cases_by_deadline_reports_hazards_and_devices(
    township_officer, school_a, school_a_junior, school_b, class_a1, village_a1, township_a, village_b1
):
    today = WEDNESDAY
    later = case(pupil("甲", school_a, class_a1, village_a1), deadline=today + dt.timedelta(days=4), school=school_a)
    late = case(pupil("乙", school_a, class_a1, village_a1), deadline=today - dt.timedelta(days=2), school=school_a)
    pending = case(pupil("丙", school_a, class_a1, village_a1), status="pending", school=school_a)
    case(pupil("外乡", school_b, None, village_b1), deadline=today - dt.timedelta(days=30), school=school_b)
    SchoolMonthlyReport.objects.create(school=school_a_junior, month=dt.date(2026, 11, 1))
    hazard(school_a, deadline=today - dt.timedelta(days=1), title="教学楼栏杆松动")
    hazard(school_b, deadline=today - dt.timedelta(days=10), title="外乡隐患")
    device(school_a, online=False)
    device(school_a, online=True)
    device(school_b, online=False)
    items = ordered(dropout_todo.township(user=township_officer, today=today)
                    + safety_todo.township(user=township_officer, today=today))  # fmt: skip
    cases = [i for i in items if i.key.startswith("dropout.case")]
    assert [i.url for i in cases] == [reverse("dropout:case", args=[c.pk]) for c in (late, later, pending)]
    by_key = {i.key: i for i in items}
    assert by_key["dropout.overdue"].count == 1  # 乙 only: 外乡 is another township's
    report = by_key["dropout.monthly_report"]
    assert report.count == 1 and report.subject == school_a.name and report.deadline == dt.date(2026, 12, 5)
    assert by_key["safety.overdue"].count == 1 and by_key["safety.offline"].count == 1
    assert [i.subject for i in items if i.key == "safety.hazard.open"] == [f"{school_a.name}：教学楼栏杆松动"]
    assert all("外乡" not in i.subject for i in items)
    assert keys(items[:2]) == ["dropout.overdue", "safety.overdue"]  # the summaries of what is overdue first
    dated = [i for i in items if i.deadline]
    assert dated[0].overdue and dated[0].url == reverse("dropout:case", args=[late.pk])  # then the longest overdue


def test_township_gov_has_the_township_workplace(client, township_a, school_a):
    gov = UserFactory(role="township_gov", area=township_a)
    hazard(school_a, deadline=timezone.localdate() - dt.timedelta(days=3))
    client.force_login(gov)
    body = client.get(reverse("web:home")).content.decode()
    assert "乡镇人民政府工作台" in body and "已逾期3天" in body


# ---------------------------------------------------------------- principal


def test_principal_sees_school_figures_hazards_and_reports(client, principal, school_a, school_b, class_a1):
    today = timezone.localdate()
    pupil("在校生", school_a, class_a1)
    hazard(school_a, deadline=today + dt.timedelta(days=2), title="消防通道堵塞")
    hazard(school_b, deadline=today - dt.timedelta(days=2), title="别校隐患")
    client.force_login(principal)
    body = client.get(reverse("web:home")).content.decode()
    assert "校长工作台" in body and "消防通道堵塞" in body and "还剩2天" in body and "别校隐患" not in body
    assert 'data-testid="fig-students">1<' in body
    place = workplace_for(principal)
    assert "dropout.monthly_report" in keys(place.items)


# ---------------------------------------------------------------- bureau sections


def test_safety_section_counts_the_county(school_a, school_b):
    today = timezone.localdate()
    user = UserFactory(role="bureau_staff", section="safety")
    hazard(school_a, deadline=today - dt.timedelta(days=1))
    hazard(school_b, deadline=today - dt.timedelta(days=5), status="rectified")
    hazard(school_b, deadline=today - dt.timedelta(days=5), status="closed")
    device(school_b, online=False)
    place = workplace_for(user)
    assert place.kind == "section:safety"
    by_key = {i.key: i for i in place.items}
    overdue = Hazard.objects.filter(status__in=("open", "rectified"), deadline__lt=today).count()
    assert by_key["safety.overdue"].count == overdue == 2
    assert by_key["safety.offline"].count == Device.objects.filter(is_online=False).count() == 1
    assert by_key["safety.inspection"].count == 2


def test_personnel_section_sees_open_rounds(county):
    user = UserFactory(role="bureau_staff", section="personnel")
    open_round = HiringRound.objects.create(year=2026, name="2026年县管校聘", status="applying",
                                            effective_date=dt.date(2027, 8, 31))  # fmt: skip
    HiringRound.objects.create(year=2025, name="2025年县管校聘", status="applied", effective_date=dt.date(2026, 8, 31))
    place = workplace_for(user)
    rounds = [i for i in place.items if i.key.startswith("teachers.round")]
    assert [(i.subject, i.title, i.url) for i in rounds] == [
        ("2026年县管校聘", "县管校聘：报名", reverse("teachers:round", args=[open_round.pk]))
    ]


def test_basic_section_sees_county_cases_and_supervision_the_overdue(school_a, school_b, village_b1):
    today = timezone.localdate()
    case(pupil("乙", school_b, None, village_b1), deadline=today - dt.timedelta(days=4), school=school_b)
    basic = workplace_for(UserFactory(role="bureau_staff", section="basic"))
    assert [i.due_text for i in basic.items if i.key == "dropout.case.returning"] == ["已逾期4天"]
    supervision = workplace_for(UserFactory(role="bureau_staff", section="supervision"))
    assert {i.key: i.count for i in supervision.items}["dropout.overdue"] == 1


# ---------------------------------------------------------------- auditor, administrators, county


def test_auditor_sees_recent_sensitive_actions_linked_to_the_log(client, county, county_admin, school_a):
    auditor = UserFactory(role="audit_admin")
    student = pupil("被查看", school_a)
    audit_record(actor=county_admin, action=AuditAction.REVEAL, obj=student, note="核对")
    audit_record(actor=county_admin, action=AuditAction.REVEAL, obj=student, note="核对")
    audit_record(actor=county_admin, action=AuditAction.EXPORT, obj=student)
    place = workplace_for(auditor)
    by_key = {i.key: i for i in place.items}
    assert by_key["audit.reveal"].count == 2 and by_key["audit.export"].count == 1
    assert by_key["audit.reveal"].url.startswith(f"{reverse('web:audit')}?action=reveal&since=")
    assert len(place.recent) == 3
    assert workplace_for(county_admin).recent == []  # nobody else reads the log


def test_system_admin_sees_locked_accounts(county):
    UserFactory(role="principal", locked_until=timezone.now() + dt.timedelta(minutes=10))
    admin = UserFactory(role="system_admin", password_changed_at=timezone.now())
    place = workplace_for(admin)
    assert {i.key: i.count for i in place.items}["accounts.locked"] == 1


def test_county_roles_keep_the_county_view_with_a_strip(client, county_admin, county_leader, school_a):
    hazard(school_a, deadline=timezone.localdate() - dt.timedelta(days=2))
    for user in (county_admin, county_leader):
        client.force_login(user)
        body = client.get(reverse("web:home")).content.decode()
        assert 'data-testid="home-counts"' in body and 'data-testid="todo"' in body
        assert "逾期未整改的隐患" in body


def test_out_of_scope_users_see_nothing_of_others(outsider, village_cadre, school_b, village_b1):
    case(pupil("外村娃", school_b, None, village_b1), deadline=timezone.localdate() - dt.timedelta(days=1))
    hazard(school_b, deadline=timezone.localdate() - dt.timedelta(days=1))
    assert workplace_for(village_cadre).items == []
    assert workplace_for(outsider).items == [] and workplace_for(outsider).kind == "none"


# ---------------------------------------------------------------- queries do not grow with the data


def _queries(client, user):
    client.get(reverse("web:home"))  # warm the per-process caches
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("web:home")).status_code == 200
    return len(queries)


# role → the most queries of the home page, measured (each role's scope is read once per request, ADR 0046).
# A principal's home reads the most modules (控辍保学, 辍学预警, 综合素质评价, absences, hazards, devices, rounds…).
# township_officer and principal: one of their queries reads the township's schools and villages (the school and its
# branches), by which their students are found without joins (jiaoyun.core.scope.township_members, school_family)
CEILING = {"class_teacher": 15, "village_cadre": 8, "township_officer": 21, "principal": 29, "section:safety": 12,
           "section:personnel": 12, "section:basic": 19, "section:supervision": 23, "audit_admin": 7,
           "county_admin": 25}  # fmt: skip
ROLES = list(CEILING)


@pytest.mark.parametrize("role", ROLES)
def test_home_queries_do_not_grow_with_rows(role, request, client, school_a, class_a1, village_a1, township_a):
    if role.startswith("section:"):
        user = UserFactory(role="bureau_staff", section=role.partition(":")[2])
    elif role == "audit_admin":
        user = UserFactory(role="audit_admin")
    else:
        user = request.getfixturevalue(role)
    client.force_login(user)
    today = timezone.localdate()

    def add(n):
        for _ in range(n):
            k = SchoolClassFactory(school=school_a, school_year=2026, grade=3)
            if role == "class_teacher":
                user.classes.add(k)
            p = pupil("学生", school_a, k if role != "class_teacher" else class_a1, village_a1)
            Absence.objects.create(student=p, date=today)
            case(p, deadline=today - dt.timedelta(days=1), township=township_a, village=village_a1, school=school_a,
                 klass=class_a1)  # fmt: skip
            hazard(school_a, deadline=today - dt.timedelta(days=1))
            device(school_a, online=False)
            HiringRound.objects.create(year=2026, name="轮次", status="applying", effective_date=today)
            audit_record(actor=user, action=AuditAction.EXPORT, obj=p)

    add(3)
    small = _queries(client, user)
    add(9)
    large = _queries(client, user)
    assert large == small, f"{role}: {small} queries for 3 rows, {large} for 12"
    assert small <= CEILING[role], f"{role}: {small} queries, ceiling {CEILING[role]}"


def test_supervision_sees_the_indicators_behind_their_target(county):
    from jiaoyun.indicators import todo as indicators_todo
    from jiaoyun.indicators.models import IndicatorValue, Target

    today = WEDNESDAY  # school year 2026
    for code, value, target in (("primary_net", 99.5, 100.0), ("junior_gross", 99.0, 95.0),
                                ("dropout_junior", 3.0, 0.5)):  # fmt: skip
        IndicatorValue.objects.create(code=code, level="county", area=county, school_year=2026, as_of=today,
                                      value=value, numerator=value, denominator=100, computed_at=timezone.now())  # fmt: skip
        Target.objects.create(code=code, area=county, school_year=2026, value=target)
    supervision = UserFactory(role="bureau_staff", section="supervision")
    items = indicators_todo.section(user=supervision, today=today)
    assert [(i.title, i.deadline) for i in items] == [
        ("指标未达标：初中年辍学率", dt.date(2027, 8, 31)),
        ("指标未达标（临界）：小学净入学率", dt.date(2027, 8, 31)),
    ]  # junior_gross is met; not met before at risk
    assert items[0].url == f"{reverse('indicators:dashboard')}?year=2026&code=dropout_junior"
    assert "现值" in items[1].subject and "目标 100%" in items[1].subject
    assert indicators_todo.section(user=UserFactory(role="principal"), today=today) == []  # county figures only


def test_own_previewed_imports_and_the_principal_scoring_step(principal, school_a, school_b):
    from jiaoyun.exchange import todo as exchange_todo
    from jiaoyun.exchange.models import ImportBatch
    from jiaoyun.people.tests.factories import TeacherFactory
    from jiaoyun.teachers import todo as teachers_todo
    from jiaoyun.teachers.models import Application

    other = UserFactory(role="principal", school=school_b)
    mine = ImportBatch.objects.create(kind="students", file_name="学生名册.xlsx", file_sha256="0" * 64,
                                      created_by=principal, status="preview", new=3)  # fmt: skip
    ImportBatch.objects.create(kind="students", file_name="已导入.xlsx", file_sha256="1" * 64, created_by=principal,
                               status="imported")  # fmt: skip
    ImportBatch.objects.create(kind="students", file_name="别人的.xlsx", file_sha256="2" * 64, created_by=other,
                               status="preview")  # fmt: skip
    items = exchange_todo.mine(user=principal)
    assert [(i.subject, i.url) for i in items] == [("学生名册.xlsx", reverse("exchange:batch", args=[mine.pk]))]

    scoring = HiringRound.objects.create(year=2026, name="本校参加", status="in_school", effective_date=WEDNESDAY)
    elsewhere = HiringRound.objects.create(year=2026, name="别校参加", status="in_school", effective_date=WEDNESDAY)
    Application.objects.create(round=scoring, teacher=TeacherFactory(school=school_a), origin_school=school_a,
                               subject="chinese")  # fmt: skip
    Application.objects.create(round=elsewhere, teacher=TeacherFactory(school=school_b), origin_school=school_b,
                               subject="chinese")  # fmt: skip
    rounds = teachers_todo.principal(user=principal, today=WEDNESDAY)
    assert [(i.subject, i.title) for i in rounds] == [("本校参加", "县管校聘：校内竞聘评分")]
