"""The audit log's list filters: ``AuditFilter`` (a ``core.filtersets.ListFilterSet``: a malformed value
selects nothing instead of failing)."""

from __future__ import annotations

import django_filters

from jiaoyun.core.choices import AuditAction
from jiaoyun.core.filtersets import ListFilterSet
from jiaoyun.core.models import AuditEntry


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
