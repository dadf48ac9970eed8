"""JSON API under /api/teachers: the same selectors, scope and filters as the pages."""

from typing import Any

from django.http import Http404
from ninja import Query, Router
from ninja.pagination import paginate

from jiaoyun.core.api_audit import audited_list
from jiaoyun.core.pagination import BoundedPageNumberPagination
from jiaoyun.core.types import AuthedRequest
from jiaoyun.teachers import selectors
from jiaoyun.teachers.models import Application, EthicsRecord, HiringRound, RotationMove
from jiaoyun.teachers.schemas import (
    ApplicationFilter,
    ApplicationOut,
    EthicsRecordFilter,
    EthicsRecordOut,
    GapFilter,
    GapOut,
    MoveFilter,
    MoveOut,
    QuotaFilter,
    QuotaOut,
    RoundOut,
)

router = Router(tags=["teachers"])


@router.get("/quotas", response=list[QuotaOut])
@paginate(BoundedPageNumberPagination, page_size=100)
def quotas(request: AuthedRequest, filters: Query[QuotaFilter], year: int | None = None) -> Any:
    year = year or selectors.quota_year()
    return selectors.quota_list(user=request.user, year=year, filters=filters.dict(exclude_none=True))


@router.get("/gaps", response=list[GapOut])
@paginate(BoundedPageNumberPagination, page_size=200)
def gaps(request: AuthedRequest, filters: Query[GapFilter], year: int | None = None) -> Any:
    year = year or selectors.quota_year()
    return selectors.subject_gap_list(user=request.user, year=year, filters=filters.dict(exclude_none=True))


@router.get("/rounds", response=list[RoundOut])
def rounds(request: AuthedRequest) -> Any:
    return selectors.round_list(user=request.user)


@router.get("/rounds/{round_id}/applications", response=list[ApplicationOut])
@audited_list(Application)
@paginate(BoundedPageNumberPagination, page_size=200)
def round_applications(request: AuthedRequest, round_id: int, filters: Query[ApplicationFilter]) -> Any:
    try:
        rnd = selectors.round_get(user=request.user, round_id=round_id)
    except HiringRound.DoesNotExist:
        raise Http404 from None
    return selectors.round_applications(user=request.user, round=rnd, filters=filters.dict(exclude_none=True))


@router.get("/rotation/{year}/moves", response=list[MoveOut])
@audited_list(RotationMove)
@paginate(BoundedPageNumberPagination, page_size=200)
def rotation_moves(request: AuthedRequest, year: int, filters: Query[MoveFilter]) -> Any:
    plan = selectors.rotation_plan_for(year=year)
    if plan is None:
        raise Http404
    return selectors.rotation_moves(user=request.user, plan=plan, filters=filters.dict(exclude_none=True))


@router.get("/ethics/records", response=list[EthicsRecordOut])
@audited_list(EthicsRecord)
@paginate(BoundedPageNumberPagination, page_size=100)
def ethics_records(request: AuthedRequest, filters: Query[EthicsRecordFilter]) -> Any:
    if not selectors.can_view_ethics(request.user):
        raise Http404
    return selectors.ethics_record_list(user=request.user, filters=filters.dict(exclude_none=True))
