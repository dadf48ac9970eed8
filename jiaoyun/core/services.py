"""The shared shape of a registry service that creates or updates one row.

``model_create`` and ``model_update`` are the steps every simple registry service (areas, schools,
teachers, …) repeats: apply the fields, run the app's checks (its ``validate_*`` rules and the model's
``full_clean``, as Chinese ``DomainError``), write, and audit in the same transaction. The caller is a
service of the owning app: it keeps ``@transaction.atomic``, its keyword-only signature and its own rules.
``bulk_write`` is the set-based write an import hands its checked rows to, again through the owning app.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import models

from jiaoyun.core.audit import audit_record, diff, snapshot
from jiaoyun.core.choices import AuditAction
from jiaoyun.core.errors import DomainError
from jiaoyun.core.types import User

M = TypeVar("M", bound=models.Model)
Check = Callable[[Any], None]


def validation_message(exc: ValidationError) -> str:
    """A Django ValidationError as one Chinese line (``field: message；…``)."""
    if hasattr(exc, "message_dict"):
        return "；".join(f"{k}: {'，'.join(v)}" for k, v in exc.message_dict.items())
    return "；".join(exc.messages)


def full_clean(obj: models.Model, **kwargs: Any) -> None:
    """The model's own checks (field validators, ``clean``, uniqueness), as a DomainError."""
    try:
        obj.full_clean(**kwargs)
    except ValidationError as exc:
        raise DomainError(validation_message(exc))


def _raw(obj: models.Model) -> dict[str, Any]:
    return {f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields}


def model_create(*, actor: User | None, obj: M, check: Check = full_clean) -> M:
    """Check a new row, insert it, audit its values."""
    check(obj)
    obj.save()
    audit_record(actor=actor, action=AuditAction.CREATE, obj=obj, changes=snapshot(obj))
    return obj


def model_update(*, actor: User | None, obj: M, fields: Mapping[str, Any], check: Check = full_clean) -> M:
    """Set ``fields``, check, save only the columns that changed (and ``auto_now`` ones), audit the difference.

    Nothing is written (and nothing audited) when no value changed.
    """
    before, audited = _raw(obj), snapshot(obj)
    for key, value in fields.items():
        setattr(obj, key, value)
    check(obj)
    after = _raw(obj)
    changed = [name for name, value in after.items() if before[name] != value]
    if changed:
        stamps = [f.attname for f in obj._meta.concrete_fields if getattr(f, "auto_now", False)]
        obj.save(update_fields=sorted({*changed, *stamps}))
    changes = diff(audited, snapshot(obj))
    if changes:
        audit_record(actor=actor, action=AuditAction.UPDATE, obj=obj, changes=changes)
    return obj


def bulk_write(
    model: type[M], *, new: Sequence[M], updates: Sequence[tuple[int, dict[str, Any]]], batch_size: int = 1000
) -> None:
    """The set-based write of an import, for the owning app's service to call: update the rows named by pk
    (pk, fields), then insert ``new`` (their pks are set). The rows were checked by the app's validators."""
    for pk, values in updates:
        model._default_manager.filter(pk=pk).update(**values)
    model._default_manager.bulk_create(new, batch_size=batch_size)


def bulk_write_column(
    model: type[M], *, new: Sequence[dict[str, Any]], column: str, values: Sequence[tuple[int, Any]]
) -> None:
    """Insert ``new`` rows (field dicts) and set one ``column`` of existing rows (pk, value) in batches."""
    model._default_manager.bulk_create([model(**row) for row in new], batch_size=2000)
    changed = [model(pk=pk, **{column: value}) for pk, value in values]
    model._default_manager.bulk_update(changed, [column], batch_size=500)


__all__ = ["bulk_write", "bulk_write_column", "full_clean", "model_create", "model_update", "validation_message"]
