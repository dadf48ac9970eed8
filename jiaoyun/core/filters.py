"""The audit log's list filters: ``AuditFilter`` (a ``core.filtersets.ListFilterSet``: a malformed value
selects nothing instead of failing)."""

from __future__ import annotations

import django_filters
from django.db.models import QuerySet

from jiaoyun.core.choices import AuditAction
from jiaoyun.core.filtersets import ListFilterSet
from jiaoyun.core.models import AuditEntry


class AuditFilter(ListFilterSet):
    """The audit log: ``action``, ``object_type``, ``object_id``, ``actor`` (a staff member: the account name as
    recorded or the user's full name), ``person`` (a child or teacher: full name or ID number, see
    ``jiaoyun.core.audit_search``), ``since`` and ``until`` (dates, both included, in the platform's time zone)."""

    action = django_filters.ChoiceFilter(choices=AuditAction.choices)
    object_type = django_filters.CharFilter(field_name="object_type", strip=False)
    object_id = django_filters.CharFilter(field_name="object_id", strip=False)
    actor = django_filters.CharFilter(method="filter_actor")
    person = django_filters.CharFilter(method="filter_person")
    since = django_filters.DateFilter(field_name="at", lookup_expr="date__gte")
    until = django_filters.DateFilter(field_name="at", lookup_expr="date__lte")

    class Meta:
        model = AuditEntry
        fields: list[str] = []

    def filter_actor(self, queryset: QuerySet[AuditEntry], name: str, value: str) -> QuerySet[AuditEntry]:
        from jiaoyun.core.audit_search import actor_q

        return queryset.filter(actor_q(value)) if value.strip() else queryset

    def filter_person(self, queryset: QuerySet[AuditEntry], name: str, value: str) -> QuerySet[AuditEntry]:
        from jiaoyun.core.audit_search import person_q

        return queryset.filter(person_q(value)) if value.strip() else queryset
