"""Bad input is refused by the services with a clear Chinese message, and nothing partial is saved."""

import datetime as dt

import pytest
from django.utils import timezone

from jiaoyun.areas.services import area_create
from jiaoyun.core import idcard
from jiaoyun.core.errors import DomainError
from jiaoyun.core.models import AuditEntry
from jiaoyun.people.models import EnrolmentEvent, Student
from jiaoyun.people.selectors import school_for_write, village_by_code
from jiaoyun.people.services import enrolment_record, student_admit, student_create, student_update
from jiaoyun.schools.services import school_create

D = dt.date


def nothing_saved():
    return not Student.objects.exists() and not EnrolmentEvent.objects.exists() and not AuditEntry.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("number", "message"),
    [
        ("530521201506010350", "校验码错误（末位应为"),
        ("53052120150601035", "应为18位，实际17位"),
        ("530521201502300358", "不是有效日期"),
        ("5305212015060103AX", "前17位应为数字"),
    ],
)
def test_invalid_id_numbers_are_refused(number, message):
    with pytest.raises(DomainError) as exc:
        student_create(actor=None, name="甲", id_number=number)
    assert message in str(exc.value) and "身份证号" in str(exc.value)
    assert nothing_saved()


@pytest.mark.django_db
def test_id_number_must_agree_with_birth_date_and_sex():
    number = idcard.make("530521", D(2015, 6, 1), 35)  # male
    with pytest.raises(DomainError, match="出生日期2015-06-01与填写的2015-06-02不一致"):
        student_create(actor=None, name="甲", sex="M", birth_date=D(2015, 6, 2), id_number=number)
    with pytest.raises(DomainError, match="性别"):
        student_create(actor=None, name="甲", sex="F", birth_date=D(2015, 6, 1), id_number=number)
    assert nothing_saved()


@pytest.mark.django_db
def test_the_same_id_number_cannot_be_registered_twice():
    number = idcard.make("530521", D(2015, 6, 1), 35)
    student_create(actor=None, name="甲", id_number=number)
    with pytest.raises(DomainError, match="已登记在另一名学生名下"):  # no actor: sees nobody, so nobody is named
        student_create(actor=None, name="乙", id_number=number)
    assert Student.objects.count() == 1


def test_enrolment_before_birth_is_refused(school_a):
    student = student_create(actor=None, name="甲", sex="M", birth_date=D(2015, 6, 1))
    with pytest.raises(DomainError, match="早于出生日期2015-06-01"):
        enrolment_record(actor=None, student=student, kind="enrol", date=D(2015, 5, 1), school=school_a, grade=1)
    with pytest.raises(DomainError, match="未满2周岁"):
        enrolment_record(actor=None, student=student, kind="enrol", date=D(2016, 9, 1), school=school_a, grade=1)
    assert not EnrolmentEvent.objects.exists()


def test_changing_birth_date_after_enrolment_is_refused(student_a):
    with pytest.raises(DomainError, match="出生日期晚于首次入学日期"):
        student_update(actor=None, student=student_a, birth_date=D(2021, 10, 1))
    student_a.refresh_from_db()
    assert student_a.birth_date == D(2015, 3, 1)
    assert not AuditEntry.objects.filter(action="update").exists()


def test_events_out_of_order_are_refused(school_a):
    student = student_create(actor=None, name="甲", sex="M", birth_date=D(2014, 6, 1))
    enrolment_record(actor=None, student=student, kind="enrol", date=D(2021, 9, 1), school=school_a, grade=1)
    # A 复学 with no 休学 before it, and a 升级 dated before the 入学 it would follow.
    with pytest.raises(DomainError, match="当时状态为“在校”，不能办理“复学”"):
        enrolment_record(actor=None, student=student, kind="resume", date=D(2022, 2, 1))
    with pytest.raises(DomainError, match="尚无学籍"):
        enrolment_record(actor=None, student=student, kind="promote", date=D(2021, 6, 1), school=school_a, grade=2)
    assert student.events.count() == 1


def test_a_student_cannot_be_enrolled_twice_at_once(student_a, school_a, school_b):
    with pytest.raises(DomainError, match="不能重复入学（同一时间只能在一所学校）"):
        enrolment_record(actor=None, student=student_a, kind="enrol", date=D(2022, 2, 1), school=school_b, grade=1)
    # A late 入学 elsewhere dated inside the current enrolment is refused in the same way.
    with pytest.raises(DomainError, match="不能重复入学"):
        enrolment_record(actor=None, student=student_a, kind="enrol", date=D(2021, 10, 1), school=school_b, grade=1)
    with pytest.raises(DomainError, match="转入学校与原学校相同"):
        enrolment_record(
            actor=None, student=student_a, kind="transfer_in", date=D(2022, 2, 1), school=school_a, grade=1
        )
    student_a.refresh_from_db()
    assert student_a.current_school == school_a and student_a.events.count() == 1


def test_admission_is_all_or_nothing(school_a):
    # The student record is valid but the enrolment is not (grade 7 at a primary school): neither is kept.
    with pytest.raises(DomainError, match="不设七年级"):
        student_admit(
            actor=None, name="甲", sex="M", birth_date=D(2009, 6, 1), enrol_kind="enrol", enrol_date=D(2021, 9, 1),
            school=school_a, grade=7,
        )  # fmt: skip
    assert nothing_saved()


@pytest.mark.django_db
def test_unknown_school_and_village_codes_are_refused(county_admin, school_a):
    with pytest.raises(DomainError, match="未知的学校标识码“2153999999”"):
        school_for_write(user=county_admin, code="2153999999")
    with pytest.raises(DomainError, match="未知的村（社区）区划代码“530521999999”"):
        village_by_code(code="530521999999")


def test_unknown_or_inconsistent_area_and_school_codes_are_refused(county, township_a):
    with pytest.raises(DomainError, match="区划代码应为12位数字"):
        area_create(actor=None, code="53052110001", name="新村", level="village", parent=township_a)
    with pytest.raises(DomainError, match="与上级530521100不一致"):
        area_create(actor=None, code="530521200001", name="新村", level="village", parent=township_a)
    with pytest.raises(DomainError, match="学校标识码应为10位数字"):
        school_create(actor=None, code="21530", name="新校", kind="primary", township=township_a)
    with pytest.raises(DomainError, match="教学点须指定主校"):
        school_create(actor=None, code="2153000100", name="新教学点", kind="teaching_point", township=township_a)
    assert not AuditEntry.objects.exists()


@pytest.mark.django_db
def test_birth_date_in_the_future_is_refused():
    with pytest.raises(DomainError, match="出生日期.*不合理"):
        student_create(actor=None, name="甲", sex="M", birth_date=timezone.localdate() + dt.timedelta(days=1))
    assert nothing_saved()
