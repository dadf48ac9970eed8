"""Who may read and who may write projects.

Read: the county (局管理员, 局股室, 县领导), a township (中心校, 乡镇人民政府: their township's projects) and a
principal (their school's). Write: the 计划财务股 and the county administrator, never a read-only account.
"""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser

from jiaoyun.core.choices import Role, ScopeLevel, Section
from jiaoyun.core.errors import PermissionDenied
from jiaoyun.core.scope import scope_for
from jiaoyun.core.types import User

READ_LEVELS = (ScopeLevel.COUNTY, ScopeLevel.TOWNSHIP, ScopeLevel.SCHOOL)


def can_read(user: User | AnonymousUser | None) -> bool:
    """Opens 项目建设 (the menu line and every page of the module check this)."""
    if getattr(user, "role", None) == Role.CLASS_TEACHER:
        return False
    return scope_for(user).level in READ_LEVELS


def can_write(user: User | AnonymousUser | None) -> bool:
    """Creates and changes projects, money and milestones (the whole county's)."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if not user.can_write:  # type: ignore[union-attr]
        return False
    role, section = getattr(user, "role", ""), getattr(user, "section", "")
    return role == Role.COUNTY_ADMIN or (role == Role.BUREAU_STAFF and section == Section.FINANCE)


def check_can_write(user: User | None) -> None:
    """Services accept ``None`` (a system job or the demo) and a writing user."""
    if user is not None and not can_write(user):
        raise PermissionDenied("只有计划财务股和县局管理员可以登记建设项目及其资金、合同和进度")
