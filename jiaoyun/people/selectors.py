"""Every read of students and teachers goes through here, filtered by the requesting user's scope."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import OuterRef, Q, QuerySet, Subquery

from jiaoyun.core.scope import student_q, teacher_q
from jiaoyun.people.choices import EVENT_STATUS, StudentStatus
from jiaoyun.people.models import EnrolmentEvent, Student, Teacher


def student_list(*, user: Any, filters: Any = None) -> QuerySet[Student]:
    qs = Student.objects.filter(student_q(user)).select_related(
        "current_school", "current_class", "hukou_village", "hukou_village__parent"
    )
    f = filters or {}
    if f.get("q"):
        term = str(f["q"]).strip()
        qs = qs.filter(Q(name__contains=term) | Q(student_no=term))
    if f.get("school"):
        qs = qs.filter(current_school_id=f["school"])
    if f.get("township"):
        qs = qs.filter(Q(current_school__township_id=f["township"]) | Q(hukou_village__parent_id=f["township"]))
    if f.get("village"):
        qs = qs.filter(Q(hukou_village_id=f["village"]) | Q(residence_village_id=f["village"]))
    if f.get("status"):
        qs = qs.filter(status=f["status"])
    if f.get("grade") not in (None, ""):
        qs = qs.filter(current_grade=f["grade"])
    if f.get("sex"):
        qs = qs.filter(sex=f["sex"])
    for flag in ("left_behind", "migrant"):
        if f.get(flag) in ("1", "true", True):
            qs = qs.filter(**{flag: True})
    if f.get("disability") in ("1", "true", True):
        qs = qs.exclude(disability="")
    if f.get("poverty") in ("1", "true", True):
        qs = qs.exclude(poverty="")
    if f.get("orphan") in ("1", "true", True):
        qs = qs.exclude(orphan="")
    return qs.order_by("id")


def student_get(*, user: Any, student_id: int) -> Student:
    """One student within scope; raises Student.DoesNotExist otherwise (views answer 404)."""
    return student_list(user=user).get(pk=student_id)


def student_events(*, user: Any, student_id: int) -> QuerySet[EnrolmentEvent]:
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


def teacher_list(*, user: Any, filters: Any = None) -> QuerySet[Teacher]:
    qs = Teacher.objects.filter(teacher_q(user)).select_related("school", "school__township")
    f = filters or {}
    if f.get("q"):
        qs = qs.filter(Q(name__contains=str(f["q"]).strip()) | Q(staff_no=str(f["q"]).strip()))
    if f.get("school"):
        qs = qs.filter(school_id=f["school"])
    if f.get("township"):
        qs = qs.filter(school__township_id=f["township"])
    if f.get("subject"):
        qs = qs.filter(main_subject=f["subject"])
    if f.get("post_type"):
        qs = qs.filter(post_type=f["post_type"])
    if f.get("title"):
        qs = qs.filter(title=f["title"])
    if f.get("backbone") in ("1", "true", True):
        qs = qs.exclude(backbone="")
    active = f.get("active", "1")
    if active in ("1", "true", True):
        qs = qs.filter(is_active=True)
    return qs.order_by("id")


def teacher_get(*, user: Any, teacher_id: int) -> Teacher:
    return teacher_list(user=user, filters={"active": "all"}).get(pk=teacher_id)
