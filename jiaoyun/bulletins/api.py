"""/api/bulletins: the issued 督查通报 (content as archived) and the decisions a user follows (scoped)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Router, Schema
from ninja.errors import HttpError

from jiaoyun.bulletins import selectors
from jiaoyun.bulletins.models import SupervisionBulletin
from jiaoyun.core.types import AuthedRequest

router = Router(tags=["督查通报"])


class SupervisionBulletinOut(Schema):
    id: int
    month: dt.date
    status: str
    number: str
    content_sha256: str
    pdf_sha256: str


class BulletinDecisionOut(Schema):
    id: int
    bulletin_id: int
    addressee_kind: str
    addressee_name: str
    matter_label: str
    kind: str
    level: int
    deadline: dt.date
    report_to: str
    state: str
    went_overdue: bool


@router.get("/", response=list[SupervisionBulletinOut], url_name="supervision_bulletins")
def supervision_bulletins(request: AuthedRequest) -> Any:
    return list(selectors.bulletin_list(user=request.user))


@router.get("/{bulletin_id}/content", url_name="supervision_bulletin_content")
def supervision_bulletin_content(request: AuthedRequest, bulletin_id: int) -> Any:
    try:
        return selectors.bulletin_get(user=request.user, bulletin_id=bulletin_id).content
    except SupervisionBulletin.DoesNotExist:
        raise HttpError(404, "通报不存在")


@router.get("/decisions", response=list[BulletinDecisionOut], url_name="bulletin_decisions")
def bulletin_decisions(request: AuthedRequest, state: str = "") -> Any:
    return list(selectors.decision_list(user=request.user, filters={"state": state})[:500])
