"""Who may read the enrolment forecast and who may recompute it.

The forecast is by township and county (no personal data), but a township's figures are its own: the county's
roles read every township, a township's officers (中心校, 乡镇人民政府) read their township only; schools,
classes, villages and the administrators get 403 (docs/roles.md)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from jiaoyun.core.choices import Role, ScopeLevel
from jiaoyun.core.scope import scope_for

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from jiaoyun.core.models import User


def can_view(user: User | AnonymousUser | None) -> bool:
    return scope_for(user).level in (ScopeLevel.COUNTY, ScopeLevel.TOWNSHIP)


def township_ids(user: User | AnonymousUser | None) -> set[int] | None:
    """The townships the user may read: None = all (the county), else the one township (or none)."""
    scope = scope_for(user)
    if scope.level == ScopeLevel.COUNTY:
        return None
    if scope.level == ScopeLevel.TOWNSHIP and scope.township_id:
        return {scope.township_id}
    return set()


def can_recompute(user: User | AnonymousUser | None) -> bool:
    """The county's writing roles (county administrator, bureau staff) may start a recompute."""
    if not can_view(user) or scope_for(user).level != ScopeLevel.COUNTY:
        return False
    return bool(getattr(user, "can_write", False) and user.role in (Role.COUNTY_ADMIN, Role.BUREAU_STAFF))  # type: ignore[union-attr]
