"""Admin of the dropout module: filtered by the data scope like the pages; writes only through the services."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db import models
from django.http import HttpRequest

from jiaoyun.core.admin_mixins import ReadOnlyAdminMixin, ScopedAdminMixin, ServiceAdminMixin, changed_fields
from jiaoyun.dropout.models import Bulletin, DropoutCase, ResponsiblePerson
from jiaoyun.dropout.permissions import case_q, is_county, responsible_q
from jiaoyun.dropout.services import responsible_create, responsible_update
from jiaoyun.dropout.services.responsibility import UPDATABLE


@admin.register(DropoutCase)
class DropoutCaseAdmin(ScopedAdminMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    """Read-only, within the user's case scope (``case_q``): cases change only through the services (the case
    page), which check each transition."""

    scope_filter = case_q
    list_display = ("student", "kind", "status", "township", "school", "detected_on")
    list_filter = ("status", "kind", "township")
    list_select_related = ("student", "township", "school")


@admin.register(ResponsiblePerson)
class ResponsiblePersonAdmin(ScopedAdminMixin, ServiceAdminMixin, admin.ModelAdmin):
    """Within the user's scope (``responsible_q``); added with ``responsible_create`` and changed with
    ``responsible_update`` (both audited). A person is never deleted (cases name them): set 在岗 off instead."""

    scope_filter = responsible_q
    list_display = ("name", "line", "level", "area", "school", "school_class", "is_active")
    list_filter = ("line", "level", "is_active")
    list_select_related = ("area", "school", "school_class")
    raw_id_fields = ("user", "area", "school", "school_class")
    fields = ("line", "level", "name", "post", "phone", "user", "area", "group_name", "school", "school_class",
              "is_active")  # fmt: skip

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is None:
            return ()
        return tuple(f for f in self.fields if f not in UPDATABLE)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def service_save(self, request: HttpRequest, form: Any, change: bool) -> models.Model:
        if change:
            fields = changed_fields(form, UPDATABLE)
            return responsible_update(actor=request.user, person=form.instance, **fields)
        data = form.cleaned_data
        return responsible_create(
            actor=request.user,
            line=data["line"],
            level=data["level"],
            name=data["name"],
            post=data.get("post", ""),
            phone=data.get("phone", ""),
            user=data.get("user"),
            area=data.get("area"),
            group_name=data.get("group_name", ""),
            school=data.get("school"),
            school_class=data.get("school_class"),
        )


@admin.register(Bulletin)
class BulletinAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """County bulletins (aggregates): shown to the county only."""

    list_display = ("month", "created_at", "pdf_sha256")
    exclude = ("pdf", "xlsx")

    def get_queryset(self, request: HttpRequest) -> Any:
        qs = super().get_queryset(request)
        return qs if is_county(request.user) else qs.none()
