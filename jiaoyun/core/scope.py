"""The data-scope chokepoint.

Every read of people-level data goes through these functions: selectors call ``scope_for(user)`` and
filter with the ``Q`` objects below. Other apps reach students through a relation, so each builder takes
the path (``prefix``) from their model to the scoped one, e.g. ``student_q(user, prefix="student__")``.
"""

from __future__ import annotations

import functools
import operator
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol, cast

from django.db.models import Q

from jiaoyun.core.choices import ScopeLevel

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from jiaoyun.core.models import User

    # Whoever asks: a signed-in user, an anonymous visitor or nobody (a system job) — the last two see nothing.
    Viewer = User | AnonymousUser | None

NOTHING = Q(pk__in=[])


@dataclass(frozen=True)
class Scope:
    level: str
    township_id: int | None = None
    village_id: int | None = None
    school_id: int | None = None
    class_ids: tuple[int, ...] = field(default_factory=tuple)
    student_id: int | None = None  # a student's own record (ScopeLevel.STUDENT)

    @property
    def is_county(self) -> bool:
        return self.level == ScopeLevel.COUNTY


def scope_for(user: Viewer) -> Scope:
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return Scope(ScopeLevel.NONE)
    user = cast("User", user)  # signed in and active
    level = user.scope_level
    if level == ScopeLevel.COUNTY:
        return Scope(level)
    if level == ScopeLevel.TOWNSHIP and user.area_id:
        return Scope(level, township_id=user.area_id)
    if level == ScopeLevel.VILLAGE and user.area_id:
        return Scope(level, village_id=user.area_id, township_id=user.area.parent_id if user.area else None)
    if level == ScopeLevel.SCHOOL and user.school_id:
        return Scope(level, school_id=user.school_id, township_id=user.school.township_id if user.school else None)
    if level == ScopeLevel.CLASS and user.school_id:
        ids = tuple(user.classes.values_list("id", flat=True))
        township_id = user.school.township_id if user.school else None
        return Scope(level, school_id=user.school_id, township_id=township_id, class_ids=ids)
    if level == ScopeLevel.STUDENT:
        # A student sees their own record and nothing else: the account links to it (quality.StudentAccount,
        # reverse accessor ``student_account``); no link (or the app left out) means no scope at all.
        account = getattr(user, "student_account", None)
        if account is not None and account.student_id:
            return Scope(level, student_id=account.student_id)
    return Scope(ScopeLevel.NONE)


def _scope(user_or_scope: Viewer | Scope) -> Scope:
    return user_or_scope if isinstance(user_or_scope, Scope) else scope_for(user_or_scope)


def _any_of(prefix: str, value: object, *fields: str) -> Q:
    """Rows where any of ``fields`` (each after ``prefix``) equals ``value``."""
    return functools.reduce(operator.or_, (Q(**{f"{prefix}{name}": value}) for name in fields))


class QBuilder(Protocol):
    """``student_q``, ``school_q``, …: the rows ``user`` (or a ``Scope``) may see, ``prefix`` leading to the model."""

    def __call__(self, user: Viewer | Scope, prefix: str = "") -> Q: ...


def _county_sees_all(build: Callable[[Scope, str, Viewer | Scope], Q]) -> QBuilder:
    """A ``QBuilder`` from ``build(scope, prefix, user)``: the county sees every row; below it ``build`` decides."""

    @functools.wraps(build)
    def q(user: Viewer | Scope, prefix: str = "") -> Q:
        s = _scope(user)
        return Q() if s.level == ScopeLevel.COUNTY else build(s, prefix, user)

    return q


@_county_sees_all
def student_q(s: Scope, p: str, user: Viewer | Scope) -> Q:
    """Students visible to the user (``prefix`` leads from the queried model to Student)."""
    if s.level == ScopeLevel.TOWNSHIP:
        return _any_of(p, s.township_id, "current_school__township_id", "hukou_village__parent_id",
                       "residence_village__parent_id")  # fmt: skip
    if s.level == ScopeLevel.SCHOOL:
        return _any_of(p, s.school_id, "current_school_id", "current_school__parent_id")
    if s.level == ScopeLevel.CLASS:
        return Q(**{f"{p}current_class_id__in": list(s.class_ids)}) if s.class_ids else NOTHING
    if s.level == ScopeLevel.VILLAGE:
        return _any_of(p, s.village_id, "hukou_village_id", "residence_village_id")
    if s.level == ScopeLevel.STUDENT and s.student_id:
        return Q(**{f"{p}pk": s.student_id})
    return NOTHING


@_county_sees_all
def school_q(s: Scope, p: str, user: Viewer | Scope) -> Q:
    """Schools visible to the user."""
    if s.level in (ScopeLevel.TOWNSHIP, ScopeLevel.VILLAGE):
        return Q(**{f"{p}township_id": s.township_id})
    if s.level in (ScopeLevel.SCHOOL, ScopeLevel.CLASS):
        return _any_of(p, s.school_id, "id", "parent_id")
    return NOTHING


@_county_sees_all
def teacher_q(s: Scope, p: str, user: Viewer | Scope) -> Q:
    """Teachers visible to the user (personal data of staff: no village scope; a class teacher sees themself)."""
    if s.level == ScopeLevel.TOWNSHIP:
        return Q(**{f"{p}school__township_id": s.township_id})
    if s.level == ScopeLevel.SCHOOL:
        return _any_of(p, s.school_id, "school_id", "school__parent_id")
    if s.level == ScopeLevel.CLASS:
        user_id = getattr(user, "pk", None)
        return Q(**{f"{p}user_id": user_id}) if user_id else NOTHING
    return NOTHING


@_county_sees_all
def area_q(s: Scope, p: str, user: Viewer | Scope) -> Q:
    """Areas visible to the user: the county sees all; others see their township and its villages."""
    if s.level == ScopeLevel.VILLAGE:
        return Q(**{f"{p}id": s.village_id}) | Q(**{f"{p}id": s.township_id})
    if s.township_id:
        return _any_of(p, s.township_id, "id", "parent_id")
    return NOTHING


def class_q(user: Viewer | Scope, prefix: str = "") -> Q:
    s = _scope(user)
    p = prefix
    if s.level == ScopeLevel.CLASS:
        return Q(**{f"{p}id__in": list(s.class_ids)}) if s.class_ids else NOTHING
    return school_q(s, prefix=f"{p}school__")
