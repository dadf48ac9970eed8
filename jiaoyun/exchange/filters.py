"""The filters of the import records list, shared by the page (``request.GET``) and the API (its Query schema)."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import Q, QuerySet

from jiaoyun.core.filtersets import ListFilterSet
from jiaoyun.core.types import User
from jiaoyun.exchange.choices import BatchStatus
from jiaoyun.exchange.models import ImportBatch


class BatchFilter(ListFilterSet):
    """``kind``, ``status``, ``q`` (file name, uploader's user name or the start of the SHA-256), ``mine``."""

    kind = django_filters.CharFilter(field_name="kind")
    status = django_filters.ChoiceFilter(choices=BatchStatus.choices)
    q = django_filters.CharFilter(method="search")
    mine = django_filters.CharFilter(method="uploaded_by_me")  # any value: only the requesting user's uploads

    class Meta:
        model = ImportBatch
        fields: list[str] = []

    def __init__(self, *args: Any, user: User | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user

    def search(self, queryset: QuerySet[ImportBatch], name: str, value: str) -> QuerySet[ImportBatch]:
        return queryset.filter(
            Q(file_name__icontains=value) | Q(created_by__username__icontains=value) | Q(file_sha256__startswith=value)
        )

    def uploaded_by_me(self, queryset: QuerySet[ImportBatch], name: str, value: str) -> QuerySet[ImportBatch]:
        return queryset.filter(created_by=self.user)
