"""Every read of students and teachers goes through here, filtered by the requesting user's scope."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db.models import OuterRef, QuerySet, Subquery

from jiaoyun.areas.choices import AreaLevel
from jiaoyun.areas.models import Area
from jiaoyun.core.errors import DomainError, PermissionDenied
from jiaoyun.core.filtersets import filter_by
from jiaoyun.core.scope import school_q, student_q, teacher_q
from jiaoyun.core.types import User
from jiaoyun.people.choices import EVENT_STATUS, StudentStatus
from jiaoyun.people.filters import STUDENT_FLAGS as STUDENT_FLAGS  # the care flags, as the pages list them
from jiaoyun.people.filters import StudentFilterSet, TeacherFilterSet
from jiaoyun.people.models import EnrolmentEvent, Student, Teacher, TeacherAssignment
from jiaoyun.schools.filters import with_defaults
from jiaoyun.schools.models import School, SchoolClass


def student_list(*, user: User, filters: Mapping[str, Any] | None = None) -> QuerySet[Student]:
    """Students in scope; filters: ``StudentFilterSet`` (``q``, ``school``, ``class``, ``flag``, ``left_behind`` …)."""
    qs = Student.objects.filter(student_q(user)).select_related(
        "current_school", "current_class", "hukou_village", "hukou_village__parent"
    )
    return filter_by(StudentFilterSet, filters, qs).order_by("id")


def student_get(*, user: User, student_id: int) -> Student:
    """One student within scope; raises Student.DoesNotExist otherwise (views answer 404)."""
    return student_list(user=user).get(pk=student_id)


def student_events(*, user: User, student_id: int) -> QuerySet[EnrolmentEvent]:
    return (
        EnrolmentEvent.objects.filter(student_q(user, prefix="student__"), student_id=student_id)
        .select_related("school", "school_class")
        .order_by("date", "seq", "id")
    )


@dataclass(frozen=True)
class StudentState:
    status: str
    school_id: int | None
    grade: int | None
    class_id: int | None
    since: dt.date | None
    external_school: str = ""

    @property
    def in_school(self) -> bool:
        return self.status == StudentStatus.IN_SCHOOL


def student_state_on(*, student: Student, on: dt.date) -> StudentState:
    """The student's 学籍 state on a date, derived from the events up to that date."""
    last = student.events.filter(date__lte=on).order_by("-date", "-seq", "-id").first()
    if last is None:
        return StudentState(StudentStatus.NOT_ENROLLED, None, None, None, None)
    return StudentState(
        EVENT_STATUS[last.kind], last.school_id, last.grade, last.school_class_id, last.date, last.external_school
    )


def students_as_of(*, on: dt.date, queryset: QuerySet[Student] | None = None) -> QuerySet[Student]:
    """Students annotated with their state on a date, set-based: ``as_of_kind``, ``as_of_school_id``,
    ``as_of_grade`` (None when no event yet). Filter with ``as_of_kind__in=IN_SCHOOL_EVENTS`` for 在校."""
    latest = EnrolmentEvent.objects.filter(student_id=OuterRef("pk"), date__lte=on).order_by("-date", "-seq", "-id")
    qs = queryset if queryset is not None else Student.objects.all()
    return qs.annotate(
        as_of_kind=Subquery(latest.values("kind")[:1]),
        as_of_school_id=Subquery(latest.values("school_id")[:1]),
        as_of_grade=Subquery(latest.values("grade")[:1]),
    )


def teacher_list(*, user: User, filters: Mapping[str, Any] | None = None) -> QuerySet[Teacher]:
    """Teachers in scope; filters: ``TeacherFilterSet``. Without ``active`` only those in post (在职)."""
    qs = Teacher.objects.filter(teacher_q(user)).select_related("school", "school__township")
    return filter_by(TeacherFilterSet, with_defaults(filters, active="1"), qs).order_by("id")


def teacher_get(*, user: User, teacher_id: int) -> Teacher:
    return teacher_list(user=user, filters={"active": "all"}).get(pk=teacher_id)


def teacher_assignments(*, user: User, teacher_id: int) -> QuerySet[TeacherAssignment]:
    """A teacher's assignment history (任职经历), oldest first, if the teacher is in scope."""
    return (
        TeacherAssignment.objects.filter(teacher_q(user, prefix="teacher__"), teacher_id=teacher_id)
        .select_related("school")
        .order_by("start", "id")
    )


def school_for_write(*, user: User, code: str | None = None, school_id: int | None = None) -> School:
    """The in-county school named by its 学校标识码 (or id) that the user may record events for.

    Unknown codes are refused with a DomainError; schools outside the user's scope with PermissionDenied."""
    qs = School.objects.all()
    school = qs.filter(code=str(code).strip()).first() if code is not None else qs.filter(id=school_id or 0).first()
    if school is None:
        raise DomainError(
            f"未知的学校标识码“{code}”，县内没有该学校" if code is not None else "未知的学校", field="学校"
        )
    if not School.objects.filter(school_q(user), pk=school.pk).exists():
        raise PermissionDenied(f"学校“{school.name}”不在您的数据范围内")
    return school


def village_by_code(*, code: str, field: str = "户籍所在村（社区）") -> Area:
    """The village (行政村/社区) with this 12-digit area code; unknown codes are refused."""
    area = Area.objects.filter(code=str(code).strip(), level=AreaLevel.VILLAGE).first()
    if area is None:
        raise DomainError(f"未知的村（社区）区划代码“{code}”", field=field)
    return area


def class_for_event(*, school: School, school_year: int, grade: int, number: int) -> SchoolClass:
    """The class of a school, year, grade and number; unknown classes are refused."""
    klass = SchoolClass.objects.filter(school=school, school_year=school_year, grade=grade, number=number).first()
    if klass is None:
        raise DomainError(f"{school.name}{school_year}学年没有{grade}年级{number}班", field="班级")
    return klass


def student_can_edit(*, user: User, student: Student | None = None) -> bool:
    """Whether the user may create students / record 学籍 events (and, given a student, for that one)."""
    from jiaoyun.core.choices import Role, Section

    if not getattr(user, "is_authenticated", False) or not user.can_write:
        return False
    allowed = user.role in (Role.COUNTY_ADMIN, Role.TOWNSHIP_OFFICER, Role.PRINCIPAL) or (
        user.role == Role.BUREAU_STAFF and user.section == Section.BASIC
    )
    if not allowed:
        return False
    return student is None or Student.objects.filter(student_q(user), pk=student.pk).exists()
