"""Every read of students and teachers goes through here, filtered by the requesting user's scope."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import OuterRef, Q, QuerySet, Subquery

from jiaoyun.areas.models import Area
from jiaoyun.core import idcard
from jiaoyun.core.errors import DomainError, PermissionDenied
from jiaoyun.core.filters import as_int
from jiaoyun.core.scope import school_q, student_q, teacher_q
from jiaoyun.people.choices import EVENT_STATUS, StudentStatus
from jiaoyun.people.models import EnrolmentEvent, Student, Teacher, TeacherAssignment
from jiaoyun.schools.models import School, SchoolClass

# Care flags (关爱标记) a list can be filtered by: ``?flag=left_behind`` is the same as ``?left_behind=1``.
STUDENT_FLAGS = {
    "left_behind": "留守儿童",
    "migrant": "随迁子女",
    "disability": "残疾",
    "poverty": "脱贫家庭/监测户",
    "orphan": "孤儿/事实无人抚养",
}


def student_list(*, user: Any, filters: Any = None) -> QuerySet[Student]:
    qs = Student.objects.filter(student_q(user)).select_related(
        "current_school", "current_class", "hukou_village", "hukou_village__parent"
    )
    f = filters or {}
    if f.get("q"):
        term = str(f["q"]).strip()
        match = Q(name__contains=term)
        number = idcard.normalize(term)
        if number.isascii():  # the exact 全国学籍号, through its keyed digest (it is stored only encrypted)
            match |= Q(student_no_hash=idcard.match_hash(number))
        qs = qs.filter(match)
    if f.get("school"):
        qs = qs.filter(current_school_id=as_int(f["school"]))
    if f.get("class"):
        qs = qs.filter(current_class_id=as_int(f["class"]))
    if f.get("township"):
        qs = qs.filter(
            Q(current_school__township_id=as_int(f["township"])) | Q(hukou_village__parent_id=as_int(f["township"]))
        )
    if f.get("village"):
        qs = qs.filter(Q(hukou_village_id=as_int(f["village"])) | Q(residence_village_id=as_int(f["village"])))
    if f.get("status"):
        qs = qs.filter(status=f["status"])
    if f.get("grade") not in (None, ""):
        qs = qs.filter(current_grade=as_int(f["grade"]))
    if f.get("sex"):
        qs = qs.filter(sex=f["sex"])
    if f.get("flag") in STUDENT_FLAGS:
        f = {**{k: f.get(k) for k in f}, str(f["flag"]): "1"}
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
        qs = qs.filter(school_id=as_int(f["school"]))
    if f.get("township"):
        qs = qs.filter(school__township_id=as_int(f["township"]))
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


def teacher_assignments(*, user: Any, teacher_id: int) -> QuerySet[TeacherAssignment]:
    """A teacher's assignment history (任职经历), oldest first, if the teacher is in scope."""
    return (
        TeacherAssignment.objects.filter(teacher_q(user, prefix="teacher__"), teacher_id=teacher_id)
        .select_related("school")
        .order_by("start", "id")
    )


def school_for_write(*, user: Any, code: str | None = None, school_id: int | None = None) -> School:
    """The in-county school named by its 学校标识码 (or id) that the user may record events for.

    Unknown codes are refused with a DomainError; schools outside the user's scope with PermissionDenied."""
    qs = School.objects.all()
    school = qs.filter(code=str(code).strip()).first() if code is not None else qs.filter(id=school_id or 0).first()
    if school is None:
        raise DomainError(
            f"未知的学校标识码{code!r}，县内没有该学校" if code is not None else "未知的学校", field="学校"
        )
    if not School.objects.filter(school_q(user), pk=school.pk).exists():
        raise PermissionDenied(f"学校“{school.name}”不在您的数据范围内")
    return school


def village_by_code(*, code: str, field: str = "户籍所在村（社区）") -> Area:
    """The village (行政村/社区) with this 12-digit area code; unknown codes are refused."""
    area = Area.objects.filter(code=str(code).strip(), level="village").first()
    if area is None:
        raise DomainError(f"未知的村（社区）区划代码{code!r}", field=field)
    return area


def class_for_event(*, school: School, school_year: int, grade: int, number: int) -> SchoolClass:
    """The class of a school, year, grade and number; unknown classes are refused."""
    klass = SchoolClass.objects.filter(school=school, school_year=school_year, grade=grade, number=number).first()
    if klass is None:
        raise DomainError(f"{school.name}{school_year}学年没有{grade}年级{number}班", field="班级")
    return klass


def student_can_edit(*, user: Any, student: Student | None = None) -> bool:
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
