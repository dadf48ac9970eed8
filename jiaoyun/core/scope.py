"""The data-scope chokepoint.

Every read of people-level data goes through these functions: selectors call ``scope_for(user)`` and
filter with the ``Q`` objects below. Other apps reach students through a relation, so each builder takes
the path (``prefix``) from their model to the scoped one, e.g. ``student_q(user, prefix="student__")``.

A county leader (县领导/挂钩部门) reads county figures like the bureau, but people-level data (students, teachers,
cases, draft rotation names) only of the schools linked to them (挂钩联系学校, ADR 0037): their scope keeps the
county level (``is_county``: aggregates, school and area lists) and carries ``linked_school_ids``, which the
people-level builders (``student_q``, ``teacher_q``) apply; ``sees_all_people`` is False for them. The linked
schools are read by a provider the owning app registers (``register_linked_schools``); core names no domain app,
and without a provider a leader sees no person at all.
"""

from __future__ import annotations

import contextlib
import functools
import operator
from collections.abc import Callable, Iterable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol, cast

from django.db.models import Q

from jiaoyun.core.choices import Role, ScopeLevel

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
    # A county leader's linked schools: people-level data only of these (None: no such restriction).
    linked_school_ids: tuple[int, ...] | None = None

    @property
    def is_county(self) -> bool:
        """County figures (aggregates, every school and area); not necessarily every person."""
        return self.level == ScopeLevel.COUNTY

    @property
    def sees_all_people(self) -> bool:
        """Every person of the county (the bureau); a county leader only those of the linked schools."""
        return self.level == ScopeLevel.COUNTY and self.linked_school_ids is None


_linked_schools: Callable[[int], Iterable[int]] | None = None


def register_linked_schools(provider: Callable[[int], Iterable[int]] | None) -> None:
    """Set the function ``user id → school ids linked to that leader`` (the supervision app sets it)."""
    global _linked_schools
    _linked_schools = provider


def linked_school_ids(user_id: int) -> tuple[int, ...]:
    return tuple(sorted(_linked_schools(user_id))) if _linked_schools is not None else ()


# The schools and villages of a township, ``township id → (school ids, village ids)``, read by a provider the
# schools app registers (``register_township_members``); without one the township builders join to them.
_township_members: Callable[[int], tuple[tuple[int, ...], tuple[int, ...]]] | None = None


def register_township_members(provider: Callable[[int], tuple[tuple[int, ...], tuple[int, ...]]] | None) -> None:
    """Set the function ``township id → (its schools' ids, its villages' ids)`` (the schools app sets it)."""
    global _township_members
    _township_members = provider


# The ids of some schools and of their branches (校区, ``parent``), ``school ids → ids``, read by a provider the
# schools app registers (``register_school_family``); without one the builders join to the schools.
_school_family: Callable[[tuple[int, ...]], tuple[int, ...]] | None = None


def register_school_family(provider: Callable[[tuple[int, ...]], tuple[int, ...]] | None) -> None:
    """Set the function ``school ids → the ids of those schools and of their branches`` (the schools app sets it)."""
    global _school_family
    _school_family = provider


# The scopes read in the current request, and the townships' members (None outside a request: nothing is kept).
_request_scopes: ContextVar[dict[tuple[object, ...], object] | None] = ContextVar("jiaoyun_scopes", default=None)


@contextlib.contextmanager
def scopes_cached() -> Iterator[None]:
    """Keep each user's scope for the duration of the block (one request, ``ScopeCacheMiddleware``)."""
    token = _request_scopes.set({})
    try:
        yield
    finally:
        _request_scopes.reset(token)


def forget_scopes(*args: object, **kwargs: object) -> None:
    """Empty the current request's scopes (a signal receiver of every write; a bulk ``update`` calls it itself)."""
    cache = _request_scopes.get()
    if cache:
        cache.clear()


def scope_for(user: Viewer) -> Scope:
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return Scope(ScopeLevel.NONE)
    user = cast("User", user)  # signed in and active
    cache = _request_scopes.get()
    if cache is None:
        return _read_scope(user)
    # Everything the scope is built from that the user row holds; what other rows hold (classes, linked
    # schools, a student's account, the parent of an area) is covered by ``forget_scopes`` on every write.
    key = ("scope", user.pk, user.is_active, user.role, user.area_id, user.school_id)
    scope = cache.get(key)
    if scope is None:
        scope = cache[key] = _read_scope(user)
    return cast("Scope", scope)


def _per_request(key: tuple[object, ...], provider: Callable[[Any], Any] | None, arg: object) -> Any:
    """``provider(arg)``, read once per request under ``key`` (the request's scopes are forgotten on every write,
    and these with them); None outside a request or without a provider."""
    cache = _request_scopes.get()
    if cache is None or provider is None:
        return None
    if key not in cache:
        cache[key] = provider(arg)
    return cache[key]


