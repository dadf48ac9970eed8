"""JSON API under /api/standards: the same selectors, scope and permissions as the pages."""

from __future__ import annotations

from typing import Any

from ninja import Router, Schema

from jiaoyun.core.errors import PermissionDenied
from jiaoyun.core.types import AuthedRequest
from jiaoyun.standards import balance as B
from jiaoyun.standards import selectors
from jiaoyun.standards.permissions import can_read

router = Router(tags=["standards"])


class SchoolBalanceOut(Schema):
    school_id: int
    school: str
    township: str
    part: str
    pupils: int
    values: dict[str, float]
    met_count: int
    passes: bool
    reason: str


class ApplicationOut(Schema):
    id: int
    school_id: int
    school: str
    year: int
    level: str
    status: str


def _read(request: AuthedRequest) -> None:
    if not can_read(request.user):
        raise PermissionDenied("无权查看办学标准与均衡数据")


def _year(year: int | None) -> int:
    return year or selectors.latest_year() or 0


@router.get("/balance/summary", summary="优质均衡汇总：各学段参评学校、达标学校、各项差异系数")
def standards_balance_summary(request: AuthedRequest, year: int | None = None) -> dict[str, Any]:
    _read(request)
    y = _year(year)
    return {"year": y, **selectors.balance_summary(year=y)}


@router.get("/balance/schools", response=list[SchoolBalanceOut], summary="各校资源配置指标（按数据范围）")
def standards_balance_schools(request: AuthedRequest, year: int | None = None) -> list[dict[str, Any]]:
    _read(request)
    data = selectors.balance(year=_year(year), user=request.user)
    return [
        {"school_id": s.row.school_id, "school": s.row.name, "township": s.row.township, "part": s.row.part,
         "pupils": s.row.pupils, "values": {c: round(s.values[c], 4) for c in B.CODES}, "met_count": s.met_count,
         "passes": s.passes, "reason": s.reason}
        for part in ("primary", "junior") for s in data.schools(part)
    ]  # fmt: skip


@router.get("/demonstration", response=list[ApplicationOut], summary="示范校创建学校（按数据范围）")
def standards_demonstration(request: AuthedRequest, year: int | None = None) -> list[dict[str, Any]]:
    _read(request)
    return [
        {"id": a.pk, "school_id": a.school_id, "school": a.school.name, "year": a.year, "level": a.level,
         "status": a.status}
        for a in selectors.applications(user=request.user, year=year)
    ]  # fmt: skip
