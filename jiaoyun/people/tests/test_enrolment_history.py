"""State on a date from event histories, and the set-based ``students_as_of`` agreeing with it."""

import datetime as dt

import pytest

from jiaoyun.core.errors import DomainError
from jiaoyun.people.choices import EVENT_STATUS
from jiaoyun.people.models import EnrolmentEvent
from jiaoyun.people.selectors import student_state_on, students_as_of
from jiaoyun.people.services import enrolment_record, student_create

D = dt.date


def new_student(name):
    return student_create(actor=None, name=name, sex="M", birth_date=D(2013, 5, 1))


def record(student, kind, day, **kw):
    return enrolment_record(actor=None, student=student, kind=kind, date=day, **kw)


@pytest.fixture
def transferred(school_a, school_b):
    # Given a pupil who enrols at A in grade 1, is promoted, and transfers to B on one day in March 2021
    s = new_student("转学生")
    record(s, "enrol", D(2019, 9, 1), school=school_a, grade=1)
    record(s, "promote", D(2020, 9, 1))
    record(s, "transfer_out", D(2021, 3, 1), reason="随父母迁居")
    record(s, "transfer_in", D(2021, 3, 1), school=school_b, grade=2)
    return s


@pytest.fixture
def suspended_then_resumed(school_a):
    s = new_student("休学生")
    record(s, "enrol", D(2020, 9, 1), school=school_a, grade=1)
    record(s, "suspend", D(2021, 1, 10), reason="病休")
    record(s, "resume", D(2021, 9, 1))
    return s


@pytest.fixture
def deceased(school_a):
    s = new_student("死亡学生")
    record(s, "enrol", D(2020, 9, 1), school=school_a, grade=1)
    record(s, "death", D(2021, 6, 1))
    return s


def state(student, day):
    st = student_state_on(student=student, on=day)
    return st.status, st.school_id, st.grade


def test_transfer_history(transferred, school_a, school_b):
    assert state(transferred, D(2019, 8, 31)) == ("not_enrolled", None, None)
    assert state(transferred, D(2019, 9, 1)) == ("in_school", school_a.pk, 1)
    assert state(transferred, D(2020, 12, 1)) == ("in_school", school_a.pk, 2)
    # Both events fall on 1 March: the later one (seq 1) wins, so on that day the pupil is at B.
    assert state(transferred, D(2021, 3, 1)) == ("in_school", school_b.pk, 2)
    assert state(transferred, D(2021, 2, 28)) == ("in_school", school_a.pk, 2)
    assert list(transferred.events.values_list("seq", flat=True)) == [0, 0, 0, 1]
    transferred.refresh_from_db()
    assert transferred.current_school == school_b and transferred.status == "in_school"


def test_suspension_then_resumption(suspended_then_resumed, school_a):
    s = suspended_then_resumed
    assert state(s, D(2021, 1, 9)) == ("in_school", school_a.pk, 1)
    assert state(s, D(2021, 5, 1)) == ("suspended", school_a.pk, 1)
    assert state(s, D(2021, 9, 1)) == ("in_school", school_a.pk, 1)


def test_death_ends_the_history(deceased, school_a):
    assert state(deceased, D(2021, 5, 31))[0] == "in_school"
    assert state(deceased, D(2021, 6, 1))[0] == "deceased"
    with pytest.raises(DomainError, match="死亡"):
        record(deceased, "resume", D(2021, 9, 1))
    assert deceased.events.count() == 2


@pytest.mark.parametrize(
    "day", [D(2019, 8, 31), D(2019, 9, 1), D(2020, 12, 1), D(2021, 1, 10), D(2021, 3, 1), D(2021, 6, 1), D(2022, 1, 1)]
)
def test_students_as_of_agrees_with_student_state_on(transferred, suspended_then_resumed, deceased, day):
    rows = {s.pk: s for s in students_as_of(on=day)}
    assert len(rows) == 3
    for student in (transferred, suspended_then_resumed, deceased):
        one = student_state_on(student=student, on=day)
        row = rows[student.pk]
        status = EVENT_STATUS[row.as_of_kind] if row.as_of_kind else "not_enrolled"
        assert (status, row.as_of_school_id, row.as_of_grade) == (one.status, one.school_id, one.grade)


def test_a_late_event_is_accepted_when_the_history_stays_valid(suspended_then_resumed, school_a):
    # A 留级 recorded late, dated before the 休学 already on file: the history stays valid, so it is accepted.
    record(suspended_then_resumed, "repeat", D(2021, 1, 5))
    kinds = list(suspended_then_resumed.events.values_list("kind", flat=True))
    assert kinds == ["enrol", "repeat", "suspend", "resume"]
    assert EnrolmentEvent.objects.filter(student=suspended_then_resumed).count() == 4
