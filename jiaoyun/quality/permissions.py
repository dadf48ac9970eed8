"""Who may see and do what in the quality module (the menu's ACCESS predicates are these functions)."""

from __future__ import annotations

from typing import Any

from jiaoyun.core.choices import Role, ScopeLevel, Section
from jiaoyun.core.errors import PermissionDenied
from jiaoyun.core.scope import scope_for

STAFF_LEVELS = (ScopeLevel.COUNTY, ScopeLevel.TOWNSHIP, ScopeLevel.SCHOOL, ScopeLevel.CLASS)


def _level(user: Any) -> str:
    return scope_for(user).level


def can_view_quality(user: Any) -> bool:
    """1+X, competitions, pathways: the county, townships, schools and class teachers (by their scope)."""
    return _level(user) in STAFF_LEVELS


def can_view_evaluation(user: Any) -> bool:
    """综合素质评价: the staff above, and a student (their own record)."""
    return _level(user) in (*STAFF_LEVELS, ScopeLevel.STUDENT)


def is_student(user: Any) -> bool:
    return _level(user) == ScopeLevel.STUDENT


def own_student_id(user: Any) -> int | None:
    return scope_for(user).student_id


def is_bureau_editor(user: Any) -> bool:
    """The county administrator and the 基础教育股 set terms, targets and competitions."""
    if not getattr(user, "is_authenticated", False) or not user.can_write:
        return False
    return user.role == Role.COUNTY_ADMIN or (user.role == Role.BUREAU_STAFF and user.section == Section.BASIC)


def is_principal_of(user: Any, school_id: int | None) -> bool:
    return (
        getattr(user, "is_authenticated", False)
        and user.can_write
        and user.role == Role.PRINCIPAL
        and school_id is not None
        and user.school_id == school_id
    )


def teaches_class(user: Any, class_id: int | None) -> bool:
    return (
        getattr(user, "is_authenticated", False)
        and user.can_write
        and user.role == Role.CLASS_TEACHER
        and class_id is not None
        and class_id in scope_for(user).class_ids
    )


def school_editor(user: Any, school_id: int | None) -> bool:
    """School records (certificates, entries, transfers, progression): the school's principal or the bureau."""
    return is_bureau_editor(user) or is_principal_of(user, school_id)


def require(allowed: bool, message: str) -> None:
    if not allowed:
        raise PermissionDenied(message)
