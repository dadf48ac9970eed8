from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from jiaoyun.areas.models import Area, PopulationCell
from jiaoyun.core.scope import area_q


def area_list(*, user: Any, filters: Any = None) -> QuerySet[Area]:
    qs = Area.objects.filter(area_q(user)).select_related("parent")
    f = filters or {}
    if f.get("level"):
        qs = qs.filter(level=f["level"])
    if f.get("parent"):
        qs = qs.filter(parent_id=f["parent"])
    if f.get("q"):
        qs = qs.filter(name__contains=f["q"])
    return qs.order_by("level", "sort", "code")


def area_get(*, user: Any, area_id: int) -> Area:
    return area_list(user=user).get(pk=area_id)


def county() -> Area:
    return Area.objects.get(level="county")


def townships() -> QuerySet[Area]:
    return Area.objects.filter(level="township").order_by("sort", "code")


def population_list(*, user: Any, filters: Any = None) -> QuerySet[PopulationCell]:
    qs = PopulationCell.objects.filter(area_q(user, prefix="area__")).select_related("area")
    f = filters or {}
    if f.get("area"):
        qs = qs.filter(area_id=f["area"])
    if f.get("year"):
        qs = qs.filter(year=f["year"])
    if f.get("source"):
        qs = qs.filter(source=f["source"])
    return qs.order_by("area__code", "year", "age", "sex")
