from __future__ import annotations

from django.http import Http404, HttpResponse
from django.utils.translation import gettext as _

from jiaoyun.areas import selectors
from jiaoyun.areas.choices import AreaLevel, PopulationSource, UrbanRural
from jiaoyun.areas.models import Area
from jiaoyun.core.types import AuthedRequest
from jiaoyun.reports.export import Column, export_response, wants_export
from jiaoyun.schools.choices_in_scope import township_choices
from jiaoyun.web.htmx import render_page
from jiaoyun.web.lists import ListPage

AREA_COLUMNS = [
    Column("区划代码", lambda a: a.code),
    Column("名称", lambda a: a.name),
    Column("层级", lambda a: a.get_level_display()),
    Column("上级", lambda a: a.parent.name if a.parent else ""),
    Column("城乡分类", lambda a: a.get_urban_rural_display()),
    Column("县城所在地", lambda a: a.is_seat),
]


AREA_LIST = ListPage("areas/area_list.html", AREA_COLUMNS, filename="区域", object_type="areas.Area", personal=False)


def area_list(request: AuthedRequest) -> HttpResponse:
    return AREA_LIST(
        request,
        selectors.area_list(user=request.user, filters=request.GET),
        {
            "levels": [c for c in AreaLevel.choices if c[0] != AreaLevel.COUNTY],
            "townships": township_choices(request.user),
            "urban_rural": UrbanRural.choices,
        },
    )


def area_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    try:
        area = selectors.area_get(user=request.user, area_id=pk)
    except Area.DoesNotExist:
        raise Http404(_("区域不存在或不在您的数据范围内"))
    years = selectors.population_years(user=request.user, area=area)
    try:
        year = int(request.GET.get("year") or (years[0] if years else 0))
    except ValueError:
        year = years[0] if years else 0
    source = request.GET.get("source") or PopulationSource.HUKOU
    if source not in PopulationSource.values:
        source = PopulationSource.HUKOU
    rows = selectors.population_by_age(user=request.user, area=area, year=year, source=source) if year else []
    if wants_export(request):
        columns = [
            Column("年龄（周岁）", lambda r: r.age),
            Column("男", lambda r: r.male),
            Column("女", lambda r: r.female),
            Column("合计", lambda r: r.total),
        ]
        return export_response(
            request,
            rows=rows,
            columns=columns,
            filename=f"{area.name}{year}年分年龄人口",
            object_type="areas.PopulationCell",
            personal=False,
        )
    totals = {
        "male": sum(r.male for r in rows),
        "female": sum(r.female for r in rows),
        "total": sum(r.total for r in rows),
    }
    return render_page(
        request,
        "areas/area_detail.html",
        {
            "area": area,
            "children": selectors.area_children(user=request.user, area=area),
            "years": years,
            "year": year,
            "source": source,
            "sources": PopulationSource.choices,
            "rows": rows,
            "totals": totals,
        },
    )
