"""Reads of import records: who may see which batches."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db.models import Q, QuerySet

from jiaoyun.core.errors import PermissionDenied
from jiaoyun.exchange.models import ImportBatch, ImportRejection
from jiaoyun.exchange.services import can_import


def batch_list(*, user: Any, filters: Mapping[str, Any] | None = None) -> QuerySet[ImportBatch]:
    """Import batches for data managers (others see none), filtered by kind, status, file name, uploader."""
    if not can_import(user):
        return ImportBatch.objects.none()
    filters = filters or {}
    qs = ImportBatch.objects.select_related("created_by", "confirmed_by").order_by("-created_at", "-id")
    if filters.get("kind"):
        qs = qs.filter(kind=filters["kind"])
    if filters.get("status"):
        qs = qs.filter(status=filters["status"])
    if filters.get("q"):
        q = str(filters["q"]).strip()
        qs = qs.filter(Q(file_name__icontains=q) | Q(created_by__username__icontains=q) | Q(file_sha256__startswith=q))
    if filters.get("mine"):
        qs = qs.filter(created_by=user)
    return qs


def batch_get(*, user: Any, batch_id: int) -> ImportBatch:
    if not can_import(user):
        raise PermissionDenied("您的角色无权查看导入记录")
    return ImportBatch.objects.select_related("created_by", "confirmed_by").get(pk=batch_id)


def batch_rejections(*, user: Any, batch: ImportBatch) -> QuerySet[ImportRejection]:
    if not can_import(user):
        raise PermissionDenied("您的角色无权查看导入记录")
    return batch.rejections.order_by("row", "id")
