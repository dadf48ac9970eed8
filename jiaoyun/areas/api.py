from functools import partial
from typing import Any

from ninja import Query, Router
from ninja.errors import HttpError
from ninja.pagination import paginate

from jiaoyun.areas import selectors
from jiaoyun.areas.choices import PopulationSource
from jiaoyun.areas.models import Area
from jiaoyun.areas.schemas import AreaFilter, AreaOut, PopulationOut, PopulationRowOut
from jiaoyun.core.pagination import BoundedPageNumberPagination
from jiaoyun.core.types import AuthedRequest
from jiaoyun.web.lists import api_object

router = Router(tags=["areas"])


def _get(request: AuthedRequest, area_id: int) -> Area:
    fetch = partial(selectors.area_get, user=request.user, area_id=area_id)
    return api_object(fetch, missing=Area.DoesNotExist, message="区域不存在或不在您的数据范围内")


@router.get("/", response=list[AreaOut], summary="区域列表")
@paginate(BoundedPageNumberPagination, page_size=50)
def area_list(request: AuthedRequest, filters: Query[AreaFilter]) -> Any:
    return selectors.area_list(user=request.user, filters=filters.dict(exclude_none=True))


@router.get("/{area_id}", response=AreaOut, summary="区域详情")
def area_detail(request: AuthedRequest, area_id: int) -> Any:
    return _get(request, area_id)


@router.get("/{area_id}/population", response=PopulationOut, summary="分年龄、性别人口")
def area_population(request: AuthedRequest, area_id: int, year: int, source: str = PopulationSource.HUKOU) -> Any:
    area = _get(request, area_id)
    if source not in PopulationSource.values:
        raise HttpError(400, f"未知口径{source!r}，应为 hukou 或 resident")
    rows = selectors.population_by_age(user=request.user, area=area, year=year, source=source)
    return PopulationOut(
        area_id=area.pk,
        year=year,
        source=source,
        rows=[PopulationRowOut(age=r.age, male=r.male, female=r.female, total=r.total) for r in rows],
    )
