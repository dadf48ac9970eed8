"""``GET /api/indicators``: stored indicator figures with targets and status."""

from __future__ import annotations

from ninja import Query, Router

from jiaoyun.core.schoolyear import SchoolYear
from jiaoyun.core.types import AuthedRequest
from jiaoyun.indicators.definitions import indicator
from jiaoyun.indicators.schemas import IndicatorOut, IndicatorQuery
from jiaoyun.indicators.selectors import indicator_place, indicator_rows

router = Router(tags=["indicators"])


@router.get("", response=list[IndicatorOut], summary="指标值（含目标与达标状态）")
def indicators_list(request: AuthedRequest, query: Query[IndicatorQuery]) -> list[dict[str, object]]:
    """``area`` is a 区划代码 (default: the county), ``school`` a 学校标识码; figures are aggregates."""
    year = SchoolYear(query.year) if query.year else SchoolYear.current()
    codes = [indicator(query.code).code] if query.code else None
    area, school = indicator_place(area_code=query.area, school_code=query.school)
    rows = indicator_rows(year=year, area=area, school=school, codes=codes, as_of=query.as_of)
    return [r.as_dict() for r in rows]
