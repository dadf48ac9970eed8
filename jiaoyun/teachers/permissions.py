"""Who may do what in the teachers module.

A check looks only at role, section, area and school (and the read-only flag): ``is_superuser`` grants no
business permission here, as nowhere else in the platform (三员分立: the system administrator is not a user of
the business data; see docs/security). A read-only account may see what its role sees and change nothing.
"""

from __future__ import annotations

from jiaoyun.core.choices import Role, Section
from jiaoyun.core.errors import PermissionDenied
from jiaoyun.core.scope import scope_for
from jiaoyun.core.types import User


def is_personnel(user: User | None) -> bool:
    """The 人事股 (bureau staff of the personnel section) and the county administrator."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if getattr(user, "read_only", False):
        return False
    return bool(
        user.role == Role.COUNTY_ADMIN or (user.role == Role.BUREAU_STAFF and user.section == Section.PERSONNEL)
    )


def require_personnel(user: User | None) -> None:
    if not is_personnel(user):
        raise PermissionDenied("仅县教育局人事股可执行此操作")


def is_principal_of(user: User | None, school_id: int | None) -> bool:
    return bool(
        user is not None
        and getattr(user, "is_authenticated", False)
        and user.role == Role.PRINCIPAL
        and school_id is not None
        and user.school_id == school_id
        and not getattr(user, "read_only", False)
    )


def may_see_rounds(user: User) -> bool:
    """县管校聘 rounds are seen by county-level roles and by principals (the applicants of their school)."""
    return scope_for(user).is_county or bool(
        user.is_authenticated and user.role == Role.PRINCIPAL and user.school_id is not None
    )


def can_view_ethics(user: User) -> bool:
    """师德档案: the 人事股 (read-only staff included) and the county administrator see every file, a
    principal the files of their own staff."""
    if is_personnel(user):
        return True
    if not getattr(user, "is_authenticated", False):
        return False
    if user.role == Role.COUNTY_ADMIN:
        return True
    if user.role == Role.BUREAU_STAFF and user.section == Section.PERSONNEL:
        return True  # read-only personnel staff still see the files
    return bool(user.role == Role.PRINCIPAL and user.school_id)
