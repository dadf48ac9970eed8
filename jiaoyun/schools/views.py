from __future__ import annotations

from django.http import Http404, HttpResponse
from django.utils.translation import gettext as _

from jiaoyun.core.schoolyear import SchoolYear
from jiaoyun.core.types import AuthedRequest
from jiaoyun.reports.export import Column
from jiaoyun.schools import selectors
from jiaoyun.schools.choices import Ownership, SchoolKind
from jiaoyun.schools.choices_in_scope import township_choices
from jiaoyun.schools.models import School
from jiaoyun.web.htmx import render_page
from jiaoyun.web.lists import ListPage

SCHOOL_COLUMNS = [
    Column("学校标识码", lambda s: s.code),
    Column("学校名称", lambda s: s.name),
    Column("办学类型", lambda s: s.get_kind_display()),
    Column("举办者类型", lambda s: s.get_ownership_display()),
    Column("所在乡镇", lambda s: s.township.name),
    Column("所在村（社区）", lambda s: s.village.name if s.village else ""),
    Column("城乡分类", lambda s: s.get_urban_rural_display()),
    Column("寄宿制", lambda s: s.boarding),
    Column("中心校", lambda s: s.is_central),
    Column("主校", lambda s: s.parent.name if s.parent else ""),
    Column("纬度", lambda s: s.latitude),
    Column("经度", lambda s: s.longitude),
    Column("在办", lambda s: s.is_active),
]


SCHOOL_LIST = ListPage(
    "schools/school_list.html", SCHOOL_COLUMNS, filename="学校", object_type="schools.School", personal=False
)


def school_list(request: AuthedRequest) -> HttpResponse:
    return SCHOOL_LIST(
        request,
        selectors.school_list(user=request.user, filters=request.GET),
        {
            "kinds": SchoolKind.choices,
            "ownerships": Ownership.choices,
            "townships": township_choices(request.user),
        },
    )


def school_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    try:
        school = selectors.school_get(user=request.user, school_id=pk)
    except School.DoesNotExist:
        raise Http404(_("学校不存在或不在您的数据范围内"))
    years = selectors.school_years(school=school)
    current = SchoolYear.current().start_year
    try:
        year = int(request.GET.get("year") or (current if current in years or not years else years[0]))
    except ValueError:
        year = current
    grades = selectors.school_grade_counts(user=request.user, school=school)
    return render_page(
        request,
        "schools/school_detail.html",
        {
            "school": school,
            "years": years,
            "year": year,
            "year_label": SchoolYear(year).label,
            "classes": selectors.school_classes(user=request.user, school=school, school_year=year),
            "grades": grades,
            "grade_total": sum(g["total"] for g in grades),
            "teachers": selectors.school_teacher_count(user=request.user, school=school),
            "branches": selectors.school_branches(user=request.user, school=school),
        },
    )
