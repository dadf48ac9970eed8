"""What the indicator pages and exports read besides the figures: places, school lists, targets and references,
the workbook of all figures."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from jiaoyun.areas.choices import AreaLevel
from jiaoyun.areas.models import Area
from jiaoyun.core.errors import DomainError
from jiaoyun.core.schoolyear import SchoolYear
from jiaoyun.core.scope import school_q
from jiaoyun.core.types import User
from jiaoyun.indicators.definitions import BY_CODE
from jiaoyun.indicators.models import IndicatorValue, Reference, Target
from jiaoyun.indicators.selectors.figures import Targets
from jiaoyun.indicators.selectors.values import indicator_rows, latest_as_of
from jiaoyun.schools.models import School


def county_get() -> Area | None:
    """The county, whose figures the dashboard shows."""
    return Area.objects.filter(level=AreaLevel.COUNTY).first()


def area_page_get(*, pk: int) -> Area | None:
    """A township or village whose figures a page shows."""
    return Area.objects.filter(pk=pk, level__in=(AreaLevel.TOWNSHIP, AreaLevel.VILLAGE)).first()


def school_page_get(*, pk: int) -> School | None:
    return School.objects.select_related("township").filter(pk=pk).first()


def school_visible(*, user: User, school: School) -> bool:
    """Whether the school is in the user's scope (its pupils' names may be listed)."""
    return School.objects.filter(school_q(user), pk=school.pk).exists()


def school_page_list(*, township: Area | None = None) -> QuerySet[School]:
    """The active schools of the county (or a township) for the schools' table of a page."""
    if township is None:
        return School.objects.filter(is_active=True).select_related("township")
    return School.objects.filter(township=township, is_active=True)


def reference_rows() -> list[tuple[str, Reference]]:
    """(indicator name, reference) of every recorded comparison value."""
    refs = Reference.objects.order_by("code", "scope", "-year").select_related("entered_by")
    return [(_name(r.code), r) for r in refs]


def target_rows() -> list[tuple[str, Target]]:
    """(indicator name, target) of every target set."""
    targets = Target.objects.select_related("area").order_by("code", "area__code", "school_year")
    return [(_name(t.code), t) for t in targets]


def _name(code: str) -> str:
    return BY_CODE[code].name if code in BY_CODE else code


FIGURE_HEADERS = [
    "指标代码", "指标", "区域/学校", "学年", "统计日", "值", "分子", "分母", "目标", "状态", "缺口", "保山市", "全国",
    "补充", "统计期间",
]  # fmt: skip


def figure_sheets(*, year: SchoolYear) -> list[tuple[str, list[str], list[list[Any]]]]:
    """All stored figures of a school year: county, townships, villages and schools, one sheet each."""
    as_of = latest_as_of(year=year)
    targets = Targets()
    sheets = []
    for level, title in IndicatorValue.AreaLevel.choices:
        rows = indicator_rows(year=year, level=level, as_of=as_of, targets=targets)
        data = [
            [
                r.code, r.indicator.name, r.name, year.label, r.as_of,
                None if r.value is None else round(r.value, 2), r.numerator, r.denominator,
                r.target, r.status_label, r.gap, r.city, r.national, r.extra_text, r.period_text,
            ]
            for r in rows
        ]  # fmt: skip
        sheets.append((str(title), FIGURE_HEADERS, data))
    return sheets


def indicator_place(*, area_code: str | None, school_code: str | None) -> tuple[Area | None, School | None]:
    """The area (by 区划代码, default the county) or school (by 学校标识码) whose figures the API lists."""
    if school_code:
        school = School.objects.filter(code=school_code).first()
        if school is None:
            raise DomainError(f"找不到学校标识码为“{school_code}”的学校", field="school")
        return None, school
    area = Area.objects.filter(code=area_code).first() if area_code else county_get()
    if area is None:
        raise DomainError(f"找不到区划代码为“{area_code}”的区域", field="area")
    return area, None
