from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from jiaoyun.core.scope import class_q, school_q
from jiaoyun.schools.models import School, SchoolClass


def school_list(*, user: Any, filters: Any = None) -> QuerySet[School]:
    qs = School.objects.filter(school_q(user)).select_related("township", "village", "parent")
    f = filters or {}
    if f.get("q"):
        qs = qs.filter(name__contains=f["q"]) | qs.filter(code=f["q"])
    if f.get("kind"):
        qs = qs.filter(kind=f["kind"])
    if f.get("ownership"):
        qs = qs.filter(ownership=f["ownership"])
    if f.get("township"):
        qs = qs.filter(township_id=f["township"])
    if f.get("active", "1") in ("1", "true", True):
        qs = qs.filter(is_active=True)
    return qs.order_by("township__sort", "kind", "code")


def school_get(*, user: Any, school_id: int) -> School:
    return school_list(user=user, filters={"active": "all"}).get(pk=school_id)


def class_list(*, user: Any, filters: Any = None) -> QuerySet[SchoolClass]:
    qs = SchoolClass.objects.filter(class_q(user)).select_related("school")
    f = filters or {}
    if f.get("school"):
        qs = qs.filter(school_id=f["school"])
    if f.get("school_year"):
        qs = qs.filter(school_year=f["school_year"])
    if f.get("grade") not in (None, ""):
        qs = qs.filter(grade=f["grade"])
    return qs.order_by("school_id", "school_year", "grade", "number")
