"""JSON API of the quality module (session auth; scope-filtered like the pages)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Query, Router, Schema
from ninja.pagination import paginate

from jiaoyun.core.errors import PermissionDenied
from jiaoyun.core.pagination import BoundedPageNumberPagination
from jiaoyun.core.types import AuthedRequest
from jiaoyun.quality import permissions as P
from jiaoyun.quality import selectors as sel

router = Router(tags=["quality"])


class PortfolioOut(Schema):
    id: int
    student: str
    school: str
    school_class: str
    term: str
    state: str
    state_label: str
    archive_sha256: str

    @staticmethod
    def resolve_student(obj: Any) -> str:
        return str(obj.student.name)

    @staticmethod
    def resolve_school(obj: Any) -> str:
        return str(obj.school.name)

    @staticmethod
    def resolve_school_class(obj: Any) -> str:
        return str(obj.school_class or "")

    @staticmethod
    def resolve_term(obj: Any) -> str:
        return str(obj.term)

    @staticmethod
    def resolve_state_label(obj: Any) -> str:
        return str(obj.get_state_display())


class RateOut(Schema):
    key: int | None
    label: str
    members: int
    holders: int
    rate: float | None
    target: float | None


class CertificateOut(Schema):
    id: int
    student: str
    name: str
    level: str
    organisation: str
    issued_on: dt.date
    number: str
    revoked: bool

    @staticmethod
    def resolve_student(obj: Any) -> str:
        return str(obj.student.name)


def _rate(r: sel.Rate) -> dict[str, Any]:
    return {"key": r.key, "label": r.label, "members": r.members, "holders": r.holders, "rate": r.rate,
            "target": float(r.target) if r.target is not None else None}  # fmt: skip


@router.get("/portfolios", response=list[PortfolioOut], summary="综合素质评价（按数据范围；学生仅本人）")
@paginate(BoundedPageNumberPagination, page_size=50)
def quality_portfolios(request: AuthedRequest, term: int | None = None) -> Any:
    if not P.can_view_evaluation(request.user):
        raise PermissionDenied("无权查看综合素质评价")
    qs = sel.portfolios(request.user).order_by("-term__school_year", "-term__term", "student__name")
    return qs.filter(term_id=term) if term else qs


@router.get("/holding", response=list[RateOut], summary="1+X持证率：某届各专业（对照目标）")
def quality_holding(request: AuthedRequest, year: int) -> Any:
    if not P.can_view_quality(request.user):
        raise PermissionDenied("无权查看1+X持证率")
    return [_rate(r) for r in sel.holding_by_major(request.user, year=year)]


@router.get("/holding/years", response=list[RateOut], summary="1+X持证率：历届")
def quality_holding_years(request: AuthedRequest) -> Any:
    if not P.can_view_quality(request.user):
        raise PermissionDenied("无权查看1+X持证率")
    return [_rate(r) for r in sel.holding_by_year(request.user)]


@router.get("/certificates", response=list[CertificateOut], summary="1+X证书（按数据范围）")
@paginate(BoundedPageNumberPagination, page_size=50)
def quality_certificates(request: AuthedRequest) -> Any:
    if not P.can_view_quality(request.user):
        raise PermissionDenied("无权查看1+X证书")
    return sel.certificates(request.user).select_related("student")


@router.get("/competitions/figures", response=dict[str, list[dict[str, Any]]], summary="竞赛获奖：各校、各乡镇")
def quality_competition_figures(request: AuthedRequest, year: int = Query(..., ge=1949, le=2100)) -> Any:
    if not P.can_view_quality(request.user):
        raise PermissionDenied("无权查看竞赛")
    return sel.competition_figures(request.user, year=year)


@router.get("/progression", response=list[dict[str, Any]], summary="中职毕业生去向（各届人数与比例）")
def quality_progression(request: AuthedRequest) -> Any:
    if not P.can_view_quality(request.user):
        raise PermissionDenied("无权查看毕业生去向")
    return sel.progression_figures(request.user)
