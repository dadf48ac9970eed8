"""People around the cases: 包保责任人, absences, the 户籍 roster, and the areas and schools the forms offer."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from django.db.models import Q, QuerySet

from jiaoyun.areas.models import Area
from jiaoyun.core.choices import ScopeLevel
from jiaoyun.core.filtersets import filter_by
from jiaoyun.core.schoolyear import SchoolYear
from jiaoyun.core.scope import area_q, class_q, school_q, scope_for, student_q
from jiaoyun.core.types import User
from jiaoyun.schools.choices_in_scope import place_choices

if TYPE_CHECKING:
    from jiaoyun.core.scope import Viewer
from jiaoyun.dropout.filters import AbsenceFilter, HukouFilter, ResponsibleFilter
from jiaoyun.dropout.models import Absence, HukouRecord, ResponsiblePerson
from jiaoyun.people.choices import StudentStatus
from jiaoyun.people.models import Student
from jiaoyun.schools.models import School, SchoolClass


def filter_places(*, user: Viewer) -> dict[str, QuerySet[Any]]:
    """The townships, villages and schools within scope that the list filters offer (``choices_in_scope``)."""
    places = place_choices(user)
    return {"townships": places.townships, "villages": places.villages, "schools": places.schools}


def responsible_places(*, user: User) -> dict[str, QuerySet[Any]]:
    """The areas, schools and this year's classes within scope a 包保责任人 may be named for."""
    classes = SchoolClass.objects.filter(class_q(user), school_year=SchoolYear.current().start_year)
    return {
        "areas": Area.objects.filter(area_q(user)).order_by("level", "code")[:800],
        "school_list": School.objects.filter(school_q(user), is_active=True),
        "class_list": classes.select_related("school")[:800],
    }


def responsible_place_get(
    *, user: User, area: int | None, school: int | None, school_class: int | None
) -> tuple[Area | None, School | None, SchoolClass | None]:
    """The area, school and class chosen for a 包保责任人, each None when not chosen or outside the scope."""
    return (
        Area.objects.filter(area_q(user), pk=area).first() if area else None,
        School.objects.filter(school_q(user), pk=school).first() if school else None,
        SchoolClass.objects.filter(class_q(user), pk=school_class).first() if school_class else None,
    )


def responsible_list(*, user: User, filters: Mapping[str, Any] | None = None) -> QuerySet[ResponsiblePerson]:
    s = scope_for(user)
    if s.level == ScopeLevel.NONE:
        return ResponsiblePerson.objects.none()
    qs = ResponsiblePerson.objects.select_related("area", "school", "school_class", "user")
    if not s.is_county:
        areas = Area.objects.filter(area_q(user))
        schools = School.objects.filter(school_q(user))
        qs = qs.filter(Q(level=1) | Q(area__in=areas) | Q(school__in=schools))
    return filter_by(ResponsibleFilter, filters, qs).order_by("line", "level", "area__code", "school__code", "id")


def absence_list(*, user: User, filters: Mapping[str, Any] | None = None) -> QuerySet[Absence]:
    qs = Absence.objects.filter(student_q(user, prefix="student__")).select_related(
        "student", "student__current_class", "recorded_by"
    )
    return filter_by(AbsenceFilter, filters, qs).order_by("-date", "student__name")


def class_students(*, user: User) -> QuerySet[Student]:
    """In-school students the user may mark absent (a class teacher: their classes)."""
    classes = SchoolClass.objects.filter(class_q(user))
    return (
        Student.objects.filter(student_q(user), status=StudentStatus.IN_SCHOOL, current_class__in=classes)
        .select_related("current_class")
        .order_by("current_class_id", "name")
    )


def hukou_batches(*, user: Viewer, limit: int = 50) -> list[str]:
    """The import batches of the 户籍名册 rows the user may see (for the batch filter)."""
    qs = HukouRecord.objects.filter(area_q(user, prefix="hukou_village__")).exclude(batch="")
    return list(qs.order_by().values_list("batch", flat=True).distinct()[:limit])


def hukou_list(*, user: Viewer, filters: Mapping[str, Any] | None = None) -> QuerySet[HukouRecord]:
    """户籍名册 (the police roster) within the user's area scope, narrowed by ``dropout.filters.HukouFilter``."""
    qs = HukouRecord.objects.filter(area_q(user, prefix="hukou_village__")).select_related(
        "hukou_village", "hukou_village__parent", "student", "student__current_school"
    )
    return filter_by(HukouFilter, filters, qs).order_by("hukou_village__code", "birth_date", "id")
