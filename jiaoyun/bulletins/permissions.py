"""Who issues, reads and answers the 督查通报."""

from __future__ import annotations

from jiaoyun.bulletins.choices import Addressee
from jiaoyun.core.choices import Role, ScopeLevel, Section
from jiaoyun.core.types import User

COUNTY_ROLES = (Role.COUNTY_ADMIN, Role.BUREAU_STAFF, Role.COUNTY_LEADER)
TOWNSHIP_ROLES = (Role.TOWNSHIP_OFFICER, Role.TOWNSHIP_GOV)


def is_supervision(user: User) -> bool:
    """The 督导室 (bureau staff of the supervision section) and the county administrator compile and issue the
    bulletin and verify the decisions."""
    if not getattr(user, "is_authenticated", False):
        return False
    return user.role == Role.COUNTY_ADMIN or (user.role == Role.BUREAU_STAFF and user.section == Section.SUPERVISION)


def can_read(user: User) -> bool:
    """Issued bulletins are published county-wide (主送 every township and school): every user with a data scope
    reads them (the three administrators do not, nor a student: the bulletin is the bureau's to its units)."""
    from jiaoyun.core.scope import scope_for

    return bool(getattr(user, "is_authenticated", False)) and scope_for(user).level not in (
        ScopeLevel.NONE,
        ScopeLevel.STUDENT,
    )


def can_view_screen(user: User) -> bool:
    """数据大屏: the county's command centre (county roles)."""
    return bool(getattr(user, "is_authenticated", False)) and user.role in COUNTY_ROLES


def addressee_of(user: User) -> tuple[str, object] | None:
    """What a user answers for: ("township", area id), ("school", school id) or ("section", code)."""
    role = getattr(user, "role", None)
    if role in TOWNSHIP_ROLES and user.area_id:
        return (Addressee.TOWNSHIP, user.area_id)
    if role == Role.PRINCIPAL and user.school_id:
        return (Addressee.SCHOOL, user.school_id)
    if role == Role.BUREAU_STAFF and user.section:
        return (Addressee.SECTION, user.section)
    return None
