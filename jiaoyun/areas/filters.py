"""The list filters of areas and population cells, shared by the pages and the API (same names, same meaning)."""

from __future__ import annotations

import django_filters

from jiaoyun.areas.choices import AreaLevel, PopulationSource
from jiaoyun.core.filtersets import ListFilterSet


class AreaFilterSet(ListFilterSet):
    """``level``, ``parent`` (id), ``q`` (part of the name)."""

    level = django_filters.ChoiceFilter(choices=AreaLevel.choices)
    parent = django_filters.NumberFilter(field_name="parent_id")
    q = django_filters.CharFilter(field_name="name", lookup_expr="contains")


class PopulationFilterSet(ListFilterSet):
    """``area`` (id), ``year``, ``source`` (户籍/常住)."""

    area = django_filters.NumberFilter(field_name="area_id")
    year = django_filters.NumberFilter(field_name="year")
    source = django_filters.ChoiceFilter(choices=PopulationSource.choices)
