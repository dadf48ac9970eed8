"""People around the cases: 包保责任人, absences, the 户籍 roster, and the areas and schools the forms offer."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import Exists, OuterRef, Q, QuerySet

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
from jiaoyun.dropout.models import Absence, ClassRegister, HukouRecord, ResponsiblePerson
from jiaoyun.dropout.permissions import REGISTER_VIEW_ROLES
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


def absence_list(
    *, user: User, filters: Mapping[str, Any] | None = None, school_class: SchoolClass | None = None
) -> QuerySet[Absence]:
    """Absences of the students in scope (of one class when given), newest first."""
    qs = Absence.objects.filter(student_q(user, prefix="student__")).select_related(
        "student", "student__current_class", "recorded_by"
    )
    if school_class is not None:
        qs = qs.filter(student__current_class=school_class)
    return filter_by(AbsenceFilter, filters, qs).order_by("-date", "student__name")


# ---------------------------------------------------------------- the day's register of a class (缺勤登记)


def may_view_registers(user: User) -> bool:
    return getattr(user, "role", None) in REGISTER_VIEW_ROLES


def _with_pupils() -> Exists:
    return Exists(Student.objects.filter(current_class=OuterRef("pk"), status=StudentStatus.IN_SCHOOL))


def register_classes(*, user: User, school_id: int | None = None) -> QuerySet[SchoolClass]:
    """The classes with pupils in school whose register the user may open (a class teacher: their own)."""
    if not may_view_registers(user):
        return SchoolClass.objects.none()
    qs = SchoolClass.objects.filter(class_q(user)).filter(_with_pupils())
    if school_id is not None:
        qs = qs.filter(school_id=school_id)
    return qs.select_related("school").order_by("school__code", "grade", "number", "id")


def register_schools(*, user: User) -> QuerySet[School]:
    """The schools in scope with a class whose register the user may open (the first choice of county users)."""
    if not may_view_registers(user):
        return School.objects.none()
    classes = SchoolClass.objects.filter(class_q(user)).filter(_with_pupils())
    return (
        School.objects.filter(school_q(user), is_active=True, pk__in=classes.values("school_id"))
        .select_related("township")
        .order_by("township__sort", "township__code", "code")
    )


def register_class_get(*, user: User, class_id: int) -> SchoolClass | None:
    """One class whose register the user may open; None when it does not exist or is outside the scope."""
    if not may_view_registers(user):
        return None
    return SchoolClass.objects.filter(class_q(user)).select_related("school").filter(pk=class_id).first()


@dataclass(frozen=True)
class RegisterDay:
    """A class's register of a day: its pupils in school, the absences marked, and whether it was taken."""

    school_class: SchoolClass
    date: dt.date
    pupils: list[Student]
    absences: dict[int, Absence]
    register: ClassRegister | None


def register_day(*, user: User, school_class: SchoolClass, date: dt.date) -> RegisterDay:
    """The register of ``school_class`` (already checked with ``register_class_get``) on ``date``."""
    pupils = list(
        Student.objects.filter(student_q(user), current_class=school_class, status=StudentStatus.IN_SCHOOL)
        .only("id", "name", "sex", "current_class_id")
        .order_by("name", "id")
    )
    absences = {a.student_id: a for a in Absence.objects.filter(student__in=[p.pk for p in pupils], date=date)}
    register = ClassRegister.objects.filter(school_class=school_class, date=date).select_related("recorded_by").first()
    return RegisterDay(school_class, date, pupils, absences, register)


def registers_taken(*, classes: QuerySet[SchoolClass] | list[SchoolClass], date: dt.date) -> dict[int, ClassRegister]:
    """class id → the register taken on ``date``, for the classes given (already scoped)."""
    ids = [c.pk for c in classes]
    return {r.school_class_id: r for r in ClassRegister.objects.filter(school_class_id__in=ids, date=date)}


def registers_missing(*, user: User, date: dt.date) -> list[SchoolClass]:
    """The user's classes (a class teacher's own; others: every class in scope) without a register on ``date``."""
    taken = ClassRegister.objects.filter(school_class=OuterRef("pk"), date=date)
    return list(register_classes(user=user).exclude(Exists(taken)))


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
