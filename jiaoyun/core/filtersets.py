"""List filters shared by pages and the API: one ``FilterSet`` per list, applied inside its selector.

A selector builds its scoped queryset first and then calls ``filter_by(SomeFilterSet, filters, qs)``; the
page passes ``request.GET`` and the API handler its ninja ``Query`` schema's ``dict(exclude_none=True)``, so
both read the same parameters with the same meaning. The base class keeps the rule the hand-written parsers
had: a malformed value (``?school=abc``, ``?grade=七``) selects no rows, it neither fails nor is ignored, so
a mistyped link never shows more than was asked for. An empty value means "no filter".

Filters on ids use ``NumberFilter(field_name="<fk>_id")`` rather than ``ModelChoiceFilter``: the id is
compared in SQL, no extra query is made, and an id outside the user's scope simply matches nothing
(the scope was applied before the filters).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

import django_filters
from django.db.models import Model, QuerySet

M = TypeVar("M", bound=Model)


class ListFilterSet(django_filters.FilterSet):
    """Base of every list's filters: an invalid value gives an empty list."""

    def filter_queryset(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if not self.form.is_valid():
            return queryset.none()
        return super().filter_queryset(queryset)


def filter_by(filterset: type[ListFilterSet], filters: Mapping[str, Any] | None, queryset: QuerySet[M]) -> QuerySet[M]:
    """``queryset`` narrowed by ``filters`` (a QueryDict or a plain mapping); no filters, no change."""
    if not filters:
        return queryset
    return filterset(filters, queryset=queryset).qs  # type: ignore[no-any-return]
