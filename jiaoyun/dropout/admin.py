from django.contrib import admin

from jiaoyun.dropout.models import Bulletin, DropoutCase, ResponsiblePerson


@admin.register(DropoutCase)
class DropoutCaseAdmin(admin.ModelAdmin):
    """Read-only: cases change only through the services (the case page)."""

    list_display = ("student", "kind", "status", "township", "school", "detected_on")
    list_filter = ("status", "kind", "township")

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(ResponsiblePerson)
class ResponsiblePersonAdmin(admin.ModelAdmin):
    list_display = ("name", "line", "level", "area", "school", "school_class", "is_active")
    list_filter = ("line", "level")

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(Bulletin)
class BulletinAdmin(admin.ModelAdmin):
    list_display = ("month", "created_at", "pdf_sha256")
    exclude = ("pdf", "xlsx")

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False
