"""Who may use the exchange: importing registries is for county-level data managers, or the operator of
``manage.py import_data`` on the server (``SYSTEM``)."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser

from jiaoyun.core.choices import Role, Section
from jiaoyun.core.types import User


class _System:
    """The actor of ``manage.py import_data`` run without ``--user`` (an operator on the server)."""

    is_authenticated = False
    username = ""

    def __str__(self) -> str:
        return "系统（命令行）"


SYSTEM = _System()

# Who runs an import: a signed-in user, or the operator of the command line (``SYSTEM``).
Actor = User | _System


def can_import(user: Actor | AnonymousUser) -> bool:
    """County-level data managers import registries (read-only roles never do)."""
    if isinstance(user, _System):
        return True
    if isinstance(user, AnonymousUser) or not user.is_authenticated or not user.can_write:
        return False
    return user.role == Role.COUNTY_ADMIN or (
        user.role == Role.BUREAU_STAFF and user.section in (Section.BASIC, Section.PERSONNEL)
    )
