"""/api/dropout: ledgers, cases and their transitions, statistics and bulletins (scope-filtered)."""

from typing import Any

from django.shortcuts import get_object_or_404
from ninja import Query, Router
from ninja.errors import HttpError
from ninja.pagination import paginate

from jiaoyun.core.api_audit import audited_list
from jiaoyun.core.errors import PermissionDenied
from jiaoyun.core.types import AuthedRequest
from jiaoyun.dropout import selectors, services
from jiaoyun.dropout.models import DropoutCase
from jiaoyun.dropout.permissions import is_county
from jiaoyun.dropout.schemas import (
    AdvanceIn,
    AttemptIn,
    AttemptOut,
    BulletinOut,
    CaseDetailOut,
    CaseFilters,
    CaseOut,
    CaseVerifyIn,
    JobOut,
    ReturnIn,
    SimpleIn,
    StartIn,
)
from jiaoyun.schools.models import School

router = Router(tags=["dropout"])


def _out(c: DropoutCase) -> dict[str, Any]:
    return {
        "id": c.pk,
        "student_id": c.student_id,
        "student_name": c.student.name,
        "kind": c.kind,
        "status": c.status,
        "status_label": c.get_status_display(),
        "township": c.township.name if c.township else None,
        "village": c.village.name if c.village else None,
        "school": c.school.name if c.school else None,
        "reason": c.reason,
        "stage": c.stage,
        "placement": c.placement,
        "priority": c.priority,
        "detected_on": c.detected_on,
        "verified_on": c.verified_on,
        "returned_on": c.returned_on,
        "closed_on": c.closed_on,
    }


@router.get("/cases", response=list[CaseOut])
@audited_list(DropoutCase)
@paginate
def list_cases(request: AuthedRequest, filters: Query[CaseFilters]) -> Any:
    return [_out(c) for c in selectors.case_list(user=request.user, filters=filters.dict(exclude_none=True))]


def _case(request: AuthedRequest, case_id: int) -> DropoutCase:
    return get_object_or_404(selectors.case_list(user=request.user), pk=case_id)


def _detail(request: AuthedRequest, case_id: int) -> dict[str, Any]:
    t = selectors.case_timeline(user=request.user, case_id=case_id)
    return {
        **_out(t.case),
        "steps": t.steps,
        "events": t.events,
        "attempts": t.attempts,
        "responsibles": [
            {"line": line, "level": label, "name": r.name if r else None}
            for line, levels in t.responsibles.items()
            for label, r in levels
        ],
    }


@router.get("/cases/{case_id}", response=CaseDetailOut)
def get_case(request: AuthedRequest, case_id: int) -> Any:
    _case(request, case_id)
    return _detail(request, case_id)


@router.post("/cases/{case_id}/verify", response=CaseDetailOut)
def verify(request: AuthedRequest, case_id: int, payload: CaseVerifyIn) -> Any:
    services.case_verify(actor=request.user, case=_case(request, case_id), **payload.dict())
    return _detail(request, case_id)


@router.post("/cases/{case_id}/start", response=CaseDetailOut)
def start(request: AuthedRequest, case_id: int, payload: StartIn) -> Any:
    services.case_start_return(actor=request.user, case=_case(request, case_id), **payload.dict())
    return _detail(request, case_id)


@router.post("/cases/{case_id}/advance", response=CaseDetailOut)
def advance(request: AuthedRequest, case_id: int, payload: AdvanceIn) -> Any:
    services.case_step_advance(actor=request.user, case=_case(request, case_id), **payload.dict())
    return _detail(request, case_id)


@router.post("/cases/{case_id}/attempts", response=AttemptOut)
def attempt(request: AuthedRequest, case_id: int, payload: AttemptIn) -> Any:
    return services.case_attempt_log(actor=request.user, case=_case(request, case_id), **payload.dict())


@router.post("/cases/{case_id}/return", response=CaseDetailOut)
def return_(request: AuthedRequest, case_id: int, payload: ReturnIn) -> Any:
    data = payload.dict()
    school_id = data.pop("school_id")
    school = get_object_or_404(School, pk=school_id) if school_id else None
    services.case_return(actor=request.user, case=_case(request, case_id), school=school, **data)
    return _detail(request, case_id)


@router.post("/cases/{case_id}/observe", response=CaseDetailOut)
def observe(request: AuthedRequest, case_id: int, payload: SimpleIn) -> Any:
    services.case_observe_start(actor=request.user, case=_case(request, case_id), **payload.dict())
    return _detail(request, case_id)


@router.post("/cases/{case_id}/reopen", response=CaseDetailOut)
def reopen(request: AuthedRequest, case_id: int, payload: SimpleIn) -> Any:
    services.case_reopen(actor=request.user, case=_case(request, case_id), **payload.dict())
    return _detail(request, case_id)


@router.post("/cases/{case_id}/close", response=CaseDetailOut)
def close(request: AuthedRequest, case_id: int, payload: SimpleIn) -> Any:
    services.case_close(actor=request.user, case=_case(request, case_id), **payload.dict())
    return _detail(request, case_id)


@router.get("/stats")
def stats(request: AuthedRequest) -> Any:
    data = selectors.dashboard(user=request.user)
    return {"as_of": data["as_of"], "cards": data["cards"]}


@router.get("/bulletins", response=list[BulletinOut])
def bulletins(request: AuthedRequest) -> Any:
    return list(selectors.bulletin_list(user=request.user))


@router.get("/bulletins/{bulletin_id}/figures")
def bulletin_figures(request: AuthedRequest, bulletin_id: int) -> Any:
    from jiaoyun.dropout.models import Bulletin

    try:
        return selectors.bulletin_get(user=request.user, bulletin_id=bulletin_id).figures
    except Bulletin.DoesNotExist:
        raise HttpError(404, "通报不存在")


@router.post("/crossmatch", response=JobOut)
def crossmatch(request: AuthedRequest) -> Any:
    if not is_county(request.user):
        raise PermissionDenied("四查三比对由县教育体育局统一组织")
    from jiaoyun.dropout.tasks import crossmatch_task

    return {"task_id": str(crossmatch_task.enqueue(actor_id=request.user.pk).id)}
