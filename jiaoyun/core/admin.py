from __future__ import annotations

import json
from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.http import HttpRequest, HttpResponse

from jiaoyun.core.admin_mixins import AuditedAdminMixin, ReadOnlyAdminMixin, client_ip
from jiaoyun.core.audit import audit_record
from jiaoyun.core.audit_mask import masked
from jiaoyun.core.choices import AuditAction, Role
from jiaoyun.core.models import AuditEntry, User

AUDIT_READERS = (Role.AUDIT_ADMIN, Role.COUNTY_ADMIN)


@admin.register(User)
class UserAdmin(AuditedAdminMixin, DjangoUserAdmin):
    list_display = ("username", "display_name", "role", "section", "area", "school", "is_active", "is_staff")
    list_filter = ("role", "section", "is_active", "is_staff")
    search_fields = ("username", "display_name", "phone")
    filter_horizontal = ("classes", "groups", "user_permissions")
    autocomplete_fields = ()
    readonly_fields = ("last_login", "date_joined", "failed_logins")
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        ("个人信息", {"fields": ("display_name", "phone", "email")}),
        ("角色与数据范围", {"fields": ("role", "section", "area", "school", "classes", "read_only")}),
        ("账号安全", {"fields": ("is_active", "failed_logins", "locked_until")}),
        ("后台权限", {"fields": ("is_staff", "is_superuser", "groups", "user_permissions")}),
        ("时间", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("username", "password1", "password2")}),
        ("角色与数据范围", {"fields": ("display_name", "role", "section", "area", "school")}),
    )

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        before = set(form.instance.classes.values_list("id", flat=True)) if change else set()
        super().save_related(request, form, formsets, change)
        after = set(form.instance.classes.values_list("id", flat=True))
        if before != after:
            audit_record(
                actor=request.user,
                action=AuditAction.UPDATE,
                obj=form.instance,
                changes={"classes": [sorted(before), sorted(after)]},
                ip=client_ip(request),
            )

    def user_change_password(self, request: HttpRequest, id: str, form_url: str = "") -> HttpResponse:
        response = super().user_change_password(request, id, form_url)
        if request.method == "POST" and response.status_code == 302:
            user = User.objects.get(pk=id)
            audit_record(
                actor=request.user, action=AuditAction.UPDATE, obj=user, note="管理员重置密码", ip=client_ip(request)
            )
        return response


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """The audit log: read-only for everyone, visible only to the audit and county administrators.

    Personal fields (object description, changed values, note) are shown masked (jiaoyun.core.audit_mask);
    they cannot be searched either, so that a search cannot confirm a name or an ID number."""

    list_display = ("at", "actor_name", "action", "object_type", "object_id", "shown_repr", "ip")
    list_filter = ("action", "object_type")
    search_fields = ("actor_name", "object_id")
    date_hierarchy = "at"
    actions = None
    fields = ("at", "actor_name", "action", "object_type", "object_id", "shown_repr", "shown_changes",
              "shown_note", "ip", "prev_hash", "entry_hash")  # fmt: skip
    readonly_fields = fields

    @admin.display(description="对象")
    def shown_repr(self, obj: AuditEntry) -> str:
        return str(masked(obj)["object_repr"])

    @admin.display(description="变更内容")
    def shown_changes(self, obj: AuditEntry) -> str:
        return json.dumps(masked(obj)["changes"], ensure_ascii=False, indent=1)

    @admin.display(description="说明")
    def shown_note(self, obj: AuditEntry) -> str:
        return str(masked(obj)["note"])

    def _reader(self, request: HttpRequest) -> bool:
        user = request.user
        return bool(user.is_active and user.is_staff and getattr(user, "role", None) in AUDIT_READERS)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self._reader(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._reader(request)