def school_family(school_ids: tuple[int, ...]) -> tuple[int, ...] | None:
    """The ids of these schools and of their branches, read once per request; None outside a request or without a
    provider. ``current_school_id IN family`` is ``current_school_id IN ids OR current_school.parent_id IN ids``
    without the join, so the students' index on their school is used."""
    return cast("tuple[int, ...] | None", _per_request(("family", school_ids), _school_family, school_ids))


def _in_family(p: str, field: str, school_ids: tuple[int, ...], *joined: str) -> Q:
    """Rows whose ``field`` is one of ``school_ids`` or of their branches: by the family's ids within a request,
    else by ``field`` or the ``joined`` parent field."""
    if not school_ids:
        return NOTHING
    family = school_family(school_ids)
    if family is not None:
        return Q(**{f"{p}{field}__in": family}) if family else NOTHING
    return functools.reduce(operator.or_, (Q(**{f"{p}{name}__in": list(school_ids)}) for name in (field, *joined)))


def township_members(township_id: int) -> tuple[tuple[int, ...], tuple[int, ...]] | None:
    """The ids of a township's schools and villages, read once per request; None outside a request or without a
    provider."""
    members = _per_request(("township", township_id), _township_members, township_id)
    return cast("tuple[tuple[int, ...], tuple[int, ...]] | None", members)


def _read_scope(user: User) -> Scope:
    level = user.scope_level
    if level == ScopeLevel.COUNTY and user.role == Role.COUNTY_LEADER:
        return Scope(level, linked_school_ids=linked_school_ids(user.pk))
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


def figures_scope(user: Viewer) -> Scope:
    """The scope a page's figures (counts and charts, no person in them) are counted in: a county leader counts the
    whole county (aggregates stay county-wide, ADR 0037); everyone else counts in their own scope."""
    s = scope_for(user)
    return Scope(ScopeLevel.COUNTY) if s.level == ScopeLevel.COUNTY else s


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


def _people(build: Callable[[Scope, str, Viewer | Scope], Q]) -> QBuilder:
    """A people-level ``QBuilder``: the bureau sees every row, a county leader the rows ``build`` gives for the
    linked schools (``s.linked_school_ids``), below the county ``build`` decides."""

    @functools.wraps(build)
    def q(user: Viewer | Scope, prefix: str = "") -> Q:
        s = _scope(user)
        return Q() if s.sees_all_people else build(s, prefix, user)

    return q


def _linked(p: str, s: Scope, *fields: str) -> Q:
    ids = list(s.linked_school_ids or ())
    if not ids:
        return NOTHING
    return functools.reduce(operator.or_, (Q(**{f"{p}{name}__in": ids}) for name in fields))


@_people
def student_q(s: Scope, p: str, user: Viewer | Scope) -> Q:
    """Students visible to the user (``prefix`` leads from the queried model to Student)."""
    if s.level == ScopeLevel.COUNTY:  # a county leader: the children of the linked schools
        return _in_family(p, "current_school_id", s.linked_school_ids or (), "current_school__parent_id")
    if s.level == ScopeLevel.TOWNSHIP and s.township_id is not None:
        members = township_members(s.township_id)
        if members is not None:  # in a request: the same rows by the students' own columns (their indexes, no joins)
            schools, villages = members
            parts = [Q(**{f"{p}current_school_id__in": schools})] if schools else []
            parts += [Q(**{f"{p}{name}__in": villages}) for name in ("hukou_village_id", "residence_village_id")]
            return functools.reduce(operator.or_, parts) if villages or schools else NOTHING
        return _any_of(p, s.township_id, "current_school__township_id", "hukou_village__parent_id",
                       "residence_village__parent_id")  # fmt: skip
    if s.level == ScopeLevel.SCHOOL and s.school_id is not None:
        return _in_family(p, "current_school_id", (s.school_id,), "current_school__parent_id")
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


@_people
def teacher_q(s: Scope, p: str, user: Viewer | Scope) -> Q:
    """Teachers visible to the user (personal data of staff: no village scope; a class teacher sees themself)."""
    if s.level == ScopeLevel.COUNTY:  # a county leader: the staff of the linked schools
        return _in_family(p, "school_id", s.linked_school_ids or (), "school__parent_id")
    if s.level == ScopeLevel.TOWNSHIP and s.township_id is not None:
        members = township_members(s.township_id)
        if members is not None:
            return Q(**{f"{p}school_id__in": members[0]}) if members[0] else NOTHING
        return Q(**{f"{p}school__township_id": s.township_id})
    if s.level == ScopeLevel.SCHOOL and s.school_id is not None:
        return _in_family(p, "school_id", (s.school_id,), "school__parent_id")
    if s.level == ScopeLevel.CLASS:
        user_id = getattr(user, "pk", None)
        return Q(**{f"{p}user_id": user_id}) if user_id else NOTHING
    return NOTHING


@_people
def people_school_q(s: Scope, p: str, user: Viewer | Scope) -> Q:
    """Schools whose person-level records (free-text notes that may name people, e.g. an alarm's message) the
    user reads: ``school_q``, but for a county leader only the linked schools."""
    if s.level == ScopeLevel.COUNTY:
        return _linked(p, s, "id", "parent_id")
    return school_q(s, prefix=p)


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
