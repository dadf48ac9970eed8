from __future__ import annotations

from jiaoyun.core.choices import Role
from jiaoyun.core.types import User


def can_view_log(user: User) -> bool:
    """The delivery log (where each message went, the errors) is for the county administrator."""
    return bool(getattr(user, "is_authenticated", False)) and user.role == Role.COUNTY_ADMIN
