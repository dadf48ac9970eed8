"""The list filters of the teachers pages and API (one FilterSet per list; see ``jiaoyun.core.filtersets``).

The parameter names are those the pages' filter forms and the API have always used: ``township`` (an area
id), ``q`` (a name fragment), ``gap`` (``short``/``over``), ``subject``, ``stage`` (1–4 or ``none``),
``status``, ``backbone`` (``1``), ``kind`` and ``principle``.
"""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import QuerySet

from jiaoyun.core.filtersets import ListFilterSet
from jiaoyun.people.choices import Subject
from jiaoyun.teachers.choices import MoveStatus, Principle, RecordKind, Stage
from jiaoyun.teachers.models import Application, EthicsRecord, QuotaSnapshot, RotationMove, SubjectGap

TRUE_VALUES = ("1", "true")


class _SchoolGapFilters(ListFilterSet):
    """A staffing list of schools: by township, school name and shortage."""

    township = django_filters.NumberFilter(field_name="school__township_id")
    q = django_filters.CharFilter(field_name="school__name", lookup_expr="icontains")


class QuotaFilters(_SchoolGapFilters):
    gap = django_filters.ChoiceFilter(choices=[("short", "缺编"), ("over", "超编")], method="filter_gap")

    class Meta:
        model = QuotaSnapshot
        fields: list[str] = []

    def filter_gap(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        return queryset.filter(gap__gt=0) if value == "short" else queryset.filter(gap__lt=0)


class SubjectGapFilters(_SchoolGapFilters):
    subject = django_filters.ChoiceFilter(choices=Subject.choices)
    gap = django_filters.ChoiceFilter(choices=[("short", "缺口")], method="filter_gap")

    class Meta:
        model = SubjectGap
        fields: list[str] = []

    def filter_gap(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        return queryset.filter(gap__gt=0)


class ApplicationFilters(ListFilterSet):
    subject = django_filters.ChoiceFilter(choices=Subject.choices)
    stage = django_filters.ChoiceFilter(
        choices=[("none", "尚未安置"), *((str(v), label) for v, label in Stage.choices)], method="filter_stage"
    )
    q = django_filters.CharFilter(field_name="teacher__name", lookup_expr="icontains")

    class Meta:
        model = Application
        fields: list[str] = []

    def filter_stage(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        return queryset.filter(stage__isnull=True) if value == "none" else queryset.filter(stage=int(value))


class MoveFilters(ListFilterSet):
    status = django_filters.ChoiceFilter(choices=MoveStatus.choices)
    subject = django_filters.ChoiceFilter(choices=Subject.choices)
    backbone = django_filters.CharFilter(method="filter_backbone")

    class Meta:
        model = RotationMove
        fields: list[str] = []

    def filter_backbone(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        """Only 骨干 on ``1``/``true``; any other value shows everyone (as the page's checkbox always did)."""
        return queryset.filter(backbone=True) if str(value).lower() in TRUE_VALUES else queryset


class EthicsRecordFilters(ListFilterSet):
    kind = django_filters.ChoiceFilter(choices=RecordKind.choices)
    principle = django_filters.TypedChoiceFilter(choices=Principle.choices, coerce=int)
    q = django_filters.CharFilter(field_name="teacher__name", lookup_expr="icontains")

    class Meta:
        model = EthicsRecord
        fields: list[str] = []
