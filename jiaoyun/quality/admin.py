"""Admin of the quality module: the holiday calendar (configuration, audited); terms and targets to read (they are
set on the pages, through the services)."""

from __future__ import annotations

from django.contrib import admin

from jiaoyun.core.admin_mixins import AuditedAdminMixin, ReadOnlyAdminMixin
from jiaoyun.quality import models


@admin.register(models.Holiday)
class HolidayAdmin(AuditedAdminMixin, admin.ModelAdmin):
    """法定节假日 and 调休上班 days: the 公示 counts working days against this calendar."""

    list_display = ["date", "name", "is_workday"]
    list_filter = ["is_workday"]
    date_hierarchy = "date"


@admin.register(models.EvaluationTerm)
class TermAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["__str__", "starts", "ends", "record_deadline", "select_deadline", "confirm_deadline"]


@admin.register(models.HoldingTarget)
class TargetAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["year", "rate", "set_by"]
