from django.contrib import admin

from jiaoyun.exchange.models import ImportBatch, ImportRejection


class RejectionInline(admin.TabularInline):
    model = ImportRejection
    extra = 0
    can_delete = False
    fields = ("row", "column", "value", "reason")
    readonly_fields = fields
    max_num = 0


@admin.register(ImportBatch)
class ImportBatchAdmin(admin.ModelAdmin):
    """Read-only: batches are written by the import services only."""

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

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False
