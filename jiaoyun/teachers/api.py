"""JSON API under /api/teachers: the same selectors and scope as the pages."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest
from ninja import Router
from ninja.pagination import PageNumberPagination, paginate

from jiaoyun.core.api_audit import audited_list
from jiaoyun.teachers import selectors
from jiaoyun.teachers.models import Application, EthicsRecord, HiringRound, RotationMove
from jiaoyun.teachers.schemas import ApplicationOut, EthicsRecordOut, GapOut, MoveOut, QuotaOut, RoundOut
from jiaoyun.teachers.views.common import current_year

router = Router(tags=["teachers"])


def _year(year: int | None) -> int:
    if year:
        return year
    years = selectors.quota_years()
    return years[0] if years else current_year()


@router.get("/quotas", response=list[QuotaOut])
@paginate(PageNumberPagination, page_size=100)
def quotas(request: HttpRequest, year: int | None = None, township: int | None = None) -> Any:
    qs = selectors.quota_list(user=request.user, year=_year(year), filters={"township": township})
    return [
        QuotaOut(
            school_id=r.school_id,
            school=r.school.name,
            township=r.school.township.name,
            students=r.students,
            classes=r.classes,
            quota=r.quota,
            actual=r.actual,
            full_time=r.full_time,
            gap=r.gap,
            basis=r.basis,
        )  # fmt: skip
        for r in qs
    ]


@router.get("/gaps", response=list[GapOut])
@paginate(PageNumberPagination, page_size=200)
def gaps(request: HttpRequest, year: int | None = None, subject: str = "") -> Any:
    qs = selectors.subject_gap_list(user=request.user, year=_year(year), filters={"subject": subject})
    return [
        GapOut(
            school_id=r.school_id,
            school=r.school.name,
            subject=r.subject,
            subject_label=r.get_subject_display(),
            need=r.need,
            actual=r.actual,
            gap=r.gap,
        )  # fmt: skip
        for r in qs
    ]


@router.get("/rounds", response=list[RoundOut])
def rounds(request: HttpRequest) -> Any:
    return [
        RoundOut(id=r.pk, year=r.year, name=r.name, status=r.status, status_label=r.get_status_display())
        for r in selectors.round_list(user=request.user)
    ]


@router.get("/rounds/{round_id}/applications", response=list[ApplicationOut])
@audited_list(Application)
@paginate(PageNumberPagination, page_size=200)
def round_applications(request: HttpRequest, round_id: int) -> Any:
    try:
        rnd = selectors.round_get(user=request.user, round_id=round_id)
    except HiringRound.DoesNotExist:
        raise Http404 from None
    return [
        ApplicationOut(
            id=a.pk,
            teacher=a.teacher.name,
            subject=a.subject,
            origin_school=a.origin_school.name,
            placed_school=a.placed_school.name if a.placed_school else None,
            stage=a.stage,
            preference_rank=a.preference_rank,
            explanation=a.explanation,
        )  # fmt: skip
        for a in selectors.round_applications(user=request.user, round=rnd)
    ]


@router.get("/rotation/{year}/moves", response=list[MoveOut])
@audited_list(RotationMove)
@paginate(PageNumberPagination, page_size=200)
def rotation_moves(request: HttpRequest, year: int) -> Any:
    plan = selectors.rotation_plan_for(year=year)
    if plan is None:
        raise Http404
    return [
        MoveOut(
            id=m.pk,
            teacher=m.teacher.name,
            subject=m.subject,
            backbone=m.backbone,
            from_school=m.from_school.name,
            to_school=m.to_school.name,
            status=m.status,
            reason=m.reason,
        )  # fmt: skip
        for m in selectors.rotation_moves(user=request.user, plan=plan)
    ]


@router.get("/ethics/records", response=list[EthicsRecordOut])
@audited_list(EthicsRecord)
@paginate(PageNumberPagination, page_size=100)
def ethics_records(request: HttpRequest, kind: str = "") -> Any:
    if not selectors.can_view_ethics(request.user):
        raise Http404
    return [
        EthicsRecordOut(
            id=r.pk,
            teacher=r.teacher.name,
            school=r.teacher.school.name if r.teacher.school else None,
            kind=r.kind,
            principle=r.principle,
            date=r.date.isoformat(),
            title=r.title,
            sanctions=[str(s) for s in r.sanctions.all()],
        )  # fmt: skip
        for r in selectors.ethics_record_list(user=request.user, filters={"kind": kind})
    ]
