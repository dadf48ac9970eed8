from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db.models import Count, Q, QuerySet, Value

from jiaoyun.core.choices import Sex
from jiaoyun.core.filtersets import filter_by
from jiaoyun.core.scope import class_q, school_q, student_q, teacher_q
from jiaoyun.core.types import User
from jiaoyun.people.choices import StudentStatus
from jiaoyun.people.models import Student, Teacher
from jiaoyun.schools.filters import ClassFilterSet, SchoolFilterSet, with_defaults
from jiaoyun.schools.models import School, SchoolClass


def school_list(*, user: User, filters: Mapping[str, Any] | None = None) -> QuerySet[School]:
    """Schools in scope; filters: ``SchoolFilterSet``. Without ``active`` only schools still running (在办)."""
    qs = School.objects.filter(school_q(user)).select_related("township", "village", "parent")
    return filter_by(SchoolFilterSet, with_defaults(filters, active="1"), qs).order_by("township__sort", "kind", "code")


def school_get(*, user: User, school_id: int) -> School:
    return school_list(user=user, filters={"active": "all"}).get(pk=school_id)


def class_list(*, user: User, filters: Mapping[str, Any] | None = None) -> QuerySet[SchoolClass]:
    """Classes in scope; filters: ``ClassFilterSet`` (``school``, ``school_year``, ``grade``)."""
    qs = SchoolClass.objects.filter(class_q(user)).select_related("school")
    return filter_by(ClassFilterSet, filters, qs).order_by("school_id", "school_year", "grade", "number")


def school_years(*, school: School) -> list[int]:
    """School years (start years) for which the school has classes, newest first."""
    return list(
        SchoolClass.objects.filter(school=school)
        .values_list("school_year", flat=True)
        .distinct()
        .order_by("-school_year")
    )


def school_classes(*, user: User, school: School, school_year: int) -> QuerySet[SchoolClass]:
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


def school_grade_counts(*, user: User, school: School) -> list[dict[str, Any]]:
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


def school_teacher_count(*, user: User, school: School) -> int:
    return Teacher.objects.filter(teacher_q(user), school=school, is_active=True).count()


def school_branches(*, user: User, school: School) -> QuerySet[School]:
    """The 教学点 (and other sites) that belong to the school."""
    return School.objects.filter(school_q(user), parent=school).select_related("village").order_by("code")


def township_members(township_id: int) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """The ids of a township's schools and of its villages, in one query (the data scope's township builders
    filter the students by them, ``jiaoyun.core.scope.township_members``)."""
    from jiaoyun.areas.models import Area

    villages = Area.objects.filter(parent_id=township_id).order_by().values("id").annotate(kind=Value("v"))
    rows = (
        School.objects.filter(township_id=township_id)
        .order_by()
        .values("id")
        .annotate(kind=Value("s"))
        .union(villages, all=True)
    )
    schools = tuple(sorted(r["id"] for r in rows if r["kind"] == "s"))
    return schools, tuple(sorted(r["id"] for r in rows if r["kind"] == "v"))


def school_family(school_ids: tuple[int, ...]) -> tuple[int, ...]:
    """The ids of these schools and of their branches (校区), in one query (``jiaoyun.core.scope.school_family``)."""
    rows = School.objects.filter(Q(id__in=school_ids) | Q(parent_id__in=school_ids)).order_by("id")
    return tuple(rows.values_list("id", flat=True))
