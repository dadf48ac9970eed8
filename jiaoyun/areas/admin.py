from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db import models
from django.http import HttpRequest

from jiaoyun.areas.models import Area, PopulationCell
from jiaoyun.areas.services import area_create, area_update, population_set
from jiaoyun.core.admin_mixins import (
    AuditedAdminMixin,
    ScopedAdminMixin,
    ServiceAdminMixin,
    changed_fields,
    scope_related,
)
from jiaoyun.core.scope import area_q
from jiaoyun.core.types import AuthedRequest

POPULATION_KEY = ("area", "year", "age", "sex", "source")
AREA_FIELDS = ("code", "name", "level", "parent", "township_kind", "urban_rural", "is_seat", "sort")


# Every scoped admin offers only the areas in the user's scope as choices of a foreign key to Area.
scope_related(Area, area_q)


@admin.register(Area)
class AreaAdmin(ScopedAdminMixin, ServiceAdminMixin, AuditedAdminMixin, admin.ModelAdmin):
    scope_filter = area_q
    list_display = ("code", "name", "level", "parent", "urban_rural", "is_seat")
    list_filter = ("level", "urban_rural")
    search_fields = ("code", "name")
    list_select_related = ("parent",)
    fields = AREA_FIELDS

    def service_save(self, request: AuthedRequest, form: Any, change: bool) -> models.Model:
        data = changed_fields(form, AREA_FIELDS)
        if change:
            return area_update(actor=request.user, area=Area.objects.get(pk=form.instance.pk), **data)
        return area_create(actor=request.user, **data)


@admin.register(PopulationCell)
class PopulationCellAdmin(ScopedAdminMixin, ServiceAdminMixin, AuditedAdminMixin, admin.ModelAdmin):
    scope_filter = area_q
    scope_prefix = "area__"
    list_display = ("area", "year", "age", "sex", "source", "count")
    list_filter = ("year", "source", "sex")
    search_fields = ("area__name", "area__code")
    list_select_related = ("area",)
    raw_id_fields = ("area",)
    fields = (*POPULATION_KEY, "count")

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return POPULATION_KEY if obj is not None else ()  # a cell is named by its key; only the count changes

    def service_save(self, request: AuthedRequest, form: Any, change: bool) -> models.Model:
        if change:
            cell = PopulationCell.objects.get(pk=form.instance.pk)
            key = {name: getattr(cell, name) for name in POPULATION_KEY}
        else:
            key = {name: form.cleaned_data[name] for name in POPULATION_KEY}
        return population_set(actor=request.user, count=form.cleaned_data["count"], **key)
