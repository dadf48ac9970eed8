"""The one write path for 学籍 events: validates the whole history, then refreshes the cached state."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Max

from jiaoyun.core.audit import audit_record, snapshot
from jiaoyun.core.choices import AuditAction
from jiaoyun.core.errors import DomainError
from jiaoyun.core.schoolyear import SchoolYear, age_on
from jiaoyun.core.types import User
from jiaoyun.people.choices import (
    ALLOWED_AFTER,
    CLASS_KEPT_STATUSES,
    EVENT_STATUS,
    SCHOOL_EVENTS,
    EventKind,
    StudentStatus,
    StudyLevel,
)
from jiaoyun.people.models import EnrolmentEvent, Student
from jiaoyun.people.services.chain import events_link
from jiaoyun.people.signals import events_changing
from jiaoyun.schools.choices import Grade
from jiaoyun.schools.models import School, SchoolClass
from jiaoyun.schools.services import validate_grade

MIN_AGE_AT_ENTRY = 2  # youngest age (周岁) at which a child can start kindergarten


@dataclass(frozen=True)
class EventView:
    """The fields of an event that validation needs (works for saved and unsaved events)."""

    kind: str
    date: dt.date
    seq: int
    school_id: int | None
    grade: int | None


def _label(kind: str) -> str:
    return str(EventKind(kind).label)


def validate_chain(events: Sequence[EventView], *, birth_date: dt.date) -> None:
    """Check that a student's events, in order, form a possible history. Raises DomainError."""
    status: str | None = None
    grade: int | None = None
    school_id: int | None = None
    for ev in events:
        if ev.date <= birth_date:
            raise DomainError(f"{ev.date}的{_label(ev.kind)}早于出生日期{birth_date}", field="日期")
        if ev.kind in (EventKind.ENROL, EventKind.TRANSFER_IN) and age_on(birth_date, ev.date) < MIN_AGE_AT_ENTRY:
            raise DomainError(f"{ev.date}入学时未满{MIN_AGE_AT_ENTRY}周岁，日期不合理", field="日期")
        allowed = ALLOWED_AFTER.get(status, ())
        if ev.kind not in allowed:
            state = StudentStatus(status).label if status else "尚无学籍"
            if ev.kind == EventKind.ENROL and status == StudentStatus.IN_SCHOOL:
                raise DomainError(f"{ev.date}：学生已在校就读，不能重复入学（同一时间只能在一所学校）", field="类型")
            raise DomainError(f"{ev.date}：学生当时状态为“{state}”，不能办理“{_label(ev.kind)}”", field="类型")
        if ev.kind in SCHOOL_EVENTS and (ev.school_id is None or ev.grade is None):
            raise DomainError(f"{_label(ev.kind)}须填写学校和年级", field="学校")
        if ev.kind == EventKind.PROMOTE and grade is not None and ev.grade != grade + 1:
            raise DomainError(f"{ev.date}升级：年级应为{grade + 1}，实际为{ev.grade}", field="年级")
        if (
            ev.kind == EventKind.PROMOTE
            and school_id is not None
            and ev.school_id not in (None, school_id)
            and status == StudentStatus.IN_SCHOOL
        ):
            raise DomainError(f"{ev.date}升级不能变更学校，请办理转学或毕业后入学", field="学校")
        if ev.kind == EventKind.REPEAT and grade is not None and ev.grade != grade:
            raise DomainError(f"{ev.date}留级：年级应保持为{grade}，实际为{ev.grade}", field="年级")
        if ev.kind == EventKind.TRANSFER_IN and status == StudentStatus.IN_SCHOOL and ev.school_id == school_id:
            raise DomainError(f"{ev.date}转入学校与原学校相同", field="学校")
        status = EVENT_STATUS[ev.kind]
        if ev.grade is not None:
            grade = ev.grade
        if ev.school_id is not None:
            school_id = ev.school_id


def _check_school(school: School | None, grade: int | None, school_class: SchoolClass | None, on: dt.date) -> None:
    if grade is not None and grade not in Grade.values:
        raise DomainError(f"未知年级{grade}", field="年级")
    if school is not None:
        if not school.is_active:
            raise DomainError(f"学校“{school.name}”已停办", field="学校")
        if grade is not None:
            validate_grade(kind=school.kind, grade=grade, school_name=school.name)
    if school_class is not None:
        if school is None or school_class.school_id != school.pk:
            raise DomainError("班级不属于该学校", field="班级")
        if school_class.grade != grade or school_class.school_year != SchoolYear.of(on).start_year:
            raise DomainError("班级的年级或学年与事件不符", field="班级")


