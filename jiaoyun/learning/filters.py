"""List filters of the learning statistics (applied inside ``selectors.stat_list`` after the scope)."""

from __future__ import annotations

import django_filters

from jiaoyun.core.filtersets import ListFilterSet
from jiaoyun.learning.models import LearningStat


class StatFilter(ListFilterSet):
    """Stat rows of a window of periods (``start``/``end``: first days of the first and last period), of one
    school or township, or of one unit (a class, at class level)."""

    start = django_filters.DateFilter(field_name="start", lookup_expr="gte")
    end = django_filters.DateFilter(field_name="start", lookup_expr="lte")
    school_id = django_filters.NumberFilter(field_name="school_id")
    township_id = django_filters.NumberFilter(field_name="township_id")
    unit_id = django_filters.NumberFilter(field_name="unit_id")

    class Meta:
        model = LearningStat
        fields: list[str] = []
