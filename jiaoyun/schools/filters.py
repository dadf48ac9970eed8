"""The list filters of schools and classes, shared by the pages and the API (same names, same meaning)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import django_filters
from django.db.models import Q, QuerySet
from django.http import QueryDict

from jiaoyun.core.filtersets import ListFilterSet
from jiaoyun.schools.choices import Grade, Ownership, SchoolKind
from jiaoyun.schools.models import School

TRUE = ("1", "true")


def with_defaults(filters: Mapping[str, Any] | None, **defaults: Any) -> dict[str, Any]:
    """The filters as a plain dict (a QueryDict gives the last value of each name) over ``defaults``."""
    given = filters.dict() if isinstance(filters, QueryDict) else dict(filters or {})
    return {**defaults, **given}


def is_true(value: Any) -> bool:
    """A flag's value as the lists have always read it: ``1`` or ``true`` (any case) is on, anything else off."""
    return str(value).strip().lower() in TRUE


def only_if_true(field: str) -> Any:
    """A filter method: ``field=True`` when the value is on (``1``/``true``), no filter otherwise."""

    def method(queryset: QuerySet[Any], name: str, value: Any) -> QuerySet[Any]:
        return queryset.filter(**{field: True}) if is_true(value) else queryset

    return method


class SchoolFilterSet(ListFilterSet):
    """``q`` (part of the name, or the exact 学校标识码), ``kind``, ``ownership``, ``township``/``village`` (ids),
    ``code``, ``boarding=1``; ``active`` (``1`` by default: 在办 only; any other value: all)."""

    q = django_filters.CharFilter(method="by_term")
    kind = django_filters.ChoiceFilter(choices=SchoolKind.choices)
    ownership = django_filters.ChoiceFilter(choices=Ownership.choices)
    township = django_filters.NumberFilter(field_name="township_id")
    village = django_filters.NumberFilter(field_name="village_id")
    code = django_filters.CharFilter(field_name="code")
    boarding = django_filters.CharFilter(method=only_if_true("boarding"))
    active = django_filters.CharFilter(method=only_if_true("is_active"))

    def by_term(self, queryset: QuerySet[School], name: str, value: str) -> QuerySet[School]:
        return queryset.filter(Q(name__contains=value) | Q(code=value))


class ClassFilterSet(ListFilterSet):
    """``school`` (id), ``school_year`` (start year), ``grade``."""

    school = django_filters.NumberFilter(field_name="school_id")
    school_year = django_filters.NumberFilter(field_name="school_year")
    grade = django_filters.ChoiceFilter(choices=Grade.choices)
