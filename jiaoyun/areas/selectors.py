from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import Coalesce

from jiaoyun.areas.choices import AreaLevel, PopulationSource
from jiaoyun.areas.filters import AreaFilterSet, PopulationFilterSet
from jiaoyun.areas.models import Area, PopulationCell
from jiaoyun.core.choices import Sex
from jiaoyun.core.filtersets import filter_by
from jiaoyun.core.scope import area_q
from jiaoyun.core.types import User


def area_list(*, user: User, filters: Mapping[str, Any] | None = None) -> QuerySet[Area]:
    """Areas in scope; filters: ``AreaFilterSet`` (``level``, ``parent``, ``q``)."""
    qs = Area.objects.filter(area_q(user)).select_related("parent")
    return filter_by(AreaFilterSet, filters, qs).order_by("level", "sort", "code")


def area_get(*, user: User, area_id: int) -> Area:
    return area_list(user=user).get(pk=area_id)


def county() -> Area:
    return Area.objects.get(level=AreaLevel.COUNTY)


def townships() -> QuerySet[Area]:
    return Area.objects.filter(level=AreaLevel.TOWNSHIP).order_by("sort", "code")


def population_list(*, user: User, filters: Mapping[str, Any] | None = None) -> QuerySet[PopulationCell]:
    """Population cells in scope; filters: ``PopulationFilterSet`` (``area``, ``year``, ``source``)."""
    qs = PopulationCell.objects.filter(area_q(user, prefix="area__")).select_related("area")
    return filter_by(PopulationFilterSet, filters, qs).order_by("area__code", "year", "age", "sex")


@dataclass(frozen=True)
class PopulationRow:
    age: int
    male: int
    female: int

    @property
    def total(self) -> int:
        return self.male + self.female


def _population_scope(area: Area) -> Q:
    """Cells of the area itself or below it (village cells add up to the township, townships to the county)."""
    return Q(area_id=area.pk) | Q(area__parent_id=area.pk) | Q(area__parent__parent_id=area.pk)


def population_years(*, user: User, area: Area) -> list[int]:
    """Years with population figures for the area (descending)."""
    qs = PopulationCell.objects.filter(area_q(user, prefix="area__")).filter(_population_scope(area))
    return list(qs.values_list("year", flat=True).distinct().order_by("-year"))


def population_by_age(
    *, user: User, area: Area, year: int, source: str = PopulationSource.HUKOU
) -> list[PopulationRow]:
    """Population of the area by single year of age and sex, summed set-based over the deepest level
    that has figures (so that township and village cells are never counted twice)."""
    base = (
        PopulationCell.objects.filter(area_q(user, prefix="area__"))
        .filter(_population_scope(area))
        .filter(year=year, source=source)
    )
    levels = set(base.values_list("area__level", flat=True).distinct())
    for level in (AreaLevel.VILLAGE, AreaLevel.TOWNSHIP, AreaLevel.COUNTY):
        if level in levels:
            base = base.filter(area__level=level)
            break
    rows = (
        base.values("age")
        .annotate(
            male=Coalesce(Sum("count", filter=Q(sex=Sex.MALE)), 0),
            female=Coalesce(Sum("count", filter=Q(sex=Sex.FEMALE)), 0),
        )
        .order_by("age")
    )
    return [PopulationRow(r["age"], r["male"], r["female"]) for r in rows]


def area_children(*, user: User, area: Area) -> QuerySet[Area]:
    """The areas directly below ``area`` that the user may see, with their school counts."""
    return (
        Area.objects.filter(area_q(user), parent_id=area.pk)
        .annotate(n_schools=Count("schools", filter=Q(schools__is_active=True), distinct=True))
        .order_by("sort", "code")
    )
