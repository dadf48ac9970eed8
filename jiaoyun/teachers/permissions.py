"""Who may do what in the teachers module."""

from __future__ import annotations

from typing import Any

from jiaoyun.core.choices import Role, Section
from jiaoyun.core.errors import PermissionDenied


def is_personnel(user: Any) -> bool:
    """The 人事股 (bureau staff of the personnel section) and the county administrator."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if getattr(user, "read_only", False):
        return False
    return bool(
        user.role == Role.COUNTY_ADMIN or (user.role == Role.BUREAU_STAFF and user.section == Section.PERSONNEL)
    )


def require_personnel(user: Any) -> None:
    if not is_personnel(user):
        raise PermissionDenied("仅县教育局人事股可执行此操作")


def is_principal_of(user: Any, school_id: int | None) -> bool:
    return bool(
        user is not None
        and getattr(user, "is_authenticated", False)
        and user.role == Role.PRINCIPAL
        and school_id is not None
        and user.school_id == school_id
        and not getattr(user, "read_only", False)
    )
