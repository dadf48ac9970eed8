"""Admin pages of the learning module: xAPI clients and learning statistics, filtered by the data scope.

Every write goes through ``jiaoyun.learning.services`` (which audits it); statistics are computed by a task and
only viewed here. Statements are not shown in the admin: they are read through the xAPI or the scoped pages."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db import models
from django.db.models import Q
from django.http import HttpRequest

from jiaoyun.core.admin_mixins import ReadOnlyAdminMixin, ScopedAdminMixin, ServiceAdminMixin, authed
from jiaoyun.core.http import client_ip
from jiaoyun.core.scope import area_q, class_q, school_q, scope_for
from jiaoyun.learning.models import LearningStat, LrsClient
from jiaoyun.learning.services import lrs_client_update
from jiaoyun.schools.models import School


def lrs_clients_q(user: Any, prefix: str = "") -> Q:
    """Clients a user may see in the admin: all for the county; otherwise the clients whose schools all lie in
    the user's scope (a county-wide client, or one that also serves schools outside it, is not shown)."""
    if scope_for(user).is_county:
        return Q()
    inside = School.objects.filter(school_q(user)).values("id")
    outside = School.objects.exclude(school_q(user)).values("id")
    return (
        Q(**{f"{prefix}all_schools": False})
        & Q(**{f"{prefix}pk__in": LrsClient.objects.filter(schools__in=inside).values("id")})
        & ~Q(**{f"{prefix}pk__in": LrsClient.objects.filter(schools__in=outside).values("id")})
    )


@admin.register(LrsClient)
class LrsClientAdmin(ScopedAdminMixin, ServiceAdminMixin, admin.ModelAdmin):
    """Clients are created with ``manage.py xapi_client`` (the secret is shown once); here the county
    (de)activates them and changes their schools, through ``services.lrs_client_update`` (audited). Users
    below the county only view the clients of their own schools."""

    scope_filter = lrs_clients_q
    list_display = ("name", "key", "all_schools", "is_active", "created_at")
    list_filter = ("is_active", "all_schools")
    search_fields = ("name", "key")
    filter_horizontal = ("schools",)
    readonly_fields = ("key", "created_at", "created_by")
    fields = ("name", "key", "schools", "all_schools", "is_active", "created_at", "created_by")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # statements keep their client (PROTECT): clients are deactivated, never deleted

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_change_permission(request, obj) and scope_for(request.user).is_county

    def formfield_for_manytomany(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "schools":
            kwargs.setdefault("queryset", School.objects.filter(school_q(request.user)))
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def service_save(self, request: HttpRequest, form: Any, change: bool) -> models.Model:
        d = form.cleaned_data
        client = LrsClient.objects.get(pk=form.instance.pk)
        return lrs_client_update(
            client=client,
            actor=authed(request).user,
            name=d["name"],
            school_ids=[s.pk for s in d["schools"]],
            all_schools=d["all_schools"],
            is_active=d["is_active"],
            ip=client_ip(request),
        )


def learning_stats_q(user: Any, prefix: str = "") -> Q:
    """Statistics rows within the user's scope (the same rules as ``selectors.stat_list``)."""
    if scope_for(user).is_county:
        return Q()
    return (
        (Q(level=LearningStat.Level.CLASS) & class_q(user, prefix="school_class__"))
        | (Q(level=LearningStat.Level.SCHOOL) & school_q(user, prefix="school__"))
        | (Q(level=LearningStat.Level.TOWNSHIP) & area_q(user, prefix="township__"))
    )


@admin.register(LearningStat)
class LearningStatAdmin(ScopedAdminMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    scope_filter = learning_stats_q
    list_display = ("level", "unit_id", "period", "start", "statements", "learners", "seconds", "completed")
    list_filter = ("level", "period")
