"""The home page's figures. The dashboard is the one place the web app reads the domain registries: it counts
students, schools, teachers and areas within the user's scope (aggregate queries, no rows)."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q

from jiaoyun.areas.choices import AreaLevel
from jiaoyun.areas.models import Area
from jiaoyun.core.scope import area_q, school_q, scope_for, student_q, teacher_q
from jiaoyun.core.types import User
from jiaoyun.people.choices import StudentStatus
from jiaoyun.people.models import Student, Teacher
from jiaoyun.schools.choices import SchoolKind
from jiaoyun.schools.models import School


def home_figures(*, user: User) -> dict[str, Any]:
    """Real counts from the registries within the user's scope (a handful of aggregate queries)."""
    scope = scope_for(user)
    students = Student.objects.filter(student_q(scope)).aggregate(
        in_school=Count("id", filter=Q(status=StudentStatus.IN_SCHOOL)),
        dropped=Count("id", filter=Q(status=StudentStatus.DROPPED_OUT)),
        suspended=Count("id", filter=Q(status=StudentStatus.SUSPENDED)),
        left_behind=Count("id", filter=Q(status=StudentStatus.IN_SCHOOL, left_behind=True)),
    )
    schools = School.objects.filter(school_q(scope), is_active=True).aggregate(
        total=Count("id"),
        kindergartens=Count("id", filter=Q(kind=SchoolKind.KINDERGARTEN)),
        teaching_points=Count("id", filter=Q(kind=SchoolKind.TEACHING_POINT)),
    )
    teachers = Teacher.objects.filter(teacher_q(scope), is_active=True).count()
    areas = Area.objects.filter(area_q(scope)).aggregate(
        townships=Count("id", filter=Q(level=AreaLevel.TOWNSHIP)),
        villages=Count("id", filter=Q(level=AreaLevel.VILLAGE)),
    )
    by_kind = [
        {**row, "label": _kind_label(row["kind"])}
        for row in School.objects.filter(school_q(scope), is_active=True)
        .values("kind")
        .annotate(n=Count("id"))
        .order_by("kind")
    ]
    return {
        "students": students,
        "schools": schools,
        "teachers": teachers,
        "areas": areas,
        "by_kind": by_kind,
        "scope": scope,
    }


def _kind_label(kind: str) -> str:
    try:
        return str(SchoolKind(kind).label)
    except ValueError:
        return kind
