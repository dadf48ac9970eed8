"""The list filters of the safety pages and API, one FilterSet per list (see ``jiaoyun.core.filtersets``).

The parameter names are those the pages and the API have always used. Yes/no parameters take ``1``/``0``
as before; ``overdue`` and ``mine`` filter only when ``1``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

import django_filters
from django.db.models import OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from jiaoyun.core.filtersets import ListFilterSet
from jiaoyun.core.types import User
from jiaoyun.safety.choices import (
    DeviceKind,
    HazardStatus,
    InspectionKind,
    Level,
    RiskCategory,
    RiskStatus,
    Severity,
)
from jiaoyun.safety.models import ComplianceSnapshot, Device, Hazard, HazardEvent, Inspection, RiskReport

YES_NO = [("1", "是"), ("0", "否")]
ACTIVE = "active"  # a hazard not yet closed (待整改, 已整改待复查, 复查通过)
OPEN_STATES = [HazardStatus.OPEN, HazardStatus.RECTIFIED, HazardStatus.VERIFIED]
UNFIXED_STATES = [HazardStatus.OPEN, HazardStatus.RECTIFIED]


def with_state_on(hazards: QuerySet[Hazard], on: dt.date | None = None) -> tuple[QuerySet[Hazard], Q]:
    """``hazards`` ready to be counted as of the end of day ``on`` (default today; a later day counts as today),
    and the ``Q`` of the overdue ones among them (usable in ``filter`` or in ``Count(filter=...)``).

    The one definition of an overdue hazard (逾期未整改, docs/figures.md): found by the end of the day, its 整改期限
    before the day, and in 待整改 or 已整改待复查 at the end of it. Today the state is the hazard's status; for a
    past day it is the state its last 处置记录 up to the end of that day moved it to (待整改 before any), annotated
    as ``state_on``."""
    today = timezone.localdate()
    on = min(on or today, today)
    if on == today:
        return hazards, Q(status__in=UNFIXED_STATES, deadline__lt=on)
    end = dt.datetime.combine(on + dt.timedelta(days=1), dt.time.min, tzinfo=timezone.get_current_timezone())
    state = HazardEvent.objects.filter(hazard=OuterRef("pk"), at__lt=end).order_by("-at", "-id").values("to_status")[:1]
    annotated = hazards.annotate(state_on=Coalesce(Subquery(state), Value(HazardStatus.OPEN)))
    return annotated, Q(opened_at__lt=end, deadline__lt=on, state_on__in=UNFIXED_STATES)


def hazards_overdue(hazards: QuerySet[Hazard], *, on: dt.date | None = None) -> QuerySet[Hazard]:
    """The hazards of ``hazards`` that are 逾期未整改 at the end of day ``on`` (``with_state_on``): the dashboard
    card and chart, the list's ``overdue=1``, the monthly bulletin's 月末逾期未整改 (``on`` = the month's last day)
    and ``hazards_overdue_count`` count with it."""
    annotated, overdue = with_state_on(hazards, on)
    return annotated.filter(overdue)


def hazard_is_overdue(hazard: Hazard, today: dt.date | None = None) -> bool:
    """One hazard today, by the rule of ``hazards_overdue``: 待整改 or 已整改待复查, its deadline passed."""
    return hazard.status in UNFIXED_STATES and hazard.deadline < (today or timezone.localdate())


def _yes_no(field: str) -> django_filters.ChoiceFilter:
    """``1`` → ``field`` true, ``0`` → false (any other value selects nothing)."""
    return django_filters.ChoiceFilter(
        choices=YES_NO, method=lambda qs, _name, value: qs.filter(**{field: value == "1"})
    )


def _contains(*fields: str) -> django_filters.CharFilter:
    """A free-text search: rows where any of ``fields`` contains the text."""

    def search(qs: QuerySet[Any], _name: str, value: str) -> QuerySet[Any]:
        q = Q()
        for field in fields:
            q |= Q(**{f"{field}__contains": value})
        return qs.filter(q)

    return django_filters.CharFilter(method=search)


class ComplianceFilterSet(ListFilterSet):
    township = django_filters.NumberFilter(field_name="school__township_id")
    compliant = _yes_no("compliant")
    q = _contains("school__name")

    class Meta:
        model = ComplianceSnapshot
        fields: list[str] = []


class HazardFilterSet(ListFilterSet):
    """``status`` is a hazard state or ``active``; ``overdue=1`` unfixed past the deadline; ``mine=1`` the
    reader's own hazards (the filter set is made with the reader and the day, see ``hazard_list``)."""

    status = django_filters.ChoiceFilter(choices=[*HazardStatus.choices, (ACTIVE, "未销号")], method="filter_status")
    overdue = django_filters.ChoiceFilter(choices=YES_NO, method="filter_overdue")
    township = django_filters.NumberFilter(field_name="school__township_id")
    severity = django_filters.ChoiceFilter(choices=Severity.choices)
    level = django_filters.ChoiceFilter(choices=Level.choices)
    mine = django_filters.ChoiceFilter(choices=YES_NO, method="filter_mine")
    q = _contains("title", "school__name")

    class Meta:
        model = Hazard
        fields: list[str] = []

    def __init__(
        self,
        data: Mapping[str, Any] | None = None,
        queryset: QuerySet[Hazard] | None = None,
        *,
        user: User | None = None,
        today: dt.date | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(data, queryset=queryset, **kwargs)
        self.user = user
        self.today = today or timezone.localdate()

    def filter_status(self, qs: QuerySet[Hazard], _name: str, value: str) -> QuerySet[Hazard]:
        return qs.filter(status__in=OPEN_STATES) if value == ACTIVE else qs.filter(status=value)

    def filter_overdue(self, qs: QuerySet[Hazard], _name: str, value: str) -> QuerySet[Hazard]:
        return hazards_overdue(qs, on=self.today) if value == "1" else qs

    def filter_mine(self, qs: QuerySet[Hazard], _name: str, value: str) -> QuerySet[Hazard]:
        return qs.filter(responsible_id=getattr(self.user, "pk", None)) if value == "1" else qs


class InspectionFilterSet(ListFilterSet):
    kind = django_filters.ChoiceFilter(choices=InspectionKind.choices)
    school = django_filters.NumberFilter(field_name="school_id")

    class Meta:
        model = Inspection
        fields: list[str] = []


class DeviceFilterSet(ListFilterSet):
    kind = django_filters.ChoiceFilter(choices=DeviceKind.choices)
    online = _yes_no("is_online")
    township = django_filters.NumberFilter(field_name="school__township_id")
    q = _contains("serial", "school__name")

    class Meta:
        model = Device
        fields: list[str] = []


class RiskFilterSet(ListFilterSet):
    status = django_filters.ChoiceFilter(choices=RiskStatus.choices)
    category = django_filters.ChoiceFilter(choices=RiskCategory.choices)

    class Meta:
        model = RiskReport
        fields: list[str] = []
