from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import models

from jiaoyun.core.errors import DomainError


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
