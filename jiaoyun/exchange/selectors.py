"""Reads of import records: who may see which batches."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet

from jiaoyun.core.errors import PermissionDenied
from jiaoyun.core.types import User
from jiaoyun.exchange.filters import BatchFilter
from jiaoyun.exchange.models import ImportBatch, ImportChange, ImportRejection
from jiaoyun.exchange.permissions import can_import, can_import_kind, kinds_for


def batch_list(*, user: User | AnonymousUser, filters: Mapping[str, Any] | None = None) -> QuerySet[ImportBatch]:
    """Import batches for data managers (others, and the signed-out user of an admin page, see none), filtered."""
    if isinstance(user, AnonymousUser) or not can_import(user):
        return ImportBatch.objects.none()
    qs = ImportBatch.objects.select_related("created_by", "confirmed_by").order_by("-created_at", "-id")
    kinds = kinds_for(user)
    if kinds is not None:
        qs = qs.filter(kind__in=sorted(kinds))  # a section sees the batches of its own formats
    if not filters:
        return qs
    # ``core.filtersets.filter_by`` with the requesting user, whom ``?mine=1`` needs.
    return BatchFilter(filters, queryset=qs, user=user).qs  # type: ignore[no-any-return]


def batch_get(*, user: User, batch_id: int) -> ImportBatch:
    if not can_import(user):
        raise PermissionDenied("您的角色无权查看导入记录")
    batch = ImportBatch.objects.select_related("created_by", "confirmed_by").get(pk=batch_id)
    if not can_import_kind(user, batch.kind):
        raise ImportBatch.DoesNotExist  # another section's import: not acknowledged to exist
    return batch


def batch_changes(*, user: User, batch: ImportBatch) -> QuerySet[ImportChange]:
    """The rows a preview lists (new rows, updates before → after, flagged updates), in file order."""
    if not can_import(user):
        raise PermissionDenied("您的角色无权查看导入记录")
    return batch.changes.order_by("row", "id")


def batch_rejections(*, user: User, batch: ImportBatch) -> QuerySet[ImportRejection]:
    if not can_import(user):
        raise PermissionDenied("您的角色无权查看导入记录")
    return batch.rejections.order_by("row", "id")
