"""Admin building blocks shared by every app: scope filtering, audited saves, saves through services.

* ``ScopedAdminMixin`` filters the change list (and so every change/delete view) through the data-scope
  chokepoint ``jiaoyun.core.scope``: a township officer who is ``is_staff`` sees only their township.
  Foreign-key choices are filtered too, for every model a domain app has named with ``scope_related``
  (its admin module does, e.g. ``scope_related(School, school_q)``): ``core`` knows no domain app.
* ``AuditedAdminMixin`` writes an audit entry for every create, update and delete made in the admin.
* ``ServiceAdminMixin`` sends saves through the domain services: the service runs once inside a rolled-back
  savepoint while the form is validated (so a DomainError shows on the form, in Chinese), then for real.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Q, QuerySet
from django.http import HttpRequest

from jiaoyun.core.audit import audit_record, diff, snapshot
from jiaoyun.core.choices import AuditAction, ScopeLevel
from jiaoyun.core.errors import DomainError
from jiaoyun.core.http import client_ip
from jiaoyun.core.scope import scope_for
from jiaoyun.core.types import AuthedRequest

# Related model → the scope builder its choices are filtered through in a scoped admin's foreign-key fields.
RELATED_SCOPES: dict[type[models.Model], Callable[..., Q]] = {}


def scope_related(model: type[models.Model], scope_filter: Callable[..., Q]) -> None:
    """Filter the choices of ``model`` in every scoped admin's foreign-key fields through ``scope_filter``."""
    RELATED_SCOPES[model] = scope_filter


def authed(request: HttpRequest) -> AuthedRequest:
    """The request of an admin page: the admin site lets only signed-in staff in."""
    return cast(AuthedRequest, request)


class ScopedAdminMixin:
    """Limit the admin to the requesting user's data scope. ``scope_filter(user, prefix)`` is one of the
    ``jiaoyun.core.scope`` builders; ``scope_prefix`` leads from the admin's model to the scoped one."""

    scope_filter: Callable[..., Q] | None = None
    scope_prefix: str = ""

    def _scoped_reader(self, request: HttpRequest) -> bool:
        """Staff with a data scope may view in the admin what their pages show them (same scope filter);
        adding, changing and deleting still need the model permissions."""
        user = request.user
        return bool(user.is_active and user.is_staff and scope_for(user).level != ScopeLevel.NONE)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_view_permission(request, obj) or self._scoped_reader(request)  # type: ignore[misc]

    def has_module_permission(self, request: HttpRequest) -> bool:
        return super().has_module_permission(request) or self._scoped_reader(request)  # type: ignore[misc]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        qs = super().get_queryset(request)  # type: ignore[misc]
        scope_filter = type(self).scope_filter
        if scope_filter is None:
            return qs  # type: ignore[no-any-return]
        return qs.filter(scope_filter(request.user, prefix=self.scope_prefix))  # type: ignore[no-any-return]

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        related = db_field.related_model
        scope_filter = RELATED_SCOPES.get(related)
        if scope_filter is not None:
            kwargs.setdefault("queryset", related._default_manager.filter(scope_filter(request.user)))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)  # type: ignore[misc]


class AuditedAdminMixin:
    """Audit every create, update and delete made through the admin (same transaction as the change)."""

    def save_model(self, request: HttpRequest, obj: models.Model, form: Any, change: bool) -> None:
        before = snapshot(type(obj)._default_manager.get(pk=obj.pk)) if change and obj.pk else {}
        super().save_model(request, obj, form, change)  # type: ignore[misc]
        after = snapshot(obj)
        if change:
            changes = diff(before, after)
            if changes:
                audit_record(
                    actor=request.user, action=AuditAction.UPDATE, obj=obj, changes=changes, ip=client_ip(request)
                )
        else:
            audit_record(actor=request.user, action=AuditAction.CREATE, obj=obj, changes=after, ip=client_ip(request))

    def delete_model(self, request: HttpRequest, obj: models.Model) -> None:
        with transaction.atomic():
            audit_record(
                actor=request.user, action=AuditAction.DELETE, obj=obj, changes=snapshot(obj), ip=client_ip(request)
            )
            super().delete_model(request, obj)  # type: ignore[misc]

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        with transaction.atomic():
            for obj in queryset:
                audit_record(
                    actor=request.user, action=AuditAction.DELETE, obj=obj, changes=snapshot(obj), ip=client_ip(request)
                )
            super().delete_queryset(request, queryset)  # type: ignore[misc]


class _DryRun(Exception):
    pass


class ServiceAdminMixin:
    """Save through a service. Subclasses implement ``service_save(request, form, change) -> Model`` using
    ``form.cleaned_data`` (and ``form.instance.pk`` when changing).

    Nothing is deleted here unless the admin sets ``deletes_through_service = True`` and overrides
    ``delete_model``/``delete_queryset`` with its app's delete service (``student_delete``): a default delete
    would bypass the rules and the audit of the services (areas and schools are closed, teachers leave)."""

    deletes_through_service = False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if not self.deletes_through_service:
            return False
        return super().has_delete_permission(request, obj)  # type: ignore[misc,no-any-return]

    def service_save(self, request: AuthedRequest, form: Any, change: bool) -> models.Model:
        raise NotImplementedError

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        form_class = super().get_form(request, obj, change=change, **kwargs)  # type: ignore[misc]
        model_admin = self

        class ServiceForm(form_class):  # type: ignore[misc,valid-type]
            def clean(self) -> Any:
                cleaned = super().clean()
                if not self.errors:
                    try:
                        with transaction.atomic():
                            model_admin.service_save(authed(request), self, self.instance.pk is not None)
                            raise _DryRun
                    except _DryRun:
                        pass
                    except DomainError as exc:
                        raise ValidationError(str(exc))
                return cleaned

        return ServiceForm

    def save_model(self, request: HttpRequest, obj: models.Model, form: Any, change: bool) -> None:
        saved = self.service_save(authed(request), form, change)
        obj.pk = saved.pk
        obj._state.adding = False

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)  # type: ignore[attr-defined]


class ReadOnlyAdminMixin:
    """Nothing can be added, changed or deleted (view only)."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


def changed_fields(form: Any, names: tuple[str, ...]) -> dict[str, Any]:
    """The cleaned values of the named fields the user changed (all of them when adding)."""
    adding = form.instance.pk is None
    return {n: form.cleaned_data[n] for n in names if n in form.cleaned_data and (adding or n in form.changed_data)}


__all__ = [
    "AuditedAdminMixin",
    "ReadOnlyAdminMixin",
    "ScopedAdminMixin",
    "ServiceAdminMixin",
    "admin",
    "changed_fields",
    "client_ip",
    "scope_related",
]
