"""Who may read and act on the supervision pages (each page checks the same function as its menu line).

* The bureau (县局管理员, every 股室), the county leaders and the township staff (中心校, 乡镇政府) read the work
  plan, 挂钩联系, 督学责任区 and 整改 (townships: the items, links, visits and 整改 of their township); a
  principal reads the 整改 of the school. The assessment is read by the county roles and the townships.
* The 督导室 (bureau staff of ``Section.SUPERVISION``, read-only excepted) and the 县局管理员 manage: the plan,
  links, areas, checklist, assessment weights. A 责任督学 is a 督导室 staff member named as an area's
  inspector (ADR 0037): he records the area's visits, opens and verifies its 整改.
* An item's owners (staff of its lead or co-owning 股室) report its progress.
* A 整改 is worked by its school: the principal, the township officer of its township, or its named responsible.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied

from jiaoyun.core.choices import Role, Section

COUNTY_ROLES = (Role.COUNTY_ADMIN, Role.BUREAU_STAFF, Role.COUNTY_LEADER)
TOWNSHIP_ROLES = (Role.TOWNSHIP_OFFICER, Role.TOWNSHIP_GOV)


def _active(user: Any) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False) and user.is_active)


def is_county(user: Any) -> bool:
    return _active(user) and user.role in COUNTY_ROLES


def township_of(user: Any) -> int | None:
    """The township a township user reads (None for everyone else)."""
    return user.area_id if _active(user) and user.role in TOWNSHIP_ROLES and user.area_id else None


def can_view(user: Any) -> bool:
    """工作计划, 挂钩联系, 督学责任区: the county roles and the township staff."""
    return is_county(user) or township_of(user) is not None


def can_view_rectifications(user: Any) -> bool:
    """整改跟踪: as ``can_view``, and a principal (his school's 整改)."""
    return can_view(user) or (_active(user) and user.role == Role.PRINCIPAL and bool(user.school_id))


def can_view_assessment(user: Any) -> bool:
    return can_view(user)


def can_manage(user: Any) -> bool:
    """The 督导室 (writable staff) and the 县局管理员."""
    if not _active(user) or not user.can_write:
        return False
    return user.role == Role.COUNTY_ADMIN or (user.role == Role.BUREAU_STAFF and user.section == Section.SUPERVISION)


def can_report(user: Any, item: Any) -> bool:
    """An item's owners report its progress: staff of its lead or co-owning 股室, and the managers."""
    if can_manage(user):
        return True
    return bool(
        _active(user)
        and user.can_write
        and user.role == Role.BUREAU_STAFF
        and (user.section == item.section or user.section in (item.co_owners or []))
    )


def is_inspector_of(user: Any, zone: Any) -> bool:
    return bool(_active(user) and user.can_write and zone.inspector_id == user.pk)


def can_inspect(user: Any, zone: Any) -> bool:
    """Record a visit of the area and open 整改: its 责任督学 or a manager."""
    return is_inspector_of(user, zone) or can_manage(user)


def can_work_rectification(user: Any, rect: Any) -> bool:
    """Start and submit a 整改: its school (principal), its township officer, its named responsible."""
    if not _active(user) or not user.can_write:
        return False
    if rect.responsible_id == user.pk:
        return True
    if user.role == Role.PRINCIPAL and user.school_id in (rect.school_id, getattr(rect.school, "parent_id", None)):
        return True
    return user.role == Role.TOWNSHIP_OFFICER and user.area_id == rect.school.township_id


def can_verify_rectification(user: Any, rect: Any) -> bool:
    """Verify (核验) a submitted 整改: the 督学 who opened it (``verifier``) or a manager."""
    if not _active(user) or not user.can_write:
        return False
    return rect.verifier_id == user.pk or can_manage(user)


def require(allowed: bool, message: str) -> None:
    if not allowed:
        raise PermissionDenied(message)
