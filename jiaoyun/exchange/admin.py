"""Import batches in the admin: read-only, and only for those who may import (``exchange.selectors.batch_list``).

Batches are written by the import services only (upload, confirm, purge); nothing is added, changed or deleted here.
The rejected rows are listed without their cell values, which may hold ID numbers: those are read on the batch page,
whose rejected-rows download is masked and audited.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from jiaoyun.core.admin_mixins import ReadOnlyAdminMixin
from jiaoyun.exchange.models import ImportBatch, ImportRejection
from jiaoyun.exchange.selectors import batch_list


class RejectionInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = ImportRejection
    extra = 0
    can_delete = False
    fields = ("row", "column", "reason")
    readonly_fields = fields
    max_num = 0


@admin.register(ImportBatch)
class ImportBatchAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = (
        "id",
        "kind",
        "file_name",
        "status",
        "created_by",
        "created_at",
        "new",
        "updated",
        "unchanged",
        "rejected",
    )
    list_filter = ("kind", "status")
    search_fields = ("file_name", "file_sha256")
    inlines = [RejectionInline]

    def get_queryset(self, request: HttpRequest) -> Any:
        return batch_list(user=request.user)
