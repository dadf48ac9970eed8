"""Who may see and change the finance figures.

The 计划财务股 (bureau staff of ``Section.FINANCE``) enters and imports them; the county administrator and the
county leaders read them; nobody else sees them (budget figures of the county government, not data of a
school or a township). ``is_superuser`` grants nothing here, as nowhere else in the platform."""

from __future__ import annotations

from typing import Any

from jiaoyun.core.choices import Role, Section
from jiaoyun.core.errors import PermissionDenied


def _active(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


def is_finance_section(user: Any) -> bool:
    return _active(user) and user.role == Role.BUREAU_STAFF and user.section == Section.FINANCE


def can_read(user: Any) -> bool:
    """The 计财股, the county administrator and the county leaders (read-only)."""
    if not _active(user):
        return False
    return bool(is_finance_section(user) or user.role in (Role.COUNTY_ADMIN, Role.COUNTY_LEADER))


def can_write(user: Any) -> bool:
    """Only the 计财股 enters the figures (and not a read-only account)."""
    return is_finance_section(user) and bool(user.can_write)


def require_write(user: Any) -> None:
    if not can_write(user):
        raise PermissionDenied("仅县教育局计划财务股可填报教育经费数据")
