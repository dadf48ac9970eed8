"""Who may read the enrolment forecast and who may recompute it.

The forecast is by township and county (no personal data), but a township's figures are its own: the county's
roles read every township, a township's officers (中心校, 乡镇人民政府) read their township only; schools,
classes, villages and the administrators get 403 (docs/roles.md)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from jiaoyun.areas.choices import AreaLevel
from jiaoyun.core.choices import Role

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from jiaoyun.core.models import User


COUNTY_ROLES = (Role.COUNTY_ADMIN, Role.BUREAU_STAFF, Role.COUNTY_LEADER)
TOWNSHIP_ROLES = (Role.TOWNSHIP_OFFICER, Role.TOWNSHIP_GOV)


def _active(user: User | AnonymousUser | None) -> User | None:
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    return user  # type: ignore[return-value]


def township_ids(user: User | AnonymousUser | None) -> set[int] | None:
    """The townships the user may read: None = all (the county's roles), else the user's township (or none)."""
    u = _active(user)
    if u is None:
        return set()
    if u.role in COUNTY_ROLES:
        return None
    if u.role in TOWNSHIP_ROLES and u.area_id and u.area is not None and u.area.level == AreaLevel.TOWNSHIP:
        return {u.area_id}
    return set()


def can_view(user: User | AnonymousUser | None) -> bool:
    """The page's and the menu's check: the county's roles and a township's officers."""
    return township_ids(user) != set()


def can_recompute(user: User | AnonymousUser | None) -> bool:
    """The county's writing roles (county administrator, bureau staff) may start a recompute."""
    u = _active(user)
    return bool(u is not None and u.can_write and u.role in (Role.COUNTY_ADMIN, Role.BUREAU_STAFF))
