"""Who may use the exchange: importing registries is for county-level data managers, or the operator of
``manage.py import_data`` on the server (``SYSTEM``)."""

from __future__ import annotations

from typing import cast

from django.contrib.auth.models import AnonymousUser

from jiaoyun.core.choices import Role
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


def _writer(user: Actor | AnonymousUser) -> bool:
    return (
        not isinstance(user, AnonymousUser) and bool(user.is_authenticated) and bool(getattr(user, "can_write", False))
    )


def kinds_for(user: Actor | AnonymousUser) -> set[str] | None:
    """The import formats ``user`` may use: None for every format (the county administrator, the command line),
    else the keys of the formats whose ``importers`` name the user's bureau section (empty: none)."""
    if isinstance(user, _System):
        return None
    if not _writer(user):
        return set()
    user = cast("User", user)
    if user.role == Role.COUNTY_ADMIN:
        return None
    if user.role != Role.BUREAU_STAFF or not user.section:
        return set()
    from jiaoyun.exchange.registry import all_kinds

    return {k.key for k in all_kinds() if user.section in k.importers}


def can_import(user: Actor | AnonymousUser) -> bool:
    """County-level data managers import registries (read-only roles never do): the county administrator every
    format, a bureau section the formats of its own work (``Kind.importers``: 基础教育股 and 人事股 the registries,
    计划财务股 projects, payments and finance figures, 督导室 school resources)."""
    kinds = kinds_for(user)
    return kinds is None or bool(kinds)


def can_import_kind(user: Actor | AnonymousUser, kind: str) -> bool:
    kinds = kinds_for(user)
    return kinds is None or kind in kinds