@transaction.atomic
def enrolment_record(
    *,
    actor: User | None,
    student: Student,
    kind: str,
    date: dt.date,
    school: School | None = None,
    grade: int | None = None,
    school_class: SchoolClass | None = None,
    external_school: str = "",
    reason: str = "",
    study_level: str | None = None,
) -> EnrolmentEvent:
    """Record one 学籍 event. Late events are allowed if the whole history stays valid.

    ``study_level`` is for 外县就读 only: the level the child studies at outside the county (counted in the
    高中阶段毛入学率 when it is 普通高中 or 中职, per ``INDICATOR_SENIOR_COUNT_OUT_OF_COUNTY``)."""
    if kind not in EventKind.values:
        raise DomainError(f"未知的学籍变动类型“{kind}”", field="类型")
    if study_level and kind != EventKind.OUT_OF_COUNTY:
        raise DomainError("就读学段仅在类型为外县就读时填写", field="就读学段")
    if study_level and study_level not in StudyLevel.values:
        raise DomainError(f"未知的就读学段“{study_level}”", field="就读学段")
    student = Student.objects.select_for_update().get(pk=student.pk)
    current = list(student.events.order_by("date", "seq", "id"))
    last_before = [e for e in current if e.date <= date]
    prev = last_before[-1] if last_before else None
    # Events that leave school carry the school and grade the student left from.
    if kind not in SCHOOL_EVENTS and prev is not None:
        school = school or (prev.school if kind != EventKind.OUT_OF_COUNTY else None)
        grade = grade if grade is not None else prev.grade
    if kind in (EventKind.RESUME, EventKind.SUSPEND) and prev is not None:
        school = school or prev.school
        grade = grade if grade is not None else prev.grade
    if kind == EventKind.PROMOTE and prev is not None:
        school = school or prev.school
        grade = grade if grade is not None else (prev.grade or 0) + 1
    if kind == EventKind.REPEAT and prev is not None:
        school = school or prev.school
        grade = grade if grade is not None else prev.grade
    if kind == EventKind.OUT_OF_COUNTY and not external_school:
        external_school = "县外学校"
    _check_school(
        school if kind in SCHOOL_EVENTS else None, grade if kind in SCHOOL_EVENTS else None, school_class, date
    )
    last_seq = student.events.filter(date=date).aggregate(m=Max("seq"))["m"]
    seq = (last_seq if last_seq is not None else -1) + 1
    new = EventView(kind, date, seq, school.pk if school else None, grade)
    views = [EventView(e.kind, e.date, e.seq, e.school_id, e.grade) for e in current] + [new]
    views.sort(key=lambda v: (v.date, v.seq))
    validate_chain(views, birth_date=student.birth_date)
    event = EnrolmentEvent(
        student=student,
        kind=kind,
        date=date,
        seq=seq,
        school=school,
        grade=grade,
        school_class=school_class,
        external_school=external_school,
        study_level=study_level or None,
        reason=reason,
        recorded_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    event.full_clean(exclude=["student", "recorded_by"])
    events_changing.send(sender=EnrolmentEvent, student_ids=[student.pk])
    event.save()
    events_link(student_ids=[student.pk])
    student_refresh_state(student=student)
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=event,
        object_repr=f"{student.name} {event}",
        changes=snapshot(event),
    )
    return event


def student_refresh_state(*, student: Student) -> Student:
    """Recompute the cached status/school/grade/class from the latest event (no audit: derived data).

    The class is the latest event's while in school; after 休学 or 辍学 it is the class of the latest event that
    named one (the class left, ``CLASS_KEPT_STATUSES``); otherwise none.
    """
    last = student.events.order_by("-date", "-seq", "-id").first()
    if last is None:
        student.status, student.current_school_id, student.current_grade, student.current_class_id = (
            StudentStatus.NOT_ENROLLED,
            None,
            None,
            None,
        )
    else:
        student.status = EVENT_STATUS[last.kind]
        if last.school_id is not None:
            student.current_school_id = last.school_id
        student.current_grade = last.grade
        if student.status == StudentStatus.IN_SCHOOL:
            student.current_class_id = last.school_class_id
        elif student.status in CLASS_KEPT_STATUSES:
            named = student.events.filter(school_class__isnull=False).order_by("-date", "-seq", "-id")
            student.current_class_id = named.values_list("school_class_id", flat=True).first()
        else:
            student.current_class_id = None
    student.save(update_fields=["status", "current_school", "current_grade", "current_class", "updated_at"])
    return student
