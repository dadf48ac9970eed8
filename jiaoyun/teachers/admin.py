"""Read-only admin for staffing, rounds and rotation. Writes go through the pages and services (audited).

师德 records are deliberately not registered: they are visible only to the 人事股 and the teacher's principal.
"""

from __future__ import annotations

from django.contrib import admin

from jiaoyun.core.admin_mixins import ReadOnlyAdminMixin
from jiaoyun.teachers import models


class ReadOnlyAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """View only: writes go through the pages and services."""


@admin.register(models.StaffingStandard)
class StandardAdmin(ReadOnlyAdmin):
    list_display = ["level", "students_per_staff", "staff_per_class", "small_below", "boarding_rate"]


@admin.register(models.CountyQuota)
class CountyQuotaAdmin(ReadOnlyAdmin):
    list_display = ["year", "approved_staffing", "approved_posts"]


@admin.register(models.QuotaSnapshot)
class QuotaSnapshotAdmin(ReadOnlyAdmin):
    list_display = ["school", "year", "students", "quota", "actual", "gap"]
    list_filter = ["year"]
    search_fields = ["school__name"]


@admin.register(models.HiringRound)
class HiringRoundAdmin(ReadOnlyAdmin):
    list_display = ["name", "year", "status", "effective_date"]


@admin.register(models.RotationPlan)
class RotationPlanAdmin(ReadOnlyAdmin):
    list_display = ["year", "status", "eligible_count", "eligible_backbone"]
