from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, QuerySet

from jiaoyun.core.choices import Sex
from jiaoyun.core.filters import as_int
from jiaoyun.core.scope import class_q, school_q, student_q, teacher_q
from jiaoyun.people.choices import StudentStatus
from jiaoyun.people.models import Student, Teacher
from jiaoyun.schools.models import School, SchoolClass


def school_list(*, user: Any, filters: Any = None) -> QuerySet[School]:
    qs = School.objects.filter(school_q(user)).select_related("township", "village", "parent")
    f = filters or {}
    if f.get("q"):
        term = str(f["q"]).strip()
        qs = qs.filter(Q(name__contains=term) | Q(code=term))
    if f.get("kind"):
        qs = qs.filter(kind=f["kind"])
    if f.get("ownership"):
        qs = qs.filter(ownership=f["ownership"])
    if f.get("township"):
        qs = qs.filter(township_id=as_int(f["township"]))
    if f.get("village"):
        qs = qs.filter(village_id=as_int(f["village"]))
    if f.get("code"):
        qs = qs.filter(code=f["code"])
    if f.get("boarding") in ("1", "true", True):
        qs = qs.filter(boarding=True)
    if f.get("active", "1") in ("1", "true", True):
        qs = qs.filter(is_active=True)
    return qs.order_by("township__sort", "kind", "code")


def school_get(*, user: Any, school_id: int) -> School:
    return school_list(user=user, filters={"active": "all"}).get(pk=school_id)


def class_list(*, user: Any, filters: Any = None) -> QuerySet[SchoolClass]:
    qs = SchoolClass.objects.filter(class_q(user)).select_related("school")
    f = filters or {}
    if f.get("school"):
        qs = qs.filter(school_id=as_int(f["school"]))
    if f.get("school_year"):
        qs = qs.filter(school_year=f["school_year"])
    if f.get("grade") not in (None, ""):
        qs = qs.filter(grade=as_int(f["grade"]))
    return qs.order_by("school_id", "school_year", "grade", "number")


def school_years(*, school: School) -> list[int]:
    """School years (start years) for which the school has classes, newest first."""
    return list(
        SchoolClass.objects.filter(school=school)
        .values_list("school_year", flat=True)
        .distinct()
        .order_by("-school_year")
    )


def school_classes(*, user: Any, school: School, school_year: int) -> QuerySet[SchoolClass]:
    """The school's classes of a year visible to the user, each with ``n_students`` (in school now)."""
    return (
        class_list(user=user, filters={"school": school.pk, "school_year": school_year})
        .annotate(
            n_students=Count(
                "students",
                filter=Q(students__status=StudentStatus.IN_SCHOOL) & student_q(user, prefix="students__"),
                distinct=True,
            )
        )
        .order_by("grade", "number")
    )


def school_grade_counts(*, user: Any, school: School) -> list[dict[str, Any]]:
    """Students in school now by grade and sex, within the user's scope (one grouped query)."""
    rows = (
        Student.objects.filter(student_q(user), current_school=school, status=StudentStatus.IN_SCHOOL)
        .values("current_grade")
        .annotate(
            total=Count("id"),
            male=Count("id", filter=Q(sex=Sex.MALE)),
            female=Count("id", filter=Q(sex=Sex.FEMALE)),
        )
        .order_by("current_grade")
    )
    return list(rows)


def school_teacher_count(*, user: Any, school: School) -> int:
    return Teacher.objects.filter(teacher_q(user), school=school, is_active=True).count()


def school_branches(*, user: Any, school: School) -> QuerySet[School]:
    """The 教学点 (and other sites) that belong to the school."""
    return School.objects.filter(school_q(user), parent=school).select_related("village").order_by("code")
