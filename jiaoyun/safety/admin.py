"""Read-only admin: safety data is changed only through the pages and services (audited)."""

from __future__ import annotations

from django.contrib import admin

from jiaoyun.core.admin_mixins import ReadOnlyAdminMixin, ScopedAdminMixin
from jiaoyun.core.scope import people_school_q, school_q
from jiaoyun.safety import models


class ReadOnlyAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """View only: writes go through the pages and services."""


class SchoolScopedAdmin(ScopedAdminMixin, ReadOnlyAdmin):
    """View only, and only the schools in the requesting user's data scope (as on the pages)."""

    scope_filter = school_q
    scope_prefix = "school__"


@admin.register(models.Rule)
class RuleAdmin(ReadOnlyAdmin):
    list_display = ["name", "kind", "threshold", "three100", "is_active"]


@admin.register(models.SafetyProfile)
class ProfileAdmin(SchoolScopedAdmin):
    list_display = ["school", "closed_management", "alarm_linked_police", "camera_count", "video_retention_days"]
    search_fields = ["school__name"]


@admin.register(models.ComplianceSnapshot)
class SnapshotAdmin(SchoolScopedAdmin):
    list_display = ["school", "date", "compliant", "guards_required", "guards_on_duty"]
    list_filter = ["date", "compliant"]


@admin.register(models.Hazard)
class HazardAdmin(SchoolScopedAdmin):
    list_display = ["title", "school", "status", "level", "deadline", "responsible"]
    list_filter = ["status", "level", "severity"]


@admin.register(models.Device)
class DeviceAdmin(SchoolScopedAdmin):
    list_display = ["serial", "name", "school", "kind", "is_online", "last_seen_at"]
    list_filter = ["kind", "is_online"]
    exclude = ["token_hash"]


@admin.register(models.SafetyAlert)
class AlertAdmin(SchoolScopedAdmin):
    scope_filter = people_school_q  # a message may name a person (the county leader: linked schools only)
    list_display = ["created_at", "kind", "message", "acknowledged_at"]
    list_filter = ["kind"]
