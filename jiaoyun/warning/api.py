"""/api/warning: the flagged pupils in scope, a pupil's risk, follow-ups, the model record (scope-filtered)."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from ninja import Router, Schema
from ninja.errors import HttpError
from ninja.pagination import paginate

from jiaoyun.core.api_audit import audited_list
from jiaoyun.core.errors import DomainError, PermissionDenied
from jiaoyun.core.types import AuthedRequest
from jiaoyun.warning import explain, selectors, services
from jiaoyun.warning.models import RiskScore

router = Router(tags=["warning"])


class RiskOut(Schema):
    id: int
    student_id: int
    student_name: str
    on: str
    risk: float
    rank: int
    flagged: bool
    trend: str
    factors: list[str]
    school: str
    school_class: str


class FollowupOut(Schema):
    id: int
    student_id: int
    student_name: str
    reason: str
    status: str
    opened_on: str
    deadline: str
    responsible: str


class FeedbackIn(Schema):
    status: str
    note: str = ""


def _check(request: AuthedRequest) -> None:
    if not selectors.may_view(request.user):
        raise HttpError(403, "辍学预警仅对县、乡镇、学校和班主任开放")


def _risk(s: RiskScore, sensitive: bool) -> dict[str, Any]:
    return {
        "id": s.pk, "student_id": s.student_id, "student_name": s.student.name, "on": s.on.isoformat(),
        "risk": s.risk, "rank": s.rank, "flagged": s.flagged, "trend": s.trend,
        "factors": explain.masked(s.factors, may_see_sensitive=sensitive),
        "school": s.school.name if s.school else "", "school_class": str(s.school_class) if s.school_class else "",
    }  # fmt: skip


def _followup(f: Any) -> dict[str, Any]:
    return {"id": f.pk, "student_id": f.student_id, "student_name": f.student.name, "reason": f.reason, "status": f.status, "opened_on": f.opened_on.isoformat(),
            "deadline": f.deadline.isoformat(), "responsible": f.responsible_name}  # fmt: skip


@router.get("/risks", response=list[RiskOut])
@audited_list(RiskScore)
@paginate
def warning_risks(request: AuthedRequest) -> Any:
    _check(request)
    day = selectors.latest_day()
    if day is None:
        return []
    sensitive = selectors.may_see_sensitive(request.user)
    return [_risk(s, sensitive) for s in selectors.scores(user=request.user, on=day)]


@router.get("/pupils/{student_id}", response=list[RiskOut])
def warning_pupil(request: AuthedRequest, student_id: int) -> Any:
    _check(request)
    student = selectors.student_get(user=request.user, student_id=student_id)
    if student is None:
        raise HttpError(404, "该学生不存在，或不在您的数据范围内")
    sensitive = selectors.may_see_sensitive(request.user)
    return [_risk(s, sensitive) for s in selectors.student_scores(student=student)]


@router.get("/followups", response=list[FollowupOut])
@paginate
def warning_followups(request: AuthedRequest) -> Any:
    _check(request)
    return [_followup(f) for f in selectors.followups_open(user=request.user)]


@router.post("/risks/{score_id}/followup", response=FollowupOut)
def warning_followup_open(request: AuthedRequest, score_id: int) -> Any:
    _check(request)
    score = selectors.score_get(user=request.user, pk=score_id)
    if score is None:
        raise HttpError(404, "该预警不存在，或不在您的数据范围内")
    try:
        return _followup(services.followup_open(actor=request.user, score=score, on=timezone.localdate()))
    except PermissionDenied as exc:
        raise HttpError(403, str(exc)) from exc
    except DomainError as exc:
        raise HttpError(400, str(exc)) from exc


@router.post("/followups/{followup_id}/feedback", response=FollowupOut)
def warning_followup_feedback(request: AuthedRequest, followup_id: int, data: FeedbackIn) -> Any:
    _check(request)
    f = selectors.followup_get(user=request.user, pk=followup_id)
    if f is None:
        raise HttpError(404, "该跟进不存在，或不在您的数据范围内")
    try:
        f = services.followup_feedback(actor=request.user, followup=f, status=data.status, note=data.note,
                                       on=timezone.localdate())  # fmt: skip
    except PermissionDenied as exc:
        raise HttpError(403, str(exc)) from exc
    except DomainError as exc:
        raise HttpError(400, str(exc)) from exc
    return _followup(f)


@router.get("/evaluation")
def warning_evaluation(request: AuthedRequest) -> Any:
    """The model versions with their figures (numbers only, no child named)."""
    _check(request)
    return [
        {"id": v.pk, "kind": v.kind, "data_from": v.data_from, "data_to": v.data_to, "gate_passed": v.gate_passed,
         "gate_reason": v.gate_reason, "in_use": v.in_use, "sha256": v.sha256,
         "summary": {m: {k: x.get(k) for k in ("mean_auc", "mean_recall", "mean_precision", "ece")}
                     for m, x in (v.figures or {}).get("summary", {}).items()}}
        for v in selectors.versions()
    ]  # fmt: skip
