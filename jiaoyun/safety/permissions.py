"""Who may see and change safety data (on top of the data scope of jiaoyun.core.scope).

A check looks only at the account's role, section, area and school: ``is_superuser`` grants nothing here
(the platform has no business superuser, see docs/security)."""

from __future__ import annotations

from django.db.models import Q

from jiaoyun.core.choices import Role, Section
from jiaoyun.core.errors import PermissionDenied
from jiaoyun.core.scope import NOTHING, school_q
from jiaoyun.core.types import User
from jiaoyun.schools.models import School

# Roles that may read safety data within their scope (village cadres and administrators see none).
READ_ROLES = {
    Role.COUNTY_ADMIN,
    Role.BUREAU_STAFF,
    Role.COUNTY_LEADER,
    Role.TOWNSHIP_GOV,
    Role.TOWNSHIP_OFFICER,
    Role.PRINCIPAL,
    Role.CLASS_TEACHER,
}


def is_safety_section(user: User) -> bool:
    """The county safety section: the county administrator or bureau staff of the 安全股."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return bool(user.role == Role.COUNTY_ADMIN or (user.role == Role.BUREAU_STAFF and user.section == Section.SAFETY))


def can_read(user: User) -> bool:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return bool(user.role in READ_ROLES)


def schools_q(user: User, prefix: str = "") -> Q:
    """Schools whose safety data the user may read."""
    return school_q(user, prefix=prefix) if can_read(user) else NOTHING


def can_manage(user: User, school: School) -> bool:
    """May change the safety data of ``school``: the safety section, its township officer, its principal."""
    if not getattr(user, "is_authenticated", False) or not user.can_write:
        return False
    if is_safety_section(user):
        return True
    if user.role == Role.TOWNSHIP_OFFICER:
        return bool(user.area_id and school.township_id == user.area_id)
    if user.role == Role.PRINCIPAL:
        return bool(user.school_id and (school.pk == user.school_id or school.parent_id == user.school_id))
    return False


def require_manage(user: User, school: School) -> None:
    if not can_manage(user, school):
        raise PermissionDenied(f"无权维护“{school}”的平安校园数据")


def require_safety_section(user: User) -> None:
    if not is_safety_section(user) or not user.can_write:
        raise PermissionDenied("仅县教育局安全股可修改达标规则")
