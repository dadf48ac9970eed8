from __future__ import annotations

import json
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse

from jiaoyun.core.accounts import account_deactivate, account_unlock, password_reset_by_admin, totp_reset
from jiaoyun.core.admin_mixins import AuditedAdminMixin, ReadOnlyAdminMixin, ServiceAdminMixin
from jiaoyun.core.audit import audit_record
from jiaoyun.core.audit_mask import masked
from jiaoyun.core.choices import AuditAction, Role
from jiaoyun.core.http import client_ip
from jiaoyun.core.models import AuditEntry, SecurityPolicy, User
from jiaoyun.core.security_policy import FIELDS as POLICY_FIELDS

# 三员分立: the audit log is read by the audit administrator alone.
AUDIT_READERS = (Role.AUDIT_ADMIN,)


def _has_role(request: HttpRequest, role: str) -> bool:
    user = request.user
    return bool(user.is_active and user.is_staff and getattr(user, "role", None) == role)


@admin.register(User)
class UserAdmin(AuditedAdminMixin, DjangoUserAdmin):
    """Accounts and roles: managed by the system administrator alone (三员分立), whatever model permissions or
    superuser flag anyone holds. Accounts are deactivated, never deleted (their audit trail stays linked). Every
    change is audited; a password set here must be changed by its owner at the next login."""

    list_display = ("username", "display_name", "role", "section", "area", "school", "is_active", "is_staff",
                    "last_login")  # fmt: skip
    list_filter = ("role", "section", "is_active", "is_staff")
    search_fields = ("username", "display_name", "phone")
    filter_horizontal = ("classes",)
    autocomplete_fields = ()
    readonly_fields = ("last_login", "date_joined", "failed_logins", "password_changed_at")
    actions = ("unlock", "deactivate", "reset_second_factor")
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        ("个人信息", {"fields": ("display_name", "phone", "email")}),
        ("角色与数据范围", {"fields": ("role", "section", "area", "school", "classes", "read_only")}),
        ("账号安全", {"fields": ("is_active", "failed_logins", "locked_until", "password_changed_at")}),
        ("后台权限", {"fields": ("is_staff",)}),
        ("时间", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("username", "password1", "password2")}),
        ("角色与数据范围", {"fields": ("display_name", "role", "section", "area", "school", "is_staff")}),
    )

    def _manager(self, request: HttpRequest) -> bool:
        return _has_role(request, Role.SYSTEM_ADMIN)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self._manager(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._manager(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return self._manager(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._manager(request)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        fields = tuple(super().get_readonly_fields(request, obj))
        if obj is not None and obj.pk == request.user.pk:
            # Nobody changes their own role, scope or standing: another administrator must.
            fields += ("role", "section", "area", "school", "classes", "read_only", "is_active", "is_staff")
        return fields

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        obj.is_superuser = False
        if not change:
            obj.password_changed_at = None  # set by an administrator: the owner changes it at the first login
        super().save_model(request, obj, form, change)

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
            password_reset_by_admin(actor=request.user, user=User.objects.get(pk=id), ip=client_ip(request))
        return response

    @admin.action(description="解除登录锁定")
    def unlock(self, request: HttpRequest, queryset: Any) -> None:
        with transaction.atomic():
            for user in queryset:
                account_unlock(actor=request.user, user=user, ip=client_ip(request))

    @admin.action(description="停用所选账号")
    def deactivate(self, request: HttpRequest, queryset: Any) -> None:
        with transaction.atomic():
            for user in queryset:
                account_deactivate(actor=request.user, user=user, ip=client_ip(request))

    @admin.action(description="重置动态口令（下次登录重新绑定）")
    def reset_second_factor(self, request: HttpRequest, queryset: Any) -> None:
        with transaction.atomic():
            for user in queryset:
                totp_reset(actor=request.user, user=user, ip=client_ip(request))
        messages.success(request, "已重置所选账号的动态口令")


class SecurityPolicyForm(forms.ModelForm):
    second_factor_roles = forms.MultipleChoiceField(
        label="须双因素认证的角色",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        choices=[
            (r.value, r.label) for r in (Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN, Role.COUNTY_ADMIN)
        ],  # fmt: skip
    )

    class Meta:
        model = SecurityPolicy
        fields = POLICY_FIELDS


@admin.register(SecurityPolicy)
class SecurityPolicyAdmin(ServiceAdminMixin, admin.ModelAdmin):
    """The security policy: one record, viewed and edited by the security administrator alone; saved through
    ``policy_update`` (range checks, audit of old and new values)."""

    form = SecurityPolicyForm
    actions = None

    def _manager(self, request: HttpRequest) -> bool:
        return _has_role(request, Role.SECURITY_ADMIN)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self._manager(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._manager(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._manager(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return self._manager(request) and not SecurityPolicy.objects.exists()

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_changeform_initial_data(self, request: HttpRequest) -> dict[str, Any]:
        from jiaoyun.core.security_policy import defaults

        return defaults()

    def changelist_view(self, request: HttpRequest, extra_context: Any = None) -> HttpResponse:
        if not self._manager(request):
            return super().changelist_view(request, extra_context)
        saved = SecurityPolicy.objects.first()
        if saved is None:
            return HttpResponseRedirect(reverse("admin:core_securitypolicy_add"))
        return HttpResponseRedirect(reverse("admin:core_securitypolicy_change", args=[saved.pk]))

    def service_save(self, request: HttpRequest, form: Any, change: bool) -> SecurityPolicy:
        from jiaoyun.core.security_policy import FIELDS, policy_update

        values = {k: form.cleaned_data[k] for k in FIELDS if k in form.cleaned_data}
        return policy_update(actor=request.user, values=values, ip=client_ip(request))


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
