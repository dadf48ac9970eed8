from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db import models

from jiaoyun.core.admin_mixins import (
    AuditedAdminMixin,
    ScopedAdminMixin,
    ServiceAdminMixin,
    changed_fields,
    scope_related,
)
from jiaoyun.core.scope import class_q, school_q
from jiaoyun.core.types import AuthedRequest
from jiaoyun.schools.models import School, SchoolClass
from jiaoyun.schools.services import CLASS_EDITABLE, class_create, class_update, school_create, school_update

SCHOOL_FIELDS = (
    "code", "name", "kind", "ownership", "township", "village", "urban_rural", "latitude", "longitude",
    "boarding", "is_central", "parent", "is_active", "address", "phone",
)  # fmt: skip


# Every scoped admin offers only the schools in the user's scope as choices of a foreign key to School.
scope_related(School, school_q)


@admin.register(School)
class SchoolAdmin(ScopedAdminMixin, ServiceAdminMixin, AuditedAdminMixin, admin.ModelAdmin):
    scope_filter = school_q
    list_display = ("code", "name", "kind", "ownership", "township", "is_central", "boarding", "is_active")
    list_filter = ("kind", "ownership", "is_active", "boarding")
    search_fields = ("code", "name")
    list_select_related = ("township",)
    fields = SCHOOL_FIELDS

    def service_save(self, request: AuthedRequest, form: Any, change: bool) -> models.Model:
        data = changed_fields(form, SCHOOL_FIELDS)
        if change:
            return school_update(actor=request.user, school=School.objects.get(pk=form.instance.pk), **data)
        return school_create(actor=request.user, **data)


@admin.register(SchoolClass)
class SchoolClassAdmin(ScopedAdminMixin, ServiceAdminMixin, AuditedAdminMixin, admin.ModelAdmin):
    scope_filter = class_q
    list_display = ("__str__", "school", "school_year", "grade", "number")
    list_filter = ("school_year", "grade")
    search_fields = ("school__name", "name")
    list_select_related = ("school",)
    fields = CLASS_EDITABLE

    def service_save(self, request: AuthedRequest, form: Any, change: bool) -> models.Model:
        d = form.cleaned_data
        if change:
            klass = SchoolClass.objects.get(pk=form.instance.pk)
            return class_update(actor=request.user, klass=klass, **changed_fields(form, CLASS_EDITABLE))
        return class_create(
            actor=request.user, school=d["school"], school_year=d["school_year"], grade=d["grade"],
            number=d["number"], name=d.get("name") or "",
        )  # fmt: skip
