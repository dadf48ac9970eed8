"""Who may see and change the standards module's data (on top of the data scope of jiaoyun.core.scope).

County-wide figures (差异系数, counts of schools meeting the rule) are aggregates, readable by every reader
(ADR 0020); each school's own figures follow the school scope: the county sections and leaders see all, a
township its schools, a principal their own school. The county sections that own the module — 督导室 and
基础教育股 — and the county administrator write."""

from __future__ import annotations

from django.db.models import Q

from jiaoyun.core.choices import Role, Section
from jiaoyun.core.errors import PermissionDenied
from jiaoyun.core.scope import NOTHING, school_q, scope_for
from jiaoyun.core.types import User

READ_ROLES = {
    Role.COUNTY_ADMIN,
    Role.BUREAU_STAFF,
    Role.COUNTY_LEADER,
    Role.TOWNSHIP_GOV,
    Role.TOWNSHIP_OFFICER,
    Role.PRINCIPAL,
}
WRITE_SECTIONS = (Section.SUPERVISION, Section.BASIC)


def _active(user: User) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


def can_read(user: User) -> bool:
    return _active(user) and user.role in READ_ROLES


def is_county_reader(user: User) -> bool:
    """Readers who see every school: the county administrator, bureau staff and county leaders."""
    return can_read(user) and scope_for(user).is_county


def is_section(user: User) -> bool:
    """The owning sections (督导室, 基础教育股) and the county administrator, with write access."""
    if not _active(user) or not user.can_write:
        return False
    return bool(user.role == Role.COUNTY_ADMIN or (user.role == Role.BUREAU_STAFF and user.section in WRITE_SECTIONS))


def schools_q(user: User, prefix: str = "") -> Q:
    """Schools whose own figures the user may read."""
    return school_q(user, prefix=prefix) if can_read(user) else NOTHING


def require_read(user: User) -> None:
    if not can_read(user):
        raise PermissionDenied("无权查看办学标准与均衡数据")


def require_section(user: User) -> None:
    if not is_section(user):
        raise PermissionDenied("仅县教育体育局督导室、基础教育股可修改此项")


def can_apply(user: User, school_id: int, township_id: int | None) -> bool:
    """May move a demonstration-school application of this school through its school steps (申报)."""
    if is_section(user):
        return True
    if not _active(user) or not user.can_write:
        return False
    if user.role == Role.PRINCIPAL:
        return bool(user.school_id == school_id)
    if user.role == Role.TOWNSHIP_OFFICER:
        return bool(user.area_id and user.area_id == township_id)
    return False
