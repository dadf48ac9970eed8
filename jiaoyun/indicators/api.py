"""``GET /api/indicators``: stored indicator figures with targets and status."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from ninja import Router, Schema

from jiaoyun.areas.models import Area
from jiaoyun.core.errors import DomainError
from jiaoyun.core.schoolyear import SchoolYear
from jiaoyun.indicators.definitions import indicator
from jiaoyun.indicators.selectors import indicator_rows
from jiaoyun.schools.models import School

router = Router(tags=["indicators"])


class IndicatorOut(Schema):
    code: str
    name: str
    level: str
    area: str
    area_id: int | None
    school_id: int | None
    year: int
    as_of: str | None
    value: float | None
    numerator: float
    denominator: float
    unit: str
    target: float | None
    status: str | None
    status_label: str
    gap: int | None
    city: float | None
    national: float | None
    extra: float | None = None
    extra_text: str = ""
    flow_end: str | None = None
    period: str = ""


@router.get("", response=list[IndicatorOut], summary="指标值（含目标与达标状态）")
def indicators_list(
    request: HttpRequest,
    year: int | None = None,
    area: str | None = None,
    school: str | None = None,
    code: str | None = None,
    as_of: dt.date | None = None,
) -> list[dict[str, object]]:
    """``area`` is a 区划代码 (default: the county), ``school`` a 学校标识码; figures are aggregates."""
    sy = year or SchoolYear.current().start_year
    codes = [indicator(code).code] if code else None
    school_obj = None
    area_obj = None
    if school:
        school_obj = School.objects.filter(code=school).first()
        if school_obj is None:
            raise DomainError(f"找不到学校标识码为“{school}”的学校", field="school")
    else:
        area_obj = Area.objects.filter(code=area).first() if area else Area.objects.filter(level="county").first()
        if area_obj is None:
            raise DomainError(f"找不到区划代码为“{area}”的区域", field="area")
    rows = indicator_rows(year=sy, area=area_obj, school=school_obj, codes=codes, as_of=as_of)
    return [r.as_dict() for r in rows]
