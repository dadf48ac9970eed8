from __future__ import annotations

from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import models

from jiaoyun.core.audit import audit_record, snapshot
from jiaoyun.core.choices import AuditAction
from jiaoyun.core.errors import DomainError
from jiaoyun.core.types import User

M = TypeVar("M", bound=models.Model)


def clean_or_raise(obj: models.Model, exclude: list[str] | None = None) -> None:
    """``full_clean`` turned into a DomainError naming the first bad field (in Chinese)."""
    try:
        obj.full_clean(exclude=exclude)
    except ValidationError as exc:
        errors: dict[str, Any] = getattr(exc, "message_dict", {"": exc.messages})
        name, messages = next(iter(errors.items()))
        label = name
        if name and name != "__all__":
            try:
                label = str(getattr(obj._meta.get_field(name), "verbose_name", name))
            except Exception:
                label = name
        raise DomainError("；".join(str(m) for m in messages), field=label if name != "__all__" else None)


def created(obj: M, *, actor: User, clean: bool = False) -> M:
    """Save the new row ``obj`` (after ``full_clean`` if ``clean``) with its audit entry, in the caller's
    transaction. The one way the safety services add a record."""
    if clean:
        clean_or_raise(obj)
    obj.save()
    audit_record(actor=actor, action=AuditAction.CREATE, obj=obj, changes=snapshot(obj))
    return obj
