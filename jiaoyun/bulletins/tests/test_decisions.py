"""Decisions followed to closure (已下达 → 已反馈 → 已核验销号, or 逾期) and the escalation ladder (逐级追究)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from jiaoyun.bulletins import services
from jiaoyun.bulletins.choices import Addressee, DecisionKind, DecisionState
from jiaoyun.bulletins.models import Decision
from jiaoyun.bulletins.tests.conftest import APRIL_5, MARCH
from jiaoyun.core.errors import DomainError, IllegalTransition, PermissionDenied
from jiaoyun.notices.models import Notification

pytestmark = pytest.mark.django_db


@pytest.fixture
def issued(county, township_a, township_b, supervision, interview_everyone):
    draft = services.bulletin_compile(actor=supervision, month=MARCH, on=APRIL_5)
    return services.bulletin_issue(actor=supervision, bulletin=draft, on=APRIL_5)


def _mine(issued, township):
    return Decision.objects.get(bulletin=issued, township=township)


# ---------------------------------------------------------------- the ladder, hand-computed


@pytest.mark.parametrize(
    ("base", "previous", "expected"),
    [
        (1, None, 1),  # first time: 通报批评
        (1, 1, 2),  # 通报批评 again → 约谈
        (2, 2, 3),  # 约谈 again → 限期整改 (+ 通报上一级)
        (3, 3, 3),  # the top rung stays the top rung
        (3, 1, 3),  # never below the decision's own rung
        (1, 2, 3),  # one above the earlier one
    ],
)
def test_escalated_level(base, previous, expected):
    assert services.escalated_level(base=base, previous=previous) == expected


def test_a_repeat_within_the_window_climbs_one_rung_and_reports_up(issued, township_a, supervision):
    # March: 甸阳镇 约谈 (rung 2) for 控辍保学. April's bulletin proposes 约谈 again → 限期整改, reported to the county.
    april = services.bulletin_compile(actor=supervision, month=dt.date(2021, 4, 1), on=dt.date(2021, 5, 3))
    again = next(d for d in april.content["decisions"] if d["addressee_name"] == "甸阳镇")
    assert (again["level"], again["kind"], again["report_to"]) == (3, DecisionKind.RECTIFY, "县人民政府")
    assert again["previous_id"] == _mine(issued, township_a).pk
    assert "2021年3月已约谈，逐级追究" in again["reason"]


def test_an_old_decision_closed_on_time_is_not_a_repeat(issued, township_a, supervision):
    # four months later (window: 3 months) and it never went overdue: 约谈 again at its own rung
    item = services.proposal(kind=Addressee.TOWNSHIP, ident=township_a.pk, name="甸阳镇", matter="dropout",
                             matter_label="控辍保学", base=2, reason="r", month=dt.date(2021, 7, 1))  # fmt: skip
    assert (item["level"], item["previous_id"], item["report_to"]) == (2, None, "")


def test_an_old_decision_that_went_overdue_is_a_repeat(issued, township_a, supervision):
    services.decisions_check_overdue(on=dt.date(2021, 5, 6))
    item = services.proposal(kind=Addressee.TOWNSHIP, ident=township_a.pk, name="甸阳镇", matter="dropout",
                             matter_label="控辍保学", base=2, reason="r", month=dt.date(2021, 9, 1))  # fmt: skip
    assert item["level"] == 3


def test_another_matter_is_not_a_repeat(issued, township_a):
    item = services.proposal(kind=Addressee.TOWNSHIP, ident=township_a.pk, name="甸阳镇", matter="safety",
                             matter_label="校园安全", base=1, reason="r", month=dt.date(2021, 4, 1))  # fmt: skip
    assert item["level"] == 1


# ---------------------------------------------------------------- the state machine


def test_report_then_verify(issued, township_a, township_officer, supervision):
    d = _mine(issued, township_a)
    photo = SimpleUploadedFile("整改.pdf", b"%PDF-1.4 evidence", content_type="application/pdf")
    d = services.decision_report(actor=township_officer, decision=d, note="已约谈并整改", evidence=photo)
    assert d.state == DecisionState.REPORTED
    event = d.events.get(action="report")
    assert event.evidence_name == "整改.pdf" and event.evidence.name.endswith(".pdf")
    assert Notification.objects.filter(user=supervision, title__contains="请核验").exists()
    d = services.decision_verify(actor=supervision, decision=d, passed=True)
    assert d.state == DecisionState.VERIFIED and d.verified_at is not None
    with pytest.raises(IllegalTransition):
        services.decision_verify(actor=supervision, decision=d, passed=True)


def test_only_the_addressee_reports(issued, township_b, township_officer, principal):
    other = _mine(issued, township_b)
    for actor in (township_officer, principal):
        with pytest.raises(PermissionDenied):
            services.decision_report(actor=actor, decision=other, note="x")


def test_only_the_supervision_office_verifies(issued, township_a, township_officer):
    d = services.decision_report(actor=township_officer, decision=_mine(issued, township_a), note="已整改")
    with pytest.raises(PermissionDenied):
        services.decision_verify(actor=township_officer, decision=d, passed=True)


def test_a_report_needs_a_note(issued, township_a, township_officer):
    with pytest.raises(DomainError, match="整改情况"):
        services.decision_report(actor=township_officer, decision=_mine(issued, township_a), note=" ")


def test_overdue_then_late_report(issued, township_a, township_officer, supervision):
    d = _mine(issued, township_a)
    assert services.decisions_check_overdue(on=d.deadline) == 0  # the deadline day itself is still in time
    assert services.decisions_check_overdue(on=d.deadline + dt.timedelta(days=1)) == 2
    d.refresh_from_db()
    assert (d.state, d.went_overdue) == (DecisionState.OVERDUE, True)
    assert Notification.objects.filter(user=township_officer, key=f"bulletins:decision:{d.pk}:overdue").exists()
    assert Notification.objects.filter(user=supervision, key=f"bulletins:decision:{d.pk}:overdue").exists()
    assert services.decisions_check_overdue(on=d.deadline + dt.timedelta(days=2)) == 0  # once
    d = services.decision_report(actor=township_officer, decision=d, note="逾期后完成")
    assert d.state == DecisionState.REPORTED and d.went_overdue


def test_a_returned_report_after_the_deadline_is_overdue(
    issued, township_a, township_officer, supervision, monkeypatch
):
    d = services.decision_report(actor=township_officer, decision=_mine(issued, township_a), note="已整改")
    with pytest.raises(DomainError, match="退回时须写明原因"):
        services.decision_verify(actor=supervision, decision=d, passed=False)
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *a: d.deadline + dt.timedelta(days=1))
    d = services.decision_verify(actor=supervision, decision=d, passed=False, note="材料不全")
    assert (d.state, d.went_overdue) == (DecisionState.OVERDUE, True)


def test_a_top_rung_decision_is_reported_to_the_next_level_up(county, township_a, school_a, principal,
                                                              township_officer, supervision):  # fmt: skip
    draft = services.bulletin_compile(actor=supervision, month=MARCH, on=APRIL_5)
    draft = services.bulletin_decision_add(actor=supervision, bulletin=draft, kind=Addressee.SCHOOL, school=school_a,
                                           matter_label="工作计划任务逾期", decision=DecisionKind.RECTIFY,
                                           reason="校舍维修任务逾期")  # fmt: skip
    item = draft.content["decisions"][-1]
    assert item["report_to"] == "甸阳镇人民政府、甸阳镇中心学校" and item["manual"]
    issued = services.bulletin_issue(actor=supervision, bulletin=draft, on=APRIL_5)
    d = Decision.objects.get(bulletin=issued, school=school_a)
    for user in (principal, township_officer):  # the school, and its township told as the next level up
        assert Notification.objects.filter(user=user, key=f"bulletins:decision:{d.pk}:issued").exists()


def test_drafts_keep_hand_added_decisions_when_compiled_again(county, township_a, supervision):
    draft = services.bulletin_compile(actor=supervision, month=MARCH, on=APRIL_5)
    services.bulletin_decision_add(actor=supervision, bulletin=draft, kind=Addressee.TOWNSHIP, township=township_a,
                                   matter_label="工作计划", decision=DecisionKind.NOTICE, reason="任务逾期")  # fmt: skip
    again = services.bulletin_compile(actor=supervision, month=MARCH, on=APRIL_5)
    assert [d["matter_label"] for d in again.content["decisions"]] == ["工作计划"]
    again = services.bulletin_decision_drop(actor=supervision, bulletin=again, index=0)
    assert again.content["decisions"] == []


def test_home_page_items(issued, township_a, township_officer, supervision, principal):
    from jiaoyun.bulletins import todo

    [item] = todo.addressee(user=township_officer, today=APRIL_5)
    assert (item.title, item.subject, item.deadline) == (
        "反馈约谈整改情况",
        "控辍保学",
        APRIL_5 + dt.timedelta(days=30),
    )
    assert todo.addressee(user=principal, today=APRIL_5) == []
    assert todo.supervision(user=township_officer, today=APRIL_5) == []
    services.decision_report(actor=township_officer, decision=_mine(issued, township_a), note="已整改")
    assert todo.addressee(user=township_officer, today=APRIL_5) == []
    [verify] = todo.supervision(user=supervision, today=APRIL_5)
    assert (verify.key, verify.count) == ("bulletins.verify", 1)
