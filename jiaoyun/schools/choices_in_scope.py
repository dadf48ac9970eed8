"""The townships, villages and schools a user's filters and forms may offer: those within the user's scope.

One helper for every list, dashboard and form with a 乡镇 / 村（社区） / 学校 select (people, schools, areas, dropout,
safety, teachers…), so that a select never offers a place the user cannot see: a township officer's 乡镇 select
holds his township alone, a principal's 学校 select their school (and its 教学点). A select with a single choice has
nothing to choose; templates hide it with ``{% if townships|length > 1 %}`` (the list is then already narrowed).

It lives in ``schools`` (which knows areas) rather than ``core``, which imports no domain app; the scope itself
comes from ``jiaoyun.core.scope`` as everywhere else (``area_q``, ``school_q``). Names of places are not personal
data, but offering another township's name to a township officer invites a request that can only come back empty.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import QuerySet

from jiaoyun.areas.choices import AreaLevel
from jiaoyun.areas.models import Area
from jiaoyun.core.scope import area_q, school_q
from jiaoyun.schools.models import School

if TYPE_CHECKING:
    from jiaoyun.core.scope import Viewer

VILLAGE_LIMIT = 500  # a county has a few hundred villages; the select is a filter, not a registry


def township_choices(user: Viewer) -> QuerySet[Area]:
    """The townships in the user's scope (the county: all of them), in the county's order."""
    return Area.objects.filter(area_q(user), level=AreaLevel.TOWNSHIP).order_by("sort", "code")


def village_choices(user: Viewer) -> QuerySet[Area]:
    """The villages (村、社区) in the user's scope: a village cadre their own, a township its villages."""
    return Area.objects.filter(area_q(user), level=AreaLevel.VILLAGE).order_by("parent__sort", "code")[:VILLAGE_LIMIT]


def school_choices(user: Viewer, *, active: bool = True) -> QuerySet[School]:
    """The schools in the user's scope (only the fields a select needs), by township and code."""
    qs = School.objects.filter(school_q(user))
    if active:
        qs = qs.filter(is_active=True)
    return qs.only("id", "name", "township_id").order_by("township__sort", "code")


@dataclass(frozen=True)
class PlaceChoices:
    """The three selects of a list filter; each is empty for a user without a scope."""

    townships: QuerySet[Area]
    villages: QuerySet[Area]
    schools: QuerySet[School]


def place_choices(user: Viewer) -> PlaceChoices:
    return PlaceChoices(township_choices(user), village_choices(user), school_choices(user))


def township_in_scope(user: Viewer, township_id: int | None) -> Area | None:
    """The township ``township_id`` names if the user's selects may offer it (None otherwise or when empty)."""
    if not township_id:
        return None
    return township_choices(user).filter(pk=township_id).first()
