"""Reads of the 督查通报 and its decisions (scoped), and the figures of the 数据大屏 (county aggregates only)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.db.models import Q, QuerySet

from jiaoyun.bulletins.choices import BulletinStatus, DecisionState
from jiaoyun.bulletins.models import Decision, DecisionEvent, SupervisionBulletin
from jiaoyun.bulletins.permissions import COUNTY_ROLES, TOWNSHIP_ROLES, can_read, is_supervision
from jiaoyun.core.choices import Role
from jiaoyun.core.types import User


def bulletin_list(*, user: User) -> QuerySet[SupervisionBulletin]:
    """Issued bulletins for every reader; drafts too for the 督导室."""
    if not can_read(user):
        return SupervisionBulletin.objects.none()
    qs = SupervisionBulletin.objects.defer("pdf", "content")
    return (qs if is_supervision(user) else qs.filter(status=BulletinStatus.ISSUED)).order_by("-month")


def bulletin_get(*, user: User, bulletin_id: int) -> SupervisionBulletin:
    """Raises ``SupervisionBulletin.DoesNotExist`` for a bulletin the user may not read (a draft for anyone but 督导室)."""
    if not can_read(user):
        raise SupervisionBulletin.DoesNotExist
    qs = (
        SupervisionBulletin.objects.all()
        if is_supervision(user)
        else SupervisionBulletin.objects.filter(status=BulletinStatus.ISSUED)
    )
    return qs.get(pk=bulletin_id)


def decision_q(user: User) -> Q:
    """The decisions a user follows: the county all of them; a township its own and its schools'; a principal
    their school's. Nobody else."""
    role = getattr(user, "role", None)
    if role in COUNTY_ROLES:
        return Q()
    if role in TOWNSHIP_ROLES and user.area_id:
        return Q(township_id=user.area_id) | Q(school__township_id=user.area_id)
    if role == Role.PRINCIPAL and user.school_id:
        return Q(school_id=user.school_id)
    return Q(pk__in=[])


def decision_list(*, user: User, filters: Mapping[str, Any] | None = None) -> QuerySet[Decision]:
    filters = filters or {}
    qs = Decision.objects.filter(decision_q(user)).select_related("bulletin")
    state = str(filters.get("state") or "")
    if state in DecisionState.values:
        qs = qs.filter(state=state)
    if str(filters.get("open") or "") == "1":
        qs = qs.exclude(state=DecisionState.VERIFIED)
    return qs.order_by("-bulletin__month", "seq")


def decision_get(*, user: User, decision_id: int) -> Decision:
    return (
        Decision.objects.filter(decision_q(user)).select_related("bulletin", "school", "township").get(pk=decision_id)
    )


def decision_events(*, decision: Decision) -> QuerySet[DecisionEvent]:
    return decision.events.select_related("actor").order_by("at", "id")


def evidence_get(*, user: User, event_id: int) -> DecisionEvent:
    return DecisionEvent.objects.select_related("decision").get(
        pk=event_id, decision__in=Decision.objects.filter(decision_q(user))
    )


# ---------------------------------------------------------------- 数据大屏


def township_progress(*, on: dt.date) -> dict[int, dict[str, int]] | None:
    """Projects by township from the facilities module (None when it is not installed)."""
    try:
        from jiaoyun.facilities.selectors import township_progress as progress  # type: ignore[attr-defined]
    except ImportError:
        return None
    return progress(on=on)


def screen_figures(*, on: dt.date) -> dict[str, Any]:
    """County aggregates for the command centre: indicators against targets, 控辍保学, safety, projects.
    No person is named."""
    from jiaoyun.areas.choices import AreaLevel
    from jiaoyun.areas.models import Area
    from jiaoyun.dropout.choices import CONFIRMED_STATUSES
    from jiaoyun.dropout.filters import overdue_q, still_out_q
    from jiaoyun.dropout.models import DropoutCase
    from jiaoyun.indicators import selectors as isel
    from jiaoyun.safety.filters import with_state_on
    from jiaoyun.safety.models import Device, Hazard

    towns = list(Area.objects.filter(level=AreaLevel.TOWNSHIP).order_by("sort", "code").values_list("id", "name"))
    still = dict(
        DropoutCase.objects.filter(still_out_q(on))
        .values("township_id")
        .annotate(n=_count())
        .values_list("township_id", "n")
    )
    overdue = dict(
        DropoutCase.objects.filter(overdue_q(on)).values("township_id").annotate(n=_count(distinct=True))
        .values_list("township_id", "n")
    )  # fmt: skip
    confirmed = DropoutCase.objects.filter(status__in=CONFIRMED_STATUSES).count()
    counted, late = with_state_on(Hazard.objects.all(), on)
    hazards = dict(
        counted.filter(late).values("school__township_id").annotate(n=_count()).values_list("school__township_id", "n")
    )
    offline = Device.objects.filter(is_active=True, is_online=False).count()
    devices = Device.objects.filter(is_active=True).count()
    county = isel.county_get()
    indicators: list[dict[str, Any]] = []
    if county is not None:
        from jiaoyun.core.schoolyear import SchoolYear
        from jiaoyun.indicators.definitions import HEADLINE_CODES

        for r in isel.indicator_rows(year=SchoolYear.of(on), area=county, codes=list(HEADLINE_CODES)):
            indicators.append({"name": r.indicator.name, "value": r.value_text, "status": r.status,
                               "status_label": r.status_label, "target": "—" if r.target is None else f"{r.target:g}%"})  # fmt: skip
    progress = township_progress(on=on)
    projects = None
    if progress is not None:
        projects = {
            "total": sum(p.get("total", 0) for p in progress.values()),
            "in_use": sum(p.get("in_use", 0) for p in progress.values()),
            "late": sum(p.get("late", 0) for p in progress.values()),
            "by_township": [(name, progress.get(pk, {}).get("in_use", 0), progress.get(pk, {}).get("total", 0))
                            for pk, name in towns],
        }  # fmt: skip
    open_decisions = Decision.objects.exclude(state=DecisionState.VERIFIED).count()
    overdue_decisions = Decision.objects.filter(state=DecisionState.OVERDUE).count()
    return {
        "on": on,
        "townships": [name for _, name in towns],
        "still_out": [still.get(pk, 0) for pk, _ in towns],
        "dropout_overdue": [overdue.get(pk, 0) for pk, _ in towns],
        "hazards_late": [hazards.get(pk, 0) for pk, _ in towns],
        "totals": {
            "still_out": sum(still.values()),
            "dropout_overdue": sum(overdue.values()),
            "confirmed": confirmed,
            "hazards_late": sum(hazards.values()),
            "offline": offline,
            "devices": devices,
            "decisions_open": open_decisions,
            "decisions_overdue": overdue_decisions,
        },
        "indicators": indicators,
        "projects": projects,
    }


def _count(*, distinct: bool = False) -> Any:
    from django.db.models import Count

    return Count("id", distinct=distinct)
