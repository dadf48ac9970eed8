from functools import partial
from typing import Any

from ninja import Query, Router
from ninja.pagination import paginate

from jiaoyun.core.pagination import BoundedPageNumberPagination
from jiaoyun.core.schoolyear import SchoolYear
from jiaoyun.core.types import AuthedRequest
from jiaoyun.schools import selectors
from jiaoyun.schools.models import School
from jiaoyun.schools.schemas import ClassOut, GradeCountOut, SchoolDetailOut, SchoolFilter, SchoolOut
from jiaoyun.web.lists import api_object

router = Router(tags=["schools"])


def _get(request: AuthedRequest, school_id: int) -> School:
    fetch = partial(selectors.school_get, user=request.user, school_id=school_id)
    return api_object(fetch, missing=School.DoesNotExist, message="学校不存在或不在您的数据范围内")


@router.get("/", response=list[SchoolOut], summary="学校列表")
@paginate(BoundedPageNumberPagination, page_size=50)
def school_list(request: AuthedRequest, filters: Query[SchoolFilter]) -> Any:
    return selectors.school_list(user=request.user, filters=filters.dict(exclude_none=True))


@router.get("/{school_id}", response=SchoolDetailOut, summary="学校详情（分年级在校生、教职工数、教学点）")
def school_detail(request: AuthedRequest, school_id: int) -> Any:
    school = _get(request, school_id)
    grades = selectors.school_grade_counts(user=request.user, school=school)
    school.teachers_count = selectors.school_teacher_count(user=request.user, school=school)  # type: ignore[attr-defined]
    school.grade_counts = [  # type: ignore[attr-defined]
        GradeCountOut(grade=g["current_grade"], male=g["male"], female=g["female"], total=g["total"]) for g in grades
    ]
    school.branch_ids = list(  # type: ignore[attr-defined]
        selectors.school_branches(user=request.user, school=school).values_list("id", flat=True)
    )
    return school


@router.get("/{school_id}/classes", response=list[ClassOut], summary="学校某学年的班级")
def school_classes(request: AuthedRequest, school_id: int, school_year: int | None = None) -> Any:
    school = _get(request, school_id)
    year = school_year or SchoolYear.current().start_year
    return list(selectors.school_classes(user=request.user, school=school, school_year=year))
