"""Who may open the preschool layout pages (学前布局: coverage, 普惠 capacity, the map).

They hold no personal data (villages, kindergartens, seats and population counts), but they are a planning tool
of the county and of the townships: the county roles see the whole county, township staff their township.
Schools, classes and villages have no layout to plan, and the three administrators no data scope."""

from __future__ import annotations

from typing import Any

from jiaoyun.core.choices import Role, ScopeLevel


def can_view(user: Any) -> bool:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    from jiaoyun.core.scope import scope_for

    return scope_for(user).level in (ScopeLevel.COUNTY, ScopeLevel.TOWNSHIP)


def can_edit_boundary(user: Any) -> bool:
    """The county administrator imports the township boundary file (it is the county's base map)."""
    return bool(getattr(user, "is_authenticated", False) and user.is_active and user.role == Role.COUNTY_ADMIN
                and user.can_write)  # fmt: skip
