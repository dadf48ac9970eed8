"""群机器人 are configured by the county administrator in the admin (their webhook addresses and secrets are
credentials: nobody else may see them, whatever view permissions an account holds)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from jiaoyun.core.admin_mixins import AuditedAdminMixin
from jiaoyun.core.choices import Role
from jiaoyun.notices.models import Robot


def _county_admin(request: HttpRequest) -> bool:
    user = request.user
    return bool(user.is_active and user.is_staff and getattr(user, "role", None) == Role.COUNTY_ADMIN)


@admin.register(Robot)
class RobotAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["name", "channel", "township", "section", "modules", "min_level", "is_active"]
    list_filter = ["channel", "is_active"]
    fields = ["name", "channel", "webhook", "secret", "township", "section", "modules", "min_level", "is_active"]

    def has_module_permission(self, request: HttpRequest) -> bool:
        return _county_admin(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _county_admin(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return _county_admin(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _county_admin(request)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _county_admin(request)
