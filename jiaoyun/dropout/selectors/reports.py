"""学校月报告, 季度复核 and the monthly 通报."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.db.models import Exists, OuterRef, QuerySet
from django.db.models.fields.json import KT

from jiaoyun.core.choices import ScopeLevel
from jiaoyun.core.filtersets import filter_by
from jiaoyun.core.scope import school_q, scope_for
from jiaoyun.core.types import User
from jiaoyun.dropout.filters import MissingReportFilter, MonthlyReportFilter, month_start
from jiaoyun.dropout.models import Bulletin, QuarterlyReview, SchoolMonthlyReport
from jiaoyun.schools.choices import SchoolKind
from jiaoyun.schools.models import School

# Schools with compulsory-stage pupils: the ones 一月一报告 applies to.
# A 教学点 is reported by its parent school.
REPORTING_KINDS = (
    SchoolKind.PRIMARY,
    SchoolKind.JUNIOR,
    SchoolKind.NINE_YEAR,
    SchoolKind.COMPLETE_SECONDARY,
    SchoolKind.SPECIAL,
)


def bulletin_list(*, user: User) -> QuerySet[Bulletin]:
    if scope_for(user).level == ScopeLevel.NONE:
        return Bulletin.objects.none()
    return (
        Bulletin.objects.defer("pdf", "xlsx", "figures")
        .annotate(number=KT("figures__document__number"))
        .order_by("-month")
    )


def bulletin_months(*, user: User, months: list[dt.date]) -> dict[dt.date, Bulletin]:
    """month → the archived bulletin, for the months offered by the generate form (with its ``number``)."""
    return {b.month: b for b in bulletin_list(user=user).filter(month__in=months)}


def bulletin_get(*, user: User, bulletin_id: int) -> Bulletin:
    if scope_for(user).level == ScopeLevel.NONE:
        raise Bulletin.DoesNotExist
    return Bulletin.objects.get(pk=bulletin_id)


def monthly_report_list(*, user: User, filters: Mapping[str, Any] | None = None) -> QuerySet[SchoolMonthlyReport]:
    """学校月报告 within scope; filters: ``month`` (YYYY-MM), ``township``, ``school``, ``still_out`` (有未返校)."""
    qs = SchoolMonthlyReport.objects.filter(school_q(user, prefix="school__")).select_related(
        "school", "school__township", "submitted_by"
    )
    return filter_by(MonthlyReportFilter, filters, qs).order_by("-month", "school__township__sort", "school__code")


def monthly_report_missing(*, user: User, filters: Mapping[str, Any]) -> QuerySet[School] | None:
    """Schools within scope (and the township/school filters) with no report for the filtered month; None when
    no month is chosen. 一月一报告: every active primary or junior school reports each month."""
    month = month_start(filters.get("month", ""))
    if month is None:
        return None
    qs = School.objects.filter(school_q(user), is_active=True).exclude(
        Exists(SchoolMonthlyReport.objects.filter(school=OuterRef("pk"), month=month))
    )
    qs = filter_by(MissingReportFilter, filters, qs.filter(kind__in=REPORTING_KINDS))
    return qs.select_related("township").order_by("township__sort", "code")


def review_list(*, user: User) -> QuerySet[QuarterlyReview]:
    return QuarterlyReview.objects.filter(school_q(user, prefix="school__")).select_related("school", "reviewed_by")
