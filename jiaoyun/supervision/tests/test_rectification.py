"""督学责任区 visits and the 整改 state machine: 待整改 → 整改中 → 待核验 → 已销号 (or back), 逾期 derived."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from jiaoyun.core.choices import AuditAction
from jiaoyun.core.errors import DomainError, IllegalTransition
from jiaoyun.core.models import AuditEntry
from jiaoyun.supervision import selectors, services
from jiaoyun.supervision.choices import OVERDUE, RectStatus
from jiaoyun.supervision.models import Rectification

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


@pytest.fixture
def rect(inspector, zone, school_a, principal, checklist):
    visit = services.visit_record(actor=inspector, zone=zone, school=school_a, date=TODAY,
                                  answers={checklist[0].pk: (True, ""), checklist[1].pk: (False, "围墙破损")},
                                  findings=[("围墙东侧破损", TODAY + dt.timedelta(days=20))])  # fmt: skip
    return visit.rectifications.get()


def test_a_visit_answers_the_checklist_and_opens_rectifications(rect, inspector, principal, school_a):
    assert rect.status == RectStatus.OPEN and rect.school == school_a
    assert rect.responsible == principal and rect.verifier == inspector  # the principal rectifies, the 督学 verifies
    assert rect.visit.answers.filter(ok=False).count() == 1
    assert [e.action for e in rect.events.all()] == ["下达整改"]


def test_a_visit_must_answer_every_item_and_stay_in_the_area(inspector, zone, school_a, school_b, checklist):
    with pytest.raises(DomainError, match="“校园安全”未填写"):
        services.visit_record(actor=inspector, zone=zone, school=school_a, date=TODAY,
                              answers={checklist[0].pk: (True, "")})  # fmt: skip
    with pytest.raises(DomainError, match="不在责任区"):
        services.visit_record(actor=inspector, zone=zone, school=school_b, date=TODAY,
                              answers={c.pk: (True, "") for c in checklist})  # fmt: skip


def test_only_the_areas_inspector_or_the_office_records_visits(basic_staff, zone, school_a, checklist):
    with pytest.raises(DomainError, match="责任督学"):
        services.visit_record(actor=basic_staff, zone=zone, school=school_a, date=TODAY,
                              answers={c.pk: (True, "") for c in checklist})  # fmt: skip


def test_the_full_cycle_is_audited(rect, principal, inspector, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    services.rectification_start(actor=principal, rect=rect, note="已联系施工队")
    photo = SimpleUploadedFile("围墙.jpg", b"\xff\xd8\xff\xe0 photo", content_type="image/jpeg")
    services.rectification_submit(actor=principal, rect=rect, note="已修复", file=photo)
    services.rectification_verify(actor=inspector, rect=rect, passed=False, note="高度不够")
    rect.refresh_from_db()
    assert rect.status == RectStatus.IN_PROGRESS  # sent back
    services.rectification_submit(actor=principal, rect=rect, note="已加高")
    services.rectification_verify(actor=inspector, rect=rect, passed=True, on=TODAY)
    rect.refresh_from_db()
    assert (rect.status, rect.closed_on) == (RectStatus.CLOSED, TODAY)
    steps = [(e.from_status, e.to_status) for e in rect.events.all()]
    assert steps == [("", "open"), ("open", "in_progress"), ("in_progress", "submitted"), ("submitted", "in_progress"),
                     ("in_progress", "submitted"), ("submitted", "closed")]  # fmt: skip
    assert rect.events.exclude(file="").count() == 1
    audited = AuditEntry.objects.filter(object_type="supervision.Rectification", action=AuditAction.TRANSITION)
    assert audited.count() == 6


def test_illegal_steps_are_refused_in_words(rect, principal, inspector):
    with pytest.raises(IllegalTransition, match="当前为“待整改”，只有“待核验”的整改可以核验"):
        services.rectification_verify(actor=inspector, rect=rect, passed=True)
    services.rectification_submit(actor=principal, rect=rect, note="已修复")
    with pytest.raises(IllegalTransition, match="开始整改"):
        services.rectification_start(actor=principal, rect=rect)
    with pytest.raises(DomainError, match="未通过时请写明原因"):
        services.rectification_verify(actor=inspector, rect=rect, passed=False)


def test_who_may_act(rect, principal, inspector, township_officer, county_leader, basic_staff, office):
    with pytest.raises(DomainError, match="整改学校"):
        services.rectification_submit(actor=inspector, rect=rect, note="督学不能代办")
    with pytest.raises(DomainError):
        services.rectification_start(actor=county_leader, rect=rect)  # read-only
    services.rectification_start(actor=township_officer, rect=rect)  # the township's 中心校
    services.rectification_submit(actor=principal, rect=rect, note="已修复")
    with pytest.raises(DomainError, match="核验"):
        services.rectification_verify(actor=principal, rect=rect, passed=True)  # the school cannot close its own
    with pytest.raises(DomainError, match="核验"):
        services.rectification_verify(actor=basic_staff, rect=rect, passed=True)
    services.rectification_verify(actor=office, rect=rect, passed=True)  # the 督导室 may


def test_overdue_is_derived_and_listed(rect, county_admin, township_officer, principal, school_a):
    later = rect.deadline + dt.timedelta(days=3)
    assert rect.overdue_on(later) and rect.status_label_on(later) == "逾期"
    assert not rect.overdue_on(rect.deadline)
    rows = selectors.overdue_rectifications(on=later)
    assert [(r["id"], r["days_overdue"], r["school"]) for r in rows] == [(rect.pk, 3, school_a.name)]
    assert list(selectors.rectification_list(user=county_admin, on=later, filters={"status": OVERDUE})) == [rect]
    assert list(selectors.rectification_list(user=county_admin, on=rect.deadline, filters={"status": OVERDUE})) == []
    Rectification.objects.filter(pk=rect.pk).update(status=RectStatus.CLOSED, closed_on=later)
    assert selectors.overdue_rectifications(on=later) == []


def test_scope_of_the_rectification_list(rect, township_officer, principal, county_leader, class_teacher, school_b):
    other = Rectification.objects.create(school=school_b, finding="食堂", deadline=TODAY, opened_on=TODAY)
    assert list(selectors.rectification_list(user=township_officer, on=TODAY)) == [rect]
    assert list(selectors.rectification_list(user=principal, on=TODAY)) == [rect]
    assert set(selectors.rectification_list(user=county_leader, on=TODAY)) == {rect, other}  # not people-level
    assert list(selectors.rectification_list(user=class_teacher, on=TODAY)) == []


def test_rollup_by_township(rect, inspector, principal, school_b):
    on = rect.deadline + dt.timedelta(days=1)
    late = Rectification.objects.create(school=school_b, finding="a", deadline=rect.deadline, opened_on=TODAY,
                                        status=RectStatus.CLOSED, closed_on=on)  # fmt: skip
    Rectification.objects.create(school=school_b, finding="b", deadline=rect.deadline, opened_on=TODAY,
                                 status=RectStatus.CLOSED, closed_on=rect.deadline)  # fmt: skip
    rows = {r["township"]: r for r in selectors.rectification_rollup(on=on)}
    assert {k: rows["甸阳镇"][k] for k in ("total", "closed", "on_time", "open", "overdue")} == {
        "total": 1,
        "closed": 0,
        "on_time": 0,
        "open": 1,
        "overdue": 1,
    }
    assert {k: rows["老麦乡"][k] for k in ("total", "closed", "on_time", "open", "overdue")} == {
        "total": 2,
        "closed": 2,
        "on_time": 1,
        "open": 0,
        "overdue": 0,
    }
    assert late.pk
