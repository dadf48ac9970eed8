"""The reads moved out of the teachers views into selectors keep to the user's scope."""

import datetime as dt

import pytest

from jiaoyun.core.tests.factories import UserFactory
from jiaoyun.teachers import selectors
from jiaoyun.teachers.models import EthicsRecord
from jiaoyun.teachers.services import appeal_file, ethics_record_create, round_advance, score_set
from jiaoyun.teachers.tests.conftest import make_teacher
from jiaoyun.teachers.tests.test_rounds import setup  # noqa: F401 (fixture)


def test_round_reads_follow_the_application_scope(personnel, principal_b, school_a, school_a_junior, setup):  # noqa: F811
    rnd, t1, t2, a1, a2 = setup
    score_set(actor=personnel, application=a1, school=school_a, score=70)
    score_set(actor=personnel, application=a2, school=school_a, score=80)
    for _ in range(4):
        round_advance(actor=personnel, round=rnd)
    a1.refresh_from_db()
    appeal = appeal_file(actor=personnel, application=a1, reason="评分有误")
    outsider = UserFactory(username="junior_head", role="principal", school=school_a_junior)
    # the 人事股 sees everything; principal_b sees the applications listing school_b
    for user in (personnel, principal_b):
        assert selectors.round_application_get(user=user, round=rnd, application_id=a1.pk) == a1
        assert selectors.round_appeal_get(user=user, round=rnd, appeal_id=appeal.pk) == appeal
    # a principal with no applicant from, placed at or listing their school sees none of them
    assert selectors.round_application_get(user=outsider, round=rnd, application_id=a1.pk) is None
    assert selectors.round_appeal_get(user=outsider, round=rnd, appeal_id=appeal.pk) is None
    assert list(selectors.round_appeals(user=outsider, round=rnd)) == []


def test_round_teachers_are_scoped_by_teacher(personnel, principal_b, school_a, setup):  # noqa: F811
    rnd, t1, *_ = setup
    assert t1 in set(selectors.round_teachers(user=personnel))
    assert t1 not in set(selectors.round_teachers(user=principal_b))
    assert selectors.round_teacher_get(user=principal_b, teacher_id=t1.pk) is None
    assert selectors.round_teacher_get(user=personnel, teacher_id=t1.pk) == t1


def test_an_ethics_file_holds_only_what_the_user_may_read(personnel, principal, principal_b, school_a):
    teacher = make_teacher(school_a, name="钱师")
    other = make_teacher(school_a, name="孙师")
    record = ethics_record_create(actor=personnel, teacher=teacher, kind="violation", date=dt.date(2026, 3, 1),
                                  title="有偿补课", principle=6)  # fmt: skip
    file = selectors.ethics_teacher_file(user=principal, teacher=teacher)
    assert list(file.records) == [record]
    assert list(selectors.ethics_teacher_file(user=principal_b, teacher=teacher).records) == []
    assert selectors.ethics_record_get(user=principal, teacher=teacher, record_id=record.pk) == record
    with pytest.raises(EthicsRecord.DoesNotExist):  # a record asked for under another teacher
        selectors.ethics_record_get(user=principal, teacher=other, record_id=record.pk)
    with pytest.raises(EthicsRecord.DoesNotExist):
        selectors.ethics_record_get(user=principal_b, teacher=teacher, record_id=record.pk)
