"""Parsing of list filters taken from query strings: a malformed value matches nothing instead of failing.

``AuditFilter`` is the audit log's FilterSet (``core.filtersets.ListFilterSet``); ``as_int`` is the older
hand-written parse, kept while lists still use it.
"""

from __future__ import annotations

from typing import Any

import django_filters

from jiaoyun.core.choices import AuditAction
from jiaoyun.core.filtersets import ListFilterSet
from jiaoyun.core.models import AuditEntry

NO_MATCH = -(10**9)  # no id, grade or year has this value


def as_int(value: Any) -> int:
    """``value`` as an int; a malformed value gives NO_MATCH, so the filter selects no rows."""
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        return NO_MATCH


class AuditFilter(ListFilterSet):
    """The audit log: ``action``, ``object_type``, ``object_id``, ``actor`` (the account name as recorded),
    ``since`` and ``until`` (dates, both included, in the platform's time zone)."""

    action = django_filters.ChoiceFilter(choices=AuditAction.choices)
    object_type = django_filters.CharFilter(field_name="object_type", strip=False)
    object_id = django_filters.CharFilter(field_name="object_id", strip=False)
    actor = django_filters.CharFilter(field_name="actor_name", strip=False)
    since = django_filters.DateFilter(field_name="at", lookup_expr="date__gte")
    until = django_filters.DateFilter(field_name="at", lookup_expr="date__lte")

    class Meta:
        model = AuditEntry
        fields: list[str] = []
