"""A case action that writes a 学籍 event needs the enrolment-edit permission of the people app, not only the right
to act on the case: a class teacher or a village cadre (包保责任人) may work the case but not change the register."""

import datetime as dt

import pytest

from jiaoyun.core.errors import PermissionDenied
from jiaoyun.dropout import services
from jiaoyun.dropout.choices import CaseStatus
from jiaoyun.people.models import EnrolmentEvent

D = dt.date


@pytest.fixture
def verified(enrolled, county_admin, responsibles):
    def make(name):
        case = services.case_open(actor=county_admin, student=enrolled(name), on=D(2021, 10, 8))
        return services.case_verify(actor=county_admin, case=case, outcome="confirmed_dropout", on=D(2021, 10, 9))

    return make


@pytest.mark.parametrize("persona", ["class_teacher", "village_cadre"])
def test_verifying_a_dropout_needs_the_enrolment_permission(persona, request, enrolled, county_admin, responsibles):
    actor = request.getfixturevalue(persona)
    case = services.case_open(actor=county_admin, student=enrolled("赵六"), on=D(2021, 10, 8))
    events = EnrolmentEvent.objects.filter(student=case.student).count()
    # the persona may act on the case (the 包保责任人 log attempts) ...
    services.case_attempt_log(actor=actor, case=case, date=D(2021, 10, 8), people="入户", method="home_visit",
                              result="promised")  # fmt: skip
    # ... but confirming the dropout writes a 学籍 event, which the persona may not do
    with pytest.raises(PermissionDenied, match="无权办理学籍变动"):
        services.case_verify(actor=actor, case=case, outcome="confirmed_dropout", on=D(2021, 10, 9))
    case.refresh_from_db()
    assert case.status == CaseStatus.PENDING
    assert EnrolmentEvent.objects.filter(student=case.student).count() == events


@pytest.mark.parametrize("persona", ["class_teacher", "village_cadre"])
def test_a_return_to_school_needs_the_enrolment_permission(persona, request, verified):
    actor = request.getfixturevalue(persona)
    case = verified("钱七")
    events = EnrolmentEvent.objects.filter(student=case.student).count()
    with pytest.raises(PermissionDenied, match="无权办理学籍变动"):
        services.case_return(actor=actor, case=case, placement="same_school", on=D(2021, 10, 20))
    case.refresh_from_db()
    assert case.status == CaseStatus.VERIFIED
    assert EnrolmentEvent.objects.filter(student=case.student).count() == events


def test_a_redropout_needs_the_enrolment_permission(verified, county_admin, class_teacher):
    case = verified("孙八")
    case = services.case_return(actor=county_admin, case=case, placement="same_school", on=D(2021, 10, 20))
    with pytest.raises(PermissionDenied, match="无权办理学籍变动"):
        services.case_reopen(actor=class_teacher, case=case, on=D(2021, 11, 3), note="又外出务工")
    case.refresh_from_db()
    assert case.status == CaseStatus.RETURNED


def test_a_placement_without_enrolment_is_open_to_the_case_workers(verified, class_teacher):
    case = services.case_return(actor=class_teacher, case=verified("李九"), placement="deferred",
                                on=D(2021, 10, 20))  # fmt: skip
    assert case.status == CaseStatus.PLACED


def test_send_teaching_registers_the_child_so_needs_the_enrolment_permission(verified, class_teacher, school_a):
    with pytest.raises(PermissionDenied, match="无权办理学籍变动"):
        services.case_return(actor=class_teacher, case=verified("李九"), placement="send_teaching", school=school_a,
                             on=D(2021, 10, 20))  # fmt: skip


def test_a_principal_may_return_the_child_to_school(verified, principal):
    case = services.case_return(actor=principal, case=verified("周十"), placement="same_school", on=D(2021, 10, 20))
    assert case.status == CaseStatus.RETURNED
    assert case.student.events.order_by("-date", "-seq").first().kind == "resume"
