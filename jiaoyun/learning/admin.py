from django.contrib import admin

from jiaoyun.learning.models import LearningStat, LrsClient


@admin.register(LrsClient)
class LrsClientAdmin(admin.ModelAdmin):
    """Clients are created with ``manage.py xapi_client`` (the secret is shown once); here they are (de)activated
    and their schools changed."""

    list_display = ("name", "key", "all_schools", "is_active", "created_at")
    list_filter = ("is_active", "all_schools")
    search_fields = ("name", "key")
    filter_horizontal = ("schools",)
    readonly_fields = ("key", "created_at", "created_by")
    fields = ("name", "key", "schools", "all_schools", "is_active", "created_at", "created_by")

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False


@admin.register(LearningStat)
class LearningStatAdmin(admin.ModelAdmin):
    list_display = ("level", "unit_id", "period", "start", "statements", "learners", "seconds", "completed")
    list_filter = ("level", "period")
