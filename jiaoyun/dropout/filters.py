"""The list filters of the 控辍保学 pages and API: one FilterSet per list, applied by its selector after the scope.

The query parameter names are the ones the pages' filter forms and ``/api/dropout`` have always used. These
lists ignore a malformed value (``?born=abc``, ``?month=2021/9``, ``?school=x``): the list is not narrowed by
that parameter, as it was not before; an empty value is no filter (docs/adr/0022).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import django_filters
from django import forms
from django.db.models import Q, QuerySet
from django.utils import timezone

from jiaoyun.core.filtersets import ListFilterSet
from jiaoyun.dropout.choices import CONFIRMED_STATUSES, LEDGERS, OUTCOME_STATUS, CaseStatus, SpecialGroup
from jiaoyun.dropout.models import Absence, DropoutCase, HukouRecord, ResponsiblePerson, SchoolMonthlyReport
from jiaoyun.people.models import Student
from jiaoyun.schools.models import School

TRUE_VALUES = ("1", "true", True)  # the values a yes/no parameter (``overdue``) was ever given as "yes"


class LenientFilterSet(ListFilterSet):
    """Filters each valid parameter and ignores a malformed one (the hand-written parsers of these lists did)."""

    def filter_queryset(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        self.form.is_valid()  # fills cleaned_data with the valid parameters only
        for name, value in self.form.cleaned_data.items():
            queryset = self.filters[name].filter(queryset, value)
        return queryset


class NonZeroIntegerField(forms.IntegerField):
    """A whole number; 0 reads as no value (no id, level or year is 0)."""

    def to_python(self, value: Any) -> int | None:
        return super().to_python(value) or None


class IdFilter(django_filters.NumberFilter):
    """A whole number (an id, a level, a year); 0 is no filter."""

    field_class = NonZeroIntegerField


class RawFilter(django_filters.Filter):
    """A parameter passed to its ``method`` as given (a string from a page, any JSON value from the API)."""

    field_class = forms.Field


class MonthFilter(django_filters.Filter):
    """A month as ``YYYY-MM``, matched against a field holding the first day of the month."""

    field_class = forms.DateField

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("input_formats", ["%Y-%m"])
        super().__init__(*args, **kwargs)


def month_start(value: Any) -> dt.date | None:
    """The first day of the month ``value`` names (``YYYY-MM``); None when it names none."""
    try:
        return dt.datetime.strptime(str(value).strip(), "%Y-%m").date()  # noqa: DTZ007 (a date, no time of day)
    except ValueError:
        return None


def group_q(group: str, prefix: str = "") -> Q:
    """Special-group (重点人群) filter on a student (``prefix`` leads to Student); an unknown group is no filter."""
    p = prefix
    if group == SpecialGroup.POVERTY:
        return ~Q(**{f"{p}poverty": ""})
    if group == SpecialGroup.ORPHAN:
        return ~Q(**{f"{p}orphan": ""})
    if group == SpecialGroup.DISABILITY:
        return ~Q(**{f"{p}disability": ""})
    if group == SpecialGroup.LEFT_BEHIND:
        return Q(**{f"{p}left_behind": True})
    if group == SpecialGroup.MIGRANT:
        return Q(**{f"{p}migrant": True})
    return Q()


def overdue_q(as_of: dt.date) -> Q:
    """Cases in 劝返 with an open step past its deadline on ``as_of`` (join the steps: use ``distinct``)."""
    return Q(
        status=CaseStatus.RETURNING,
        steps__completed_on__isnull=True,
        steps__skipped=False,
        steps__deadline__lt=as_of,
    )


def still_out_q(on: dt.date) -> Q:
    """仍未返校 on ``on``: cases confirmed as 辍学/失学 by ``on`` (核实日期 on or before it, with a conclusion that
    calls for 劝返: not one of the 不需劝返 conclusions) and neither returned or placed (复学/安置日期) nor closed
    (销号日期) by then. The one definition of "current dropouts" (docs/figures.md): the 控辍保学 dashboard card, the
    辍学学生台账 ``still_out=1``, the monthly bulletin's 月末仍未返校 (``on`` = the month's last day) and
    ``dropout.selectors.current_dropouts_count`` all count with it."""
    no_return = [outcome for outcome, status in OUTCOME_STATUS.items() if status != CaseStatus.VERIFIED]
    return (
        Q(status__in=CONFIRMED_STATUSES, verified_on__lte=on)
        & ~Q(outcome__in=no_return)
        & (Q(returned_on__isnull=True) | Q(returned_on__gt=on))
        & (Q(closed_on__isnull=True) | Q(closed_on__gt=on))
    )


class CaseFilter(LenientFilterSet):
    """The case ledgers (page and ``GET /api/dropout/cases``)."""

    ledger = django_filters.CharFilter(method="filter_ledger")
    q = django_filters.CharFilter(field_name="student__name", lookup_expr="contains")
    township = IdFilter(field_name="township_id")
    village = IdFilter(method="filter_village")
    school = IdFilter(field_name="school_id")
    reason = django_filters.CharFilter(method="filter_reason", strip=False)
    status = django_filters.CharFilter(field_name="status", strip=False)
    kind = django_filters.CharFilter(field_name="kind", strip=False)
    group = django_filters.CharFilter(method="filter_group", strip=False)
    stage = RawFilter(method="filter_stage")
    overdue = RawFilter(method="filter_overdue")
    still_out = RawFilter(method="filter_still_out")

    class Meta:
        model = DropoutCase
        fields: list[str] = []

    def __init__(self, *args: Any, as_of: dt.date | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.as_of = as_of

    def filter_ledger(self, qs: QuerySet[DropoutCase], name: str, value: str) -> QuerySet[DropoutCase]:
        return qs.filter(status__in=LEDGERS[value][1]) if value in LEDGERS else qs

    def filter_village(self, qs: QuerySet[DropoutCase], name: str, value: int) -> QuerySet[DropoutCase]:
        return qs.filter(Q(village_id=value) | Q(student__residence_village_id=value))

    def filter_reason(self, qs: QuerySet[DropoutCase], name: str, value: str) -> QuerySet[DropoutCase]:
        return qs if value == "all" else qs.filter(reason=value)

    def filter_group(self, qs: QuerySet[DropoutCase], name: str, value: str) -> QuerySet[DropoutCase]:
        return qs.filter(group_q(value, "student__"))

    def filter_stage(self, qs: QuerySet[DropoutCase], name: str, value: Any) -> QuerySet[DropoutCase]:
        try:
            stage = int(value)
        except (TypeError, ValueError):
            stage = None  # a malformed stage matches the cases in no step (as it always did)
        return qs.filter(stage=stage)

    def filter_overdue(self, qs: QuerySet[DropoutCase], name: str, value: Any) -> QuerySet[DropoutCase]:
        if value not in TRUE_VALUES:
            return qs
        return qs.filter(overdue_q(self.as_of or timezone.localdate())).distinct()

    def filter_still_out(self, qs: QuerySet[DropoutCase], name: str, value: Any) -> QuerySet[DropoutCase]:
        if value not in TRUE_VALUES:
            return qs
        return qs.filter(still_out_q(self.as_of or timezone.localdate()))


class ChildFilter(LenientFilterSet):
    """适龄儿童台账."""

    q = django_filters.CharFilter(field_name="name", lookup_expr="contains")
    township = IdFilter(method="filter_township")
    village = IdFilter(method="filter_village")
    school = IdFilter(field_name="current_school_id")
    status = django_filters.CharFilter(field_name="status", strip=False)
    group = django_filters.CharFilter(method="filter_group", strip=False)

    class Meta:
        model = Student
        fields: list[str] = []

    def filter_township(self, qs: QuerySet[Student], name: str, value: int) -> QuerySet[Student]:
        return qs.filter(
            Q(hukou_village__parent_id=value)
            | Q(residence_village__parent_id=value)
            | Q(current_school__township_id=value)
        )

    def filter_village(self, qs: QuerySet[Student], name: str, value: int) -> QuerySet[Student]:
        return qs.filter(Q(hukou_village_id=value) | Q(residence_village_id=value))

    def filter_group(self, qs: QuerySet[Student], name: str, value: str) -> QuerySet[Student]:
        return qs.filter(group_q(value))


class MonthlyReportFilter(LenientFilterSet):
    """学校月报告: ``month`` (YYYY-MM), ``township``, ``school``, ``still_out`` (有未返校)."""

    month = MonthFilter(field_name="month")
    township = IdFilter(field_name="school__township_id")
    school = IdFilter(field_name="school_id")
    still_out = django_filters.CharFilter(method="filter_still_out", strip=False)

    class Meta:
        model = SchoolMonthlyReport
        fields: list[str] = []

    def filter_still_out(
        self, qs: QuerySet[SchoolMonthlyReport], name: str, value: str
    ) -> QuerySet[SchoolMonthlyReport]:
        return qs.filter(figures__still_out__gt=0)


class MissingReportFilter(LenientFilterSet):
    """The schools without a monthly report, narrowed by the same ``township`` and ``school`` as the reports."""

    township = IdFilter(field_name="township_id")
    school = IdFilter(field_name="pk")

    class Meta:
        model = School
        fields: list[str] = []


class ResponsibleFilter(LenientFilterSet):
    """包保责任人: ``line``, ``level``, ``township`` (its villages and schools included)."""

    line = django_filters.CharFilter(field_name="line", strip=False)
    level = IdFilter(field_name="level")
    township = IdFilter(method="filter_township")

    class Meta:
        model = ResponsiblePerson
        fields: list[str] = []

    def filter_township(self, qs: QuerySet[ResponsiblePerson], name: str, value: int) -> QuerySet[ResponsiblePerson]:
        return qs.filter(Q(area_id=value) | Q(area__parent_id=value) | Q(school__township_id=value))


class AbsenceFilter(LenientFilterSet):
    """缺勤登记: ``date`` (YYYY-MM-DD)."""

    date = django_filters.DateFilter(field_name="date", input_formats=["%Y-%m-%d"])

    class Meta:
        model = Absence
        fields: list[str] = []


class HukouFilter(LenientFilterSet):
    """户籍名册: ``q`` (姓名), ``township``, ``village``, ``matched`` (``yes``: linked to a 学籍 person, ``no``:
    not linked), ``poverty``, ``batch``, ``born`` (出生年份)."""

    q = django_filters.CharFilter(field_name="name", lookup_expr="contains")
    township = IdFilter(field_name="hukou_village__parent_id")
    village = IdFilter(field_name="hukou_village_id")
    matched = django_filters.CharFilter(method="filter_matched", strip=False)
    poverty = django_filters.CharFilter(field_name="poverty", strip=False)
    batch = django_filters.CharFilter(field_name="batch")
    born = IdFilter(field_name="birth_date", lookup_expr="year")

    class Meta:
        model = HukouRecord
        fields: list[str] = []

    def filter_matched(self, qs: QuerySet[HukouRecord], name: str, value: str) -> QuerySet[HukouRecord]:
        if value in ("yes", "no"):
            return qs.filter(student__isnull=value == "no")
        return qs
