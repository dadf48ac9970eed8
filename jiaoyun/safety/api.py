"""JSON API of the safety module (session auth; scope-filtered like the pages)."""

import datetime as dt
from typing import Any

from django.http import Http404
from ninja import File, Form, Query, Router, UploadedFile
from ninja.errors import HttpError
from ninja.pagination import paginate

from jiaoyun.core.errors import PermissionDenied
from jiaoyun.core.pagination import BoundedPageNumberPagination
from jiaoyun.core.types import AuthedRequest
from jiaoyun.safety import selectors, services
from jiaoyun.safety.models import Hazard
from jiaoyun.safety.permissions import can_read
from jiaoyun.safety.schemas import (
    CloseIn,
    ComplianceFilter,
    DeviceFilter,
    DeviceOut,
    HazardFilter,
    HazardOut,
    SnapshotOut,
    TownshipRateOut,
    VerifyIn,
)

router = Router(tags=["safety"])


def _read(request: AuthedRequest) -> None:
    if not can_read(request.user):
        raise PermissionDenied("无权查看平安校园数据")


@router.get("/compliance", response=list[SnapshotOut], summary="各校当前达标结果与差距")
@paginate(BoundedPageNumberPagination, page_size=50)
def compliance(request: AuthedRequest, filters: Query[ComplianceFilter]) -> Any:
    _read(request)
    return selectors.compliance_list(user=request.user, filters=filters.dict(exclude_none=True))


@router.get("/compliance/townships", response=list[TownshipRateOut], summary="各乡镇达标率（含三个100%）")
def compliance_townships(request: AuthedRequest) -> Any:
    _read(request)
    return selectors.compliance_by_township(user=request.user)["townships"]


@router.get("/hazards", response=list[HazardOut], summary="隐患列表")
@paginate(BoundedPageNumberPagination, page_size=50)
def hazards(request: AuthedRequest, filters: Query[HazardFilter]) -> Any:
    _read(request)
    return selectors.hazard_list(user=request.user, filters=filters.dict(exclude_none=True))


def _hazard(request: AuthedRequest, hazard_id: int) -> Hazard:
    try:
        return selectors.hazard_get(user=request.user, hazard_id=hazard_id)
    except Http404:
        raise HttpError(404, "隐患不存在或不在您的数据范围内")


@router.post("/hazards/{hazard_id}/rectify", response=HazardOut, summary="提交整改（multipart：note + files）")
def hazard_rectify(request: AuthedRequest, hazard_id: int, note: Form[str], files: File[list[UploadedFile]]) -> Any:
    _read(request)
    return services.hazard_rectify(hazard=_hazard(request, hazard_id), actor=request.user, note=note, files=files)


@router.post("/hazards/{hazard_id}/verify", response=HazardOut, summary="复查（须由整改人以外的人员）")
def hazard_verify(request: AuthedRequest, hazard_id: int, payload: VerifyIn) -> Any:
    _read(request)
    return services.hazard_verify(
        hazard=_hazard(request, hazard_id), actor=request.user, passed=payload.passed, note=payload.note
    )


@router.post("/hazards/{hazard_id}/close", response=HazardOut, summary="销号（须复查通过）")
def hazard_close(request: AuthedRequest, hazard_id: int, payload: CloseIn) -> Any:
    _read(request)
    return services.hazard_close(hazard=_hazard(request, hazard_id), actor=request.user, note=payload.note)


@router.get("/devices", response=list[DeviceOut], summary="安防设备与在线状态")
@paginate(BoundedPageNumberPagination, page_size=50)
def devices(request: AuthedRequest, filters: Query[DeviceFilter]) -> Any:
    _read(request)
    return selectors.device_list(user=request.user, filters=filters.dict(exclude_none=True))


@router.get("/bulletin", summary="月度通报平安校园部分（全县，按乡镇）")
def bulletin(request: AuthedRequest, month: str) -> Any:
    _read(request)
    try:
        day = dt.date.fromisoformat(f"{month}-01")
    except ValueError:
        raise HttpError(400, "month 应为 YYYY-MM")
    return selectors.bulletin_section(month=day)
